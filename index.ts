/**
 * The stack program (Pulumi.yaml's main). Pulumi's Node.js host calls the
 * exported function and awaits it (@pulumi/pulumi 3.248.0 cmd/run/run.js:
 * "If the exported value was itself a Function, then just execute it ...
 * await the value we get back"): the GitHub lookups it awaits happen before
 * any resource is registered. The outputs: resourceGroupName, clusterName,
 * clusterId, oidcIssuerUrl, kubeletIdentityObjectId, registryName,
 * registryId, registryLoginServer, githubClientId, githubPrincipalId,
 * githubSubjects, githubRepository, githubEnvironment, githubSecretsScope,
 * tenantId, subscriptionId, workloads, externalClusters, clusterAdminGroupObjectId, and
 * kubeconfig (non-interactive kubelogin; a secret, never printed by
 * `pulumi stack output`).
 */
import { runStack } from "./stack/run";

export = runStack;
