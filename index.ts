import { loadStackConfig, readStackEnvironment } from "./stack/loadConfig";
import { readExistingResources } from "./stack/existing";
import { createStack } from "./stack/program";

/**
 * The stack program. Async, so that an existing cluster or registry
 * (credless-aks:cluster.existing, credless-aks:registry.existing) is read and
 * checked before a single resource is registered. Pulumi awaits the exported
 * promise and takes the object it resolves to as the stack's outputs
 * (@pulumi/pulumi cmd/run/run.js: "if it is async ... await the value we get back").
 */
async function program() {
    // Config is read and validated before a single resource is registered.
    const config = loadStackConfig();
    const env = readStackEnvironment();
    const existing = await readExistingResources(config);
    const outputs = createStack(config, env, existing);
    return {
        resourceGroupName: outputs.resourceGroupName,
        clusterName: outputs.clusterName,
        clusterId: outputs.clusterId,
        oidcIssuerUrl: outputs.oidcIssuerUrl,
        kubeletIdentityObjectId: outputs.kubeletIdentityObjectId,
        registryName: outputs.registryName,
        registryId: outputs.registryId,
        registryLoginServer: outputs.registryLoginServer,
        githubClientId: outputs.githubClientId,
        githubPrincipalId: outputs.githubPrincipalId,
        githubSubjects: outputs.githubSubjects,
        githubRepository: outputs.githubRepository,
        githubEnvironment: outputs.githubEnvironment,
        githubSecretsScope: outputs.githubSecretsScope,
        tenantId: outputs.tenantId,
        subscriptionId: outputs.subscriptionId,
        workloads: outputs.workloads,
        /** Non-interactive kubelogin kubeconfig; a secret, never printed by `pulumi stack output`. */
        kubeconfig: outputs.kubeconfig,
    };
}

export = program();
