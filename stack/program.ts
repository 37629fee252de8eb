/**
 * One environment: wires the components together from the validated config.
 * Everything that does not need the cluster's outputs (registry, GitHub
 * identity, its secrets, the workloads' managed identities) is created in
 * parallel with the cluster, which takes minutes.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as resources from "@pulumi/azure-native/resources";
import * as githubSdk from "@pulumi/github";
import * as k8s from "@pulumi/kubernetes";
import { AksCluster } from "../components/aksCluster";
import { ContainerRegistry } from "../components/containerRegistry";
import { ExistingAksCluster } from "../components/existingAksCluster";
import { ExistingContainerRegistry } from "../components/existingContainerRegistry";
import { ExternalClusterRegistryPull } from "../components/externalClusterRegistryPull";
import { GitHubActionsIdentity } from "../components/gitHubActionsIdentity";
import { GitHubDeploymentSecrets } from "../components/gitHubDeploymentSecrets";
import { githubProviderArgs } from "../components/githubProvider";
import { baseName } from "../components/naming";
import { registryScopedRole, subscriptionOfScope } from "../components/roles";
import { managedIdentityName, PodTemplateSnippet } from "../components/workloadIdentityNaming";
import { WorkloadIdentityServiceAccount } from "../components/workloadIdentityServiceAccount";
import { StackConfig } from "./config";
import { ExistingResources } from "./existing";
import { ResolvedGitHub } from "./githubPreflight";

/** What the stack needs from outside the config: read by index.ts, never by components. */
export interface StackEnvironment {
    /** The GitHub token (github:token or GITHUB_TOKEN), when one is at hand; enables the repository lookup. */
    githubToken?: string;
    /** The GitHub REST API's base URL (github:baseUrl, GITHUB_BASE_URL, or https://api.github.com/). */
    githubBaseUrl: string;
    /** Kubeconfig of each external cluster by name, from its secret config key (stack/loadConfig.ts readExternalKubeconfigs). */
    externalKubeconfigs?: Record<string, pulumi.Input<string>>;
}

export interface WorkloadOutput {
    clientId: pulumi.Output<string>;
    principalId: pulumi.Output<string>;
    namespace: string;
    serviceAccount: string;
    /** What a pod needs to get the identity: the azure.workload.identity/use: "true" label and the service account, to merge into a Deployment's spec.template. */
    podTemplate: pulumi.Output<PodTemplateSnippet>;
    /** The same fragment as YAML, ready to paste under spec.template. */
    podTemplateYaml: pulumi.Output<string>;
}

/**
 * `github` is what stack/githubPreflight.ts settled with GitHub before this
 * runs: the repository's spelling and ids and the subjects GitHub sends.
 * `existing`: the cluster and registry read by readExistingResources
 * (stack/existing.ts) when config names existing ones; the stack then wires
 * everything to them exactly as to its own.
 */
