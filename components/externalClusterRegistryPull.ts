import * as pulumi from "@pulumi/pulumi";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as k8s from "@pulumi/kubernetes";
import { EXTERNAL_SECRET_API_VERSION, EXTERNAL_SECRETS_CHART, GENERATOR_API_VERSION } from "./externalSecretsConstants";
import { MAX_FEDERATED_CREDENTIALS, TOKEN_EXCHANGE_AUDIENCE } from "./microsoftConstants";
import { acrClusterGeneratorSpec, pullerServiceAccountAnnotations, pullSecretExternalSecretSpec, refreshIntervalRule, repositoryPrefixCondition, repositoryPrefixRule } from "./registryPullManifests";
import { ArgumentProblems } from "./argumentProblems";
import { assignRole, registryDataRole } from "./roles";
import { serviceAccountSubject } from "./subjects";
import { dnsLabelRule, dnsSubdomainRule } from "./validation";
import { federatedCredentialName, issuerUrlRule, managedIdentityName, managedIdentityNameRule, workloadLabels } from "./workloadIdentityNaming";

/** The registry the external cluster pulls from. */
export interface ExternalClusterRegistry {
    /** Required. ARM resource id of the registry: the scope of the pull role, and of nothing else. */
    resourceId: pulumi.Input<string>;
    /** Required. The registry's login server, e.g. "contoso.azurecr.io": the key of the pull secret's auths. */
    loginServer: pulumi.Input<string>;
    /**
     * Optional. The registry is in "RBAC Registry + ABAC Repository Permissions"
     * mode: the identity gets "Container Registry Repository Reader" instead of
     * AcrPull, which such a registry does not honour. Defaults to false.
     */
    abacRepositoryPermissions?: boolean;
}

export interface ExternalClusterRegistryPullArgs {
    /**
     * Required. The cluster's OIDC issuer URL exactly as its provider publishes it
     * (EKS: https://oidc.eks.<region>.amazonaws.com/id/<id>; GKE:
     * https://container.googleapis.com/v1/projects/<p>/locations/<l>/clusters/<c>;
     * a self-managed --service-account-issuer). Passed to Entra ID unchanged: the
     * token's `iss` claim must match it character for character, trailing slash included.
     */
    issuerUrl: pulumi.Input<string>;
    /** Required. Provider of the external cluster; every Kubernetes object uses it. */
    kubernetesProvider: k8s.Provider;
    /** Required. The registry. */
    registry: ExternalClusterRegistry;
    /**
     * Required. Namespaces whose pods pull (RFC 1123 labels, 1 to 20 of them: one
     * federated credential each, and Entra ID allows 20 per identity).
     */
    namespaces: string[];
    /** Required. Tenant of the identity, for the azure.workload.identity/tenant-id annotation and the generator. */
    tenantId: pulumi.Input<string>;
    /** Required. Resource group of the managed identity. */
    resourceGroupName: pulumi.Input<string>;
    /** Optional. Azure region of the managed identity. Defaults to the resource group's (azure-native fills it in). */
    location?: pulumi.Input<string>;
    /** Optional. Name of the managed identity (3 to 128 letters, digits, '-' or '_'). Defaults to managedIdentityName(<component name>). */
    identityName?: string;
    /**
     * Optional. Name of the service account, created in each namespace, whose
     * token ESO exchanges for the identity's (the "puller"; RFC 1123 subdomain).
     * No workload runs as it. Defaults to "acr-pull-token".
     */
    serviceAccountName?: string;
    /** Optional. Name of the kubernetes.io/dockerconfigjson Secret (and of its ExternalSecret) in each namespace. Defaults to "acr-pull". */
    secretName?: string;
    /** Optional. Name of the cluster-wide ClusterGenerator (RFC 1123 subdomain). Defaults to "<component name>-acr". */
    generatorName?: string;
    /**
     * Optional. How often ESO renews the pull secret, a duration from "1m" to "1h":
     * the ACR refresh token in it lives 3 hours. Defaults to "30m".
     */
    refreshInterval?: string;
    /**
     * Optional; ABAC-mode registries only. Repository prefixes the identity may pull
     * from (each matched as "<prefix>/" by an ABAC condition, condition version 2.0).
     * Defaults to none: every repository of the registry.
     */
    repositoryPrefixes?: string[];
    /**
     * Optional; ABAC-mode registries only. Also grant "Container Registry Repository
     * Catalog Lister" (lists every repository name; takes no condition). Pulls never
     * need it. Defaults to false.
     */
    catalogLister?: boolean;
    /** Optional. Create the namespaces (and delete them, with everything in them, on destroy). Defaults to false. */
    createNamespaces?: boolean;
    /**
     * Optional. Add the pull secret to the imagePullSecrets of each namespace's
     * `default` service account. Racy by design: a pod admitted before the patch
     * keeps an empty list for life (docs/external-clusters.md). Defaults to false:
     * list the secret in the pod spec instead.
     */
    patchDefaultServiceAccount?: boolean;
    /**
     * Optional. Install External Secrets Operator with Helm (chart
     * EXTERNAL_SECRETS_CHART, pinned) into namespace "external-secrets". Most
     * clusters have ESO already. Defaults to false.
     */
    installExternalSecrets?: boolean;
    /** Optional. Azure tags of the managed identity. Defaults to none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Lets a Kubernetes cluster that is not AKS (EKS, GKE, on-premises) pull from
 * ACR with no stored credential. The cluster's own service-account token is
 * exchanged at Entra ID, through a federated credential on a user-assigned
 * managed identity, for an access token; External Secrets Operator's
 * ACRAccessToken generator turns that into an ACR refresh token and writes it
 * into a kubernetes.io/dockerconfigjson Secret per namespace, renewed every
 * refreshInterval. The identity may pull from this registry and nothing else.
 *
 * Creates: the managed identity, one federated credential per namespace
 * (subject system:serviceaccount:<namespace>:<serviceAccountName>), the pull
 * role on the registry, a ClusterGenerator, and per namespace the annotated
 * service account and an ExternalSecret; optionally the namespaces, the
 * default service account patch and ESO itself. Needs ESO 0.17.0 or later.
 */
export class ExternalClusterRegistryPull extends pulumi.ComponentResource {
    /** Client id of the managed identity (the azure.workload.identity/client-id annotation). */
    public readonly clientId: pulumi.Output<string>;
    /** Object id of the identity's service principal, the principal of the pull role. */
    public readonly principalId: pulumi.Output<string>;
    /** ARM resource id of the managed identity. */
    public readonly identityResourceId: pulumi.Output<string>;
    /** Subjects of the federated credentials, one per namespace, in the order of `namespaces`. */
    public readonly subjects: pulumi.Output<string[]>;
    /** Name of the pull secret in each namespace. */
    public readonly secretName: pulumi.Output<string>;
    /** The pull secret's refresh interval. */
    public readonly refreshInterval: pulumi.Output<string>;
    /** Name of the ClusterGenerator. */
    public readonly generatorName: pulumi.Output<string>;

