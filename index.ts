import { loadStackConfig, readStackEnvironment } from "./stack/loadConfig";
import { createStack } from "./stack/program";

// Config is read and validated before a single resource is registered.
const config = loadStackConfig();
const outputs = createStack(config, readStackEnvironment());

export const resourceGroupName = outputs.resourceGroupName;
export const clusterName = outputs.clusterName;
export const clusterId = outputs.clusterId;
export const oidcIssuerUrl = outputs.oidcIssuerUrl;
export const kubeletIdentityObjectId = outputs.kubeletIdentityObjectId;
export const registryName = outputs.registryName;
export const registryId = outputs.registryId;
export const registryLoginServer = outputs.registryLoginServer;
export const githubClientId = outputs.githubClientId;
export const githubPrincipalId = outputs.githubPrincipalId;
export const githubSubjects = outputs.githubSubjects;
export const githubRepository = outputs.githubRepository;
export const githubEnvironment = outputs.githubEnvironment;
export const githubSecretsScope = outputs.githubSecretsScope;
export const tenantId = outputs.tenantId;
export const subscriptionId = outputs.subscriptionId;
export const workloads = outputs.workloads;
/** Non-interactive kubelogin kubeconfig; a secret, never printed by `pulumi stack output`. */
export const kubeconfig = outputs.kubeconfig;
export const clusterAdminGroupObjectId = outputs.clusterAdminGroupObjectId;