export function createStack(config: StackConfig, env: StackEnvironment, github: ResolvedGitHub, existing: ExistingResources = {}) {
    const base = baseName(config.github.name, config.environment);
    const tags = {
        environment: config.environment,
        project: "credless-aks",
        "managed-by": "pulumi",
        repository: config.github.repository,
    };
    const client = authorization.getClientConfigOutput();
    const graphClient = azuread.getClientConfigOutput();

    const resourceGroup = config.existingResourceGroupName
        ? resources.getResourceGroupOutput({ resourceGroupName: config.existingResourceGroupName })
        : new resources.ResourceGroup("resource-group", { resourceGroupName: `rg-${base}`, location: config.location, tags });
    const resourceGroupName: pulumi.Output<string> = resourceGroup.name;
    const resourceGroupId: pulumi.Output<string> = resourceGroup.id;

    const registry = existing.registry
        ? new ExistingContainerRegistry("registry", { facts: existing.registry, abacRepositoryPermissions: config.registry.abacRepositoryPermissions })
        : new ContainerRegistry("registry", {
              resourceGroupName,
              location: config.location,
              namePrefix: config.registry.namePrefix,
              nameSeed: pulumi.interpolate`${resourceGroupId}/${config.environment}`,
              sku: config.registry.sku,
              retentionDays: config.registry.retentionDays,
              zoneRedundancy: config.registry.zoneRedundancy,
              abacRepositoryPermissions: config.registry.abacRepositoryPermissions,
              tags,
          });

    // The group whose members administer the cluster, when config asks the stack to create it:
    // a security group, no mail, not assignable to directory roles unless asked.
    const adminGroupConfig = config.cluster.adminGroup;
    const adminGroup = adminGroupConfig
        ? new azuread.Group("cluster-admin-group", {
              displayName: adminGroupConfig.displayName,
              securityEnabled: true,
              mailEnabled: false,
              assignableToRole: adminGroupConfig.assignableToRole,
              // Fails instead of creating a second group with a name already taken.
              preventDuplicateNames: true,
              members: adminGroupConfig.members,
              // Under Microsoft Graph's Group.Create, the principal running pulumi up manages only groups it owns.
              owners: adminGroupConfig.owners ?? [graphClient.objectId],
          })
        : undefined;

    const deployer = { objectId: client.objectId, principalType: config.cluster.deployerPrincipalType };
    const cluster = existing.cluster
        ? new ExistingAksCluster("cluster", { facts: existing.cluster, kubeloginMode: config.cluster.kubeloginMode, deployer })
        : new AksCluster("cluster", {
              resourceGroupName,
              location: config.location,
              clusterName: `aks-${base}`,
              tier: config.cluster.tier,
              kubernetesVersion: config.cluster.kubernetesVersion,
              nodePool: config.cluster.nodePool,
              authorizedIpRanges: config.cluster.authorizedIpRanges,
              adminGroupObjectIds: adminGroup ? [...config.cluster.adminGroupObjectIds, adminGroup.objectId] : config.cluster.adminGroupObjectIds,
              autoUpgradeChannel: config.cluster.autoUpgradeChannel,
              nodeOsUpgradeChannel: config.cluster.nodeOsUpgradeChannel,
              networkPolicy: config.cluster.networkPolicy,
              deletionProtection: config.cluster.deletionProtection,
              managementLock: config.cluster.managementLock,
              maintenanceWindow: config.cluster.maintenanceWindow,
              kubeloginMode: config.cluster.kubeloginMode,
              deployer,
              tags,
          });

    registry.attachCluster("kubelet", cluster.kubeletIdentityObjectId);

    const githubProvider = new githubSdk.Provider(
        "github",
        env.githubToken
            ? githubProviderArgs(config.github.repository, env.githubToken, env.githubBaseUrl)
            : { owner: config.github.owner, baseUrl: env.githubBaseUrl },
    );

    const identity = new GitHubActionsIdentity("github", {
        repository: { owner: config.github.owner, name: config.github.name, ownerId: github.ownerId, repositoryId: github.repositoryId },
        environment: config.environment,
        subjectFormat: github.subjectFormat,
        subjectClaimKeys: github.subjectClaimKeys,
        jobWorkflowRef: config.github.jobWorkflowRef,
        keepNameSubjects: config.github.keepNameSubjects,
        triggers: config.github.triggers,
        registry: { resourceId: registry.resourceId, abacRepositoryPermissions: config.registry.abacRepositoryPermissions },
        // No workload namespace, no deploy rights on the cluster at all.
        cluster: config.github.deployNamespaces.length > 0 ? { resourceId: cluster.resourceId, namespaces: config.github.deployNamespaces } : undefined,
        // Under Microsoft Graph's Application.ReadWrite.OwnedBy, the principal that runs pulumi up can
        // manage only the apps it owns; the owner is azuread's principal, which may differ from ARM's.
        owners: [graphClient.objectId],
    });

    // An existing registry's id and login server are the getRegistry invoke's answer, which carries no
    // dependency, and the policy github-secret-from-resource-output (which cannot tell an invoke from
    // config) requires one. They are tied to the GitHub identity's service principal, which uses them.
    const registryValue = (value: pulumi.Output<string>) => (existing.registry ? pulumi.all([identity.principalId, value]).apply(([, v]) => v) : value);

    const environmentScope = config.github.secretsScope === "environment";
    new GitHubDeploymentSecrets("github-secrets", {
        repository: config.github.name,
        scope: config.github.secretsScope,
        // The environment and its protection rules exist only in environment scope.
        ...(environmentScope
            ? {
                  environmentName: config.github.environmentName,
                  reviewers: { userIds: config.github.reviewerUserIds, teamIds: config.github.reviewerTeamIds },
                  // An empty list is no restriction: left out, not passed as [] (which the component refuses).
                  deploymentBranches: config.github.deploymentBranches.length > 0 ? config.github.deploymentBranches : undefined,
                  deploymentTags: config.github.deploymentTags.length > 0 ? config.github.deploymentTags : undefined,
                  preventSelfReview: config.github.preventSelfReview,
                  canAdminsBypass: config.github.canAdminsBypass,
              }
            : {}),
        secrets: {
            AZURE_CLIENT_ID: identity.clientId,
            // From resource outputs, not the getClientConfig invoke: every secret value traces back to a created resource.
            AZURE_TENANT_ID: identity.tenantId,
            AZURE_SUBSCRIPTION_ID: registryValue(registry.resourceId).apply(subscriptionOfScope),
            REGISTRY_LOGIN_SERVER: registryValue(registry.loginServer),
        },
        variables: {
            AKS_CLUSTER_NAME: cluster.clusterName,
            // The cluster's own resource group: an existing cluster's may differ from the stack's.
            AKS_RESOURCE_GROUP: cluster.resourceGroupName,
        },
        provider: githubProvider,
    });

    // A workload role's scope from config: the registry, the resource group, or an ARM id as given.
    // On the registry, the role is the one the registry honours in its permissions mode (AcrPull
    // becomes Container Registry Repository Reader in ABAC mode), chosen where every registry grant is.
    const workloadRole = (r: { role: string; scope: string }) =>
        r.scope === "registry"
            ? { roleDefinitionIdOrName: registryScopedRole(r.role, config.registry.abacRepositoryPermissions), scope: registry.resourceId }
            : { roleDefinitionIdOrName: r.role, scope: r.scope === "resourceGroup" ? resourceGroupId : r.scope };

    // One Namespace per namespace that a workload asks to create, shared by all its workloads.
    const namespaces = new Map<string, k8s.core.v1.Namespace>();
    for (const ns of new Set(config.workloads.filter((w) => w.createNamespace).map((w) => w.namespace))) {
        namespaces.set(
            ns,
            new k8s.core.v1.Namespace(
                `namespace-${ns}`,
                { metadata: { name: ns, labels: { "app.kubernetes.io/managed-by": "pulumi" } } },
                { provider: cluster.provider },
            ),
        );
    }

    const workloads: Record<string, WorkloadOutput> = {};
    for (const w of config.workloads) {
        const managed = w.identityType === "managedIdentity";
        const workload = new WorkloadIdentityServiceAccount(w.name, {
            namespace: w.namespace,
            serviceAccountName: w.serviceAccount,
            createNamespace: false,
            namespaceResource: namespaces.get(w.namespace),
            issuerUrl: cluster.oidcIssuerUrl,
            kubernetesProvider: cluster.provider,
            identityType: w.identityType,
            identityName: managedIdentityName(w.name, config.environment),
            tenantId: client.tenantId,
            tokenExpirationSeconds: w.tokenExpirationSeconds,
            roleAssignments: w.roles.map(workloadRole),
            apiPermissions: w.apiPermissions,
            // A managed identity lives in the resource group and carries tags; an app registration has owners.
            ...(managed ? { resourceGroupName, location: config.location, tags } : { applicationOwners: [graphClient.objectId] }),
        });
        workloads[w.name] = {
            clientId: workload.clientId,
            principalId: workload.principalId,
            namespace: w.namespace,
            serviceAccount: w.serviceAccount,
            podTemplate: workload.podTemplateSnippet,
            podTemplateYaml: workload.podTemplateSnippetYaml,
        };
    }

    const externalClusters = createExternalClusters(config, env, {
        registry,
        resourceGroupName,
        tenantId: client.tenantId,
        tags,
    });

    return {
        resourceGroupName,
        clusterName: cluster.clusterName,
        clusterId: cluster.resourceId,
        oidcIssuerUrl: cluster.oidcIssuerUrl,
        kubeletIdentityObjectId: cluster.kubeletIdentityObjectId,
        registryName: registry.registryName,
        registryId: registry.resourceId,
        registryLoginServer: registry.loginServer,
        githubClientId: identity.clientId,
        githubPrincipalId: identity.principalId,
        githubSubjects: identity.subjects,
        githubRepository: github.fullName,
        githubEnvironment: config.github.secretsScope === "environment" ? config.github.environmentName : null,
        githubSecretsScope: config.github.secretsScope,
        tenantId: client.tenantId,
        subscriptionId: client.subscriptionId,
        workloads,
        externalClusters,
        kubeconfig: cluster.kubeconfig,
        clusterAdminGroupObjectId: adminGroup ? adminGroup.objectId : null,
    };
}