    constructor(name: string, args: ExternalClusterRegistryPullArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:external:ExternalClusterRegistryPull", name, {}, opts);

        const serviceAccountName = args.serviceAccountName ?? "acr-pull-token";
        const secretName = args.secretName ?? "acr-pull";
        const generatorName = args.generatorName ?? `${name}-acr`;
        const refreshInterval = args.refreshInterval ?? "30m";
        const identityName = args.identityName ?? managedIdentityName(name);
        const prefixes = args.repositoryPrefixes ?? [];
        const abac = args.registry.abacRepositoryPermissions ?? false;
        const catalogLister = args.catalogLister ?? false;
        const labels = workloadLabels({});

        const problems = new ArgumentProblems("ExternalClusterRegistryPull", name);
        if (typeof args.issuerUrl === "string") {
            problems.check("issuerUrl", args.issuerUrl, issuerUrlRule);
        }
        if (args.namespaces.length === 0 || args.namespaces.length > MAX_FEDERATED_CREDENTIALS) {
            problems.fail(
                "namespaces",
                args.namespaces,
                `must list 1 to ${MAX_FEDERATED_CREDENTIALS} namespaces: each needs its own federated credential, and Entra ID allows ${MAX_FEDERATED_CREDENTIALS} per identity`,
            );
        }
        args.namespaces.forEach((ns, i) => {
            if (problems.check(`namespaces[${i}]`, ns, dnsLabelRule) && args.namespaces.indexOf(ns) !== i) {
                problems.fail(`namespaces[${i}]`, ns, "is listed twice");
            }
        });
        problems.check("serviceAccountName", serviceAccountName, dnsSubdomainRule);
        problems.check("secretName", secretName, dnsSubdomainRule);
        problems.check("generatorName", generatorName, dnsSubdomainRule);
        problems.check("refreshInterval", refreshInterval, refreshIntervalRule);
        problems.check("identityName", identityName, managedIdentityNameRule);
        const abacOnly = "needs registry.abacRepositoryPermissions true: only a registry in RBAC Registry + ABAC Repository Permissions mode honours repository conditions and the catalog role";
        if (!abac && prefixes.length > 0) {
            problems.fail("repositoryPrefixes", prefixes, abacOnly);
        }
        if (!abac && catalogLister) {
            problems.fail("catalogLister", catalogLister, abacOnly);
        }
        prefixes.forEach((p, i) => problems.check(`repositoryPrefixes[${i}]`, p, repositoryPrefixRule));
        problems.throwIfAny(this);

        // Azure: the identity, one credential per namespace, the pull right on the registry only.
        const identity = new managedidentity.UserAssignedIdentity(
            `${name}-identity`,
            { resourceName: identityName, resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags },
            { parent: this },
        );
        // One credential at a time: Azure refuses concurrent federated-credential writes on one
        // managed identity (see WorkloadIdentityServiceAccount for the sources).
        let previous: managedidentity.FederatedIdentityCredential | undefined;
        const credentials = args.namespaces.map((ns) => {
            previous = new managedidentity.FederatedIdentityCredential(
                `${name}-fic-${ns}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    resourceName: identity.name,
                    federatedIdentityCredentialResourceName: federatedCredentialName(ns, serviceAccountName),
                    issuer: args.issuerUrl,
                    subject: serviceAccountSubject(ns, serviceAccountName),
                    audiences: [TOKEN_EXCHANGE_AUDIENCE],
                },
                { parent: this, deleteBeforeReplace: true, dependsOn: previous },
            );
            return previous;
        });
        const pullRole = registryDataRole("pull", abac);
        const roles = [
            assignRole(
                `${name}-role-pull`,
                args.registry.resourceId,
                {
                    roleDefinitionIdOrName: pullRole,
                    principalId: identity.principalId,
                    principalType: "ServicePrincipal",
                    description: `Image pulls of external cluster ${name}`,
                    ...(prefixes.length > 0 ? { condition: repositoryPrefixCondition(prefixes) } : {}),
                },
                { parent: this },
            ),
        ];
        if (catalogLister) {
            roles.push(
                assignRole(
                    `${name}-role-catalog`,
                    args.registry.resourceId,
                    { roleDefinitionIdOrName: "Container Registry Repository Catalog Lister", principalId: identity.principalId, principalType: "ServicePrincipal" },
                    { parent: this },
                ),
            );
        }

        // The cluster: ESO (optional), the generator, and per namespace the puller and its secret.
        const provider = args.kubernetesProvider;
        const eso = args.installExternalSecrets
            ? new k8s.helm.v3.Release(
                  `${name}-external-secrets`,
                  {
                      chart: EXTERNAL_SECRETS_CHART.chart,
                      version: EXTERNAL_SECRETS_CHART.version,
                      repositoryOpts: { repo: EXTERNAL_SECRETS_CHART.repository },
                      namespace: "external-secrets",
                      createNamespace: true,
                  },
                  { parent: this, provider },
              )
            : undefined;
        const generator = new k8s.apiextensions.CustomResource(
            `${name}-generator`,
            {
                apiVersion: GENERATOR_API_VERSION,
                kind: "ClusterGenerator",
                metadata: { name: generatorName, labels },
                spec: pulumi
                    .all([args.registry.loginServer, args.tenantId])
                    .apply(([loginServer, tenantId]) => acrClusterGeneratorSpec({ loginServer, tenantId, serviceAccountName })),
            },
            { parent: this, provider, dependsOn: eso ? [eso] : [] },
        );
        for (const ns of args.namespaces) {
            const namespace = args.createNamespaces
                ? new k8s.core.v1.Namespace(`${name}-namespace-${ns}`, { metadata: { name: ns, labels } }, { parent: this, provider })
                : undefined;
            const inNamespace = namespace ? namespace.metadata.name : ns;
            const serviceAccount = new k8s.core.v1.ServiceAccount(
                `${name}-sa-${ns}`,
                {
                    metadata: {
                        name: serviceAccountName,
                        namespace: inNamespace,
                        labels,
                        annotations: pullerServiceAccountAnnotations<pulumi.Input<string>>(identity.clientId, args.tenantId),
                    },
                    // The token is requested by ESO through the TokenRequest API; no pod mounts one.
                    automountServiceAccountToken: false,
                },
                { parent: this, provider },
            );
            // Created once the identity can be obtained and may pull, so ESO's first sync succeeds.
            new k8s.apiextensions.CustomResource(
                `${name}-pull-secret-${ns}`,
                {
                    apiVersion: EXTERNAL_SECRET_API_VERSION,
                    kind: "ExternalSecret",
                    metadata: { name: secretName, namespace: inNamespace, labels },
                    spec: pulumi.output(args.registry.loginServer).apply((loginServer) =>
                        pullSecretExternalSecretSpec({ generatorName, secretName, loginServer, refreshInterval }),
                    ),
                },
                { parent: this, provider, dependsOn: [...credentials, ...roles, serviceAccount, generator] },
            );
            if (args.patchDefaultServiceAccount) {
                new k8s.core.v1.ServiceAccountPatch(
                    `${name}-default-sa-${ns}`,
                    { metadata: { name: "default", namespace: inNamespace }, imagePullSecrets: [{ name: secretName }] },
                    { parent: this, provider },
                );
            }
        }

        this.clientId = identity.clientId;
        this.principalId = identity.principalId;
        this.identityResourceId = identity.id;
        this.subjects = pulumi.output(args.namespaces.map((ns) => serviceAccountSubject(ns, serviceAccountName)));
        this.secretName = pulumi.output(secretName);
        this.refreshInterval = pulumi.output(refreshInterval);
        this.generatorName = generator.metadata.name;
        this.registerOutputs({
            clientId: this.clientId,
            principalId: this.principalId,
            identityResourceId: this.identityResourceId,
            subjects: this.subjects,
            secretName: this.secretName,
            refreshInterval: this.refreshInterval,
            generatorName: this.generatorName,
        });
    }
}