/** What `npm run verify` reads about one external cluster (stack output externalClusters.<name>). */
export interface ExternalClusterOutput {
    issuerUrl: string;
    namespaces: string[];
    clientId: pulumi.Output<string>;
    principalId: pulumi.Output<string>;
    secretName: pulumi.Output<string>;
    refreshInterval: pulumi.Output<string>;
    registryLoginServer: pulumi.Output<string>;
}

/** One ExternalClusterRegistryPull per credless-aks:externalClusters entry, each through a provider built from its secret kubeconfig. */
function createExternalClusters(
    config: StackConfig,
    env: StackEnvironment,
    shared: { registry: { resourceId: pulumi.Output<string>; loginServer: pulumi.Output<string> }; resourceGroupName: pulumi.Output<string>; tenantId: pulumi.Output<string>; tags: Record<string, string> },
): Record<string, ExternalClusterOutput> {
    const out: Record<string, ExternalClusterOutput> = {};
    for (const c of config.externalClusters) {
        const kubeconfig = env.externalKubeconfigs?.[c.name];
        if (kubeconfig === undefined) {
            throw new Error(`external cluster "${c.name}": no kubeconfig was read for it (credless-aks:${c.kubeconfigSecret}); index.ts reads them with readExternalKubeconfigs`);
        }
        const provider = new k8s.Provider(`external-${c.name}`, { kubeconfig: pulumi.secret(kubeconfig) });
        const pull = new ExternalClusterRegistryPull(`external-${c.name}`, {
            issuerUrl: c.issuerUrl,
            kubernetesProvider: provider,
            registry: {
                resourceId: shared.registry.resourceId,
                loginServer: shared.registry.loginServer,
                abacRepositoryPermissions: config.registry.abacRepositoryPermissions,
            },
            namespaces: c.namespaces,
            tenantId: shared.tenantId,
            resourceGroupName: shared.resourceGroupName,
            location: config.location,
            identityName: managedIdentityName("pull", c.name, config.environment),
            refreshInterval: c.refreshInterval,
            repositoryPrefixes: c.repositoryPrefixes,
            catalogLister: c.catalogLister,
            patchDefaultServiceAccount: c.patchDefaultServiceAccount,
            installExternalSecrets: c.installExternalSecrets,
            tags: shared.tags,
        });
        out[c.name] = {
            issuerUrl: c.issuerUrl,
            namespaces: c.namespaces,
            clientId: pull.clientId,
            principalId: pull.principalId,
            secretName: pull.secretName,
            refreshInterval: pull.refreshInterval,
            registryLoginServer: shared.registry.loginServer,
        };
    }
    return out;
}
