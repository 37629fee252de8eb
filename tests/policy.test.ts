import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as azuread from "@pulumi/azuread";
import * as github from "@pulumi/github";
import { GITHUB_OIDC_ISSUER } from "../components/githubConstants";
import { TOKEN_EXCHANGE_AUDIENCE } from "../components/microsoftConstants";
import { BUILT_IN_ROLES } from "../components/roles";
import { policies, stackEnvironment } from "../policy/policies";
import { fromRecorded, mandatoryViolations, OfflineResource, OfflineStack, PolicyResult, runPolicies } from "../policy/runOffline";
import { FAKE, runUnderMocks } from "./harness";
import { TYPES } from "./resourceTypes";

const DEV: OfflineStack = { name: "dev", environment: "dev" };
const PROD: OfflineStack = { name: "prod", environment: "prod" };

const RG = `/subscriptions/${FAKE.subscriptionId}/resourceGroups/geofencing-dev`;
const REGISTRY_ID = `${RG}/providers/Microsoft.ContainerRegistry/registries/contosogeoabc`;
const CLUSTER_ID = `${RG}/providers/Microsoft.ContainerService/managedClusters/geofencing-dev`;
const AKS_ISSUER = `https://westeurope.oic.prod-aks.azure.com/${FAKE.tenantId}/2c1e6f0a-1b7d-4e3a-9f52-7d8a0c4e1b26/`;

function resource(type: string, name: string, props: Record<string, unknown>, extra: Partial<OfflineResource> = {}): OfflineResource {
    return { type, name, urn: `urn:pulumi:dev::credless-aks::${type}::${name}`, props, ...extra };
}

function ref(r: OfflineResource) {
    return { type: r.type, name: r.name, urn: r.urn };
}

/** The results of one policy. */
function resultsOf(policy: string, resources: OfflineResource[], stack: OfflineStack = DEV): PolicyResult[] {
    return runPolicies(resources, stack).filter((r) => r.policy === policy);
}

function violation(policy: string, r: OfflineResource, message: string, enforcementLevel: "mandatory" | "advisory" = "mandatory"): PolicyResult {
    return { policy, enforcementLevel, resource: ref(r), message };
}

const roleDefinition = (roleId: string) => `/subscriptions/${FAKE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;

const registryProps = () => ({
    resourceGroupName: "geofencing-prod",
    adminUserEnabled: false,
    anonymousPullEnabled: false,
    sku: { name: "Premium" },
    policies: { retentionPolicy: { days: 14, status: "enabled" } },
});

const clusterProps = () => ({
    resourceGroupName: "geofencing-prod",
    oidcIssuerProfile: { enabled: true },
    securityProfile: { workloadIdentity: { enabled: true } },
    disableLocalAccounts: true,
    enableRBAC: true,
    aadProfile: { managed: true, enableAzureRBAC: true },
    autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "SecurityPatch" },
    networkProfile: { networkPlugin: "azure", networkPolicy: "cilium", networkDataplane: "cilium" },
    apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24"] },
    sku: { name: "Base", tier: "Standard" },
    identity: { type: "SystemAssigned" },
});

const assignmentProps = (role: string, scope: string, principalType?: string) => ({
    scope,
    roleDefinitionId: roleDefinition(role),
    principalId: FAKE.deployerObjectId,
    ...(principalType ? { principalType } : {}),
});

const githubCredentialProps = () => ({
    applicationId: `/applications/${FAKE.deployerObjectId}`,
    displayName: "github-environment-prod",
    issuer: GITHUB_OIDC_ISSUER,
    audiences: [TOKEN_EXCHANGE_AUDIENCE],
    subject: "repo:contoso/geofencing:environment:prod",
});

const kubernetesCredentialProps = () => ({
    resourceGroupName: "geofencing-prod",
    resourceName: "geofencing-api",
    issuer: AKS_ISSUER,
    audiences: [TOKEN_EXCHANGE_AUDIENCE],
    subject: "system:serviceaccount:geofencing:geofencing-api",
});

/** One compliant resource of every kind the policies look at. */
function compliantStack(): OfflineResource[] {
    const app = resource(TYPES.application, "deployer", { displayName: "geofencing-prod-deployer" });
    return [
        resource(TYPES.registry, "registry", registryProps()),
        resource(TYPES.managedCluster, "cluster", clusterProps()),
        resource(TYPES.roleAssignment, "kubelet-acrpull", assignmentProps(BUILT_IN_ROLES.AcrPull, REGISTRY_ID, "ServicePrincipal")),
        resource(TYPES.roleAssignment, "deployer-admin", assignmentProps(BUILT_IN_ROLES["Azure Kubernetes Service RBAC Cluster Admin"], CLUSTER_ID, "User")),
        app,
        resource(TYPES.applicationFederatedCredential, "github-prod", githubCredentialProps()),
        resource(TYPES.identityFederatedCredential, "api-sa", kubernetesCredentialProps()),
        resource(TYPES.repositoryEnvironment, "environment", { repository: "geofencing", environment: "prod", deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } }),
        resource(TYPES.environmentDeploymentPolicy, "main", { repository: "geofencing", environment: "prod", branchPattern: "main" }),
        resource(
            TYPES.environmentSecret,
            "client-id",
            { repository: "geofencing", environment: "prod", secretName: "AZURE_CLIENT_ID", value: "a-client-id" },
            { propertyDependencies: { value: [app.urn] } },
        ),
    ];
}

describe("policy pack", () => {
    it("declares the issue's policies with their enforcement levels", () => {
        assert.deepStrictEqual(
            policies.map((p) => `${p.name}:${p.enforcementLevel}`),
            [
                "acr-admin-user-disabled:mandatory",
                "acr-anonymous-pull-disabled:mandatory",
                "acr-premium-retention:advisory",
                "aks-oidc-issuer-enabled:mandatory",
                "aks-workload-identity-enabled:mandatory",
                "aks-local-accounts-disabled:mandatory",
                "aks-azure-rbac-enabled:mandatory",
                "aks-auto-upgrade-channel:mandatory",
                "aks-network-policy:mandatory",
                "aks-api-server-restricted-in-prod:advisory",
                "aks-paid-tier-in-prod:advisory",
                "no-entra-credentials:mandatory",
                "github-federated-credential-exact:mandatory",
                "kubernetes-federated-credential-service-account:mandatory",
                "role-assignment-principal-type:mandatory",
                "deployer-cluster-admin-principal-type:advisory",
                "acr-roles-at-registry-scope:mandatory",
                "no-privileged-role-assignments:mandatory",
                "no-tenant-takeover-api-permissions:mandatory",
                "github-secret-from-resource-output:mandatory",
                "github-environment-deployment-refs-in-prod:advisory",
                "aks-existing-local-accounts-disabled:mandatory",
                "acr-existing-admin-user-disabled:mandatory",
                "pipeline-identity-role-limits:mandatory",
                "pipeline-prod-isolation:mandatory",
                "pipeline-apply-not-pull-request:mandatory",
                "pipeline-pulumi-cloud-tokens:advisory",
            ],
        );
        for (const p of policies) {
            assert.ok(p.description.length > 0, p.name);
        }
    });

    it("finds nothing in a compliant prod stack", () => {
        assert.deepStrictEqual(runPolicies(compliantStack(), PROD), []);
    });

    describe("ACR", () => {
        it("acr-admin-user-disabled", () => {
            const r = resource(TYPES.registry, "registry", { ...registryProps(), adminUserEnabled: true });
            assert.deepStrictEqual(resultsOf("acr-admin-user-disabled", [r]), [
                violation("acr-admin-user-disabled", r, "adminUserEnabled is true: the admin user is a shared password; it must be false"),
            ]);
        });

        it("acr-anonymous-pull-disabled", () => {
            const r = resource(TYPES.registry, "registry", { ...registryProps(), anonymousPullEnabled: true });
            assert.deepStrictEqual(resultsOf("acr-anonymous-pull-disabled", [r]), [
                violation("acr-anonymous-pull-disabled", r, "anonymousPullEnabled is true: anyone could pull the registry's images without signing in; it must be false"),
            ]);
        });

        it("acr-premium-retention: Premium without retention is advised, Basic is not asked", () => {
            const premium = resource(TYPES.registry, "premium", { ...registryProps(), policies: { retentionPolicy: { days: 7, status: "disabled" } } });
            const unset = resource(TYPES.registry, "unset", { ...registryProps(), policies: undefined });
            const basic = resource(TYPES.registry, "basic", { ...registryProps(), sku: { name: "Basic" }, policies: undefined });
            const message = (status: string) =>
                `policies.retentionPolicy.status is ${status} on a Premium registry: set it to "enabled" so that untagged manifests are purged`;
            assert.deepStrictEqual(resultsOf("acr-premium-retention", [premium, unset, basic]), [
                violation("acr-premium-retention", premium, message('"disabled"'), "advisory"),
                violation("acr-premium-retention", unset, message("not set"), "advisory"),
            ]);
        });

        it("reads the inputs the real Registry class sends, defaults included", async () => {
            const run = await runUnderMocks(() => {
                new containerregistry.Registry("plain", { resourceGroupName: "rg", sku: { name: "Premium" } });
                new containerregistry.Registry("admin", { resourceGroupName: "rg", sku: { name: "Basic" }, adminUserEnabled: true });
            });
            const results = runPolicies(fromRecorded(run.resources), DEV).map((r) => `${r.policy}:${r.resource?.name}`);
            assert.deepStrictEqual(results, ["acr-admin-user-disabled:admin", "acr-premium-retention:plain"]);
        });
    });

    describe("AKS", () => {
        const cases: [string, Record<string, unknown>, string[]][] = [
            ["aks-oidc-issuer-enabled", { oidcIssuerProfile: { enabled: false } }, ["oidcIssuerProfile.enabled is false: it must be true"]],
            ["aks-oidc-issuer-enabled", { oidcIssuerProfile: undefined }, ["oidcIssuerProfile.enabled is not set: it must be true"]],
            ["aks-workload-identity-enabled", { securityProfile: {} }, ["securityProfile.workloadIdentity.enabled is not set: it must be true"]],
            ["aks-local-accounts-disabled", { disableLocalAccounts: false }, ["disableLocalAccounts is false: it must be true"]],
            [
                "aks-azure-rbac-enabled",
                { aadProfile: { managed: true, enableAzureRBAC: false }, enableRBAC: false },
                ["aadProfile.enableAzureRBAC is false: it must be true", "enableRBAC is false: Kubernetes RBAC must stay enabled for Azure RBAC to apply"],
            ],
            ["aks-auto-upgrade-channel", { autoUpgradeProfile: { upgradeChannel: "none" } }, ['autoUpgradeProfile.upgradeChannel is "none": set patch, stable, rapid or node-image']],
            ["aks-auto-upgrade-channel", { autoUpgradeProfile: undefined }, ["autoUpgradeProfile.upgradeChannel is not set: set patch, stable, rapid or node-image"]],
            ["aks-network-policy", { networkProfile: { networkPlugin: "azure", networkPolicy: "none" } }, ['networkProfile.networkPolicy is "none": set azure, calico or cilium']],
            ["aks-network-policy", { networkProfile: { networkPlugin: "azure" } }, ["networkProfile.networkPolicy is not set: set azure, calico or cilium"]],
        ];
        for (const [policy, change, messages] of cases) {
            it(`${policy}: ${JSON.stringify(change)}`, () => {
                const good = resource(TYPES.managedCluster, "good", clusterProps());
                const bad = resource(TYPES.managedCluster, "bad", { ...clusterProps(), ...change });
                assert.deepStrictEqual(
                    resultsOf(policy, [good, bad], PROD),
                    messages.map((m) => violation(policy, bad, m)),
                );
            });
        }

        it("aks-api-server-restricted-in-prod: open or 0.0.0.0/0 is advised in prod, private passes, dev is not asked", () => {
            const open = resource(TYPES.managedCluster, "open", { ...clusterProps(), apiServerAccessProfile: undefined });
            const world = resource(TYPES.managedCluster, "world", { ...clusterProps(), apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24", "0.0.0.0/0"] } });
            const privateCluster = resource(TYPES.managedCluster, "private", { ...clusterProps(), apiServerAccessProfile: { enablePrivateCluster: true } });
            const policy = "aks-api-server-restricted-in-prod";
            assert.deepStrictEqual(resultsOf(policy, [open, world, privateCluster], PROD), [
                violation(policy, open, "apiServerAccessProfile sets neither enablePrivateCluster nor authorizedIPRanges in prod: the API server answers the whole internet", "advisory"),
                violation(policy, world, 'apiServerAccessProfile.authorizedIPRanges includes "0.0.0.0/0" in prod: it admits every address', "advisory"),
            ]);
            assert.deepStrictEqual(resultsOf(policy, [open, world], DEV), []);
        });

        it("aks-paid-tier-in-prod: Free is advised in prod only; the environment defaults to the stack name", () => {
            const free = resource(TYPES.managedCluster, "free", { ...clusterProps(), sku: { name: "Base", tier: "Free" } });
            const premium = resource(TYPES.managedCluster, "premium", { ...clusterProps(), sku: { name: "Base", tier: "Premium" } });
            const expected = [violation("aks-paid-tier-in-prod", free, 'sku.tier is "Free" in prod: use Standard or Premium', "advisory")];
            assert.deepStrictEqual(resultsOf("aks-paid-tier-in-prod", [free, premium], PROD), expected);
            assert.deepStrictEqual(resultsOf("aks-paid-tier-in-prod", [free, premium], { name: "prod" }), expected);
            assert.deepStrictEqual(resultsOf("aks-paid-tier-in-prod", [free], { name: "prod", environment: "dev" }), []);
        });

        it("under the CLI, prod comes from credless-aks:environment, else the stack name", async () => {
            const fromConfig = await runUnderMocks(() => stackEnvironment(), { stack: "feature1", config: { "credless-aks:environment": "prod" } });
            const fromName = await runUnderMocks(() => stackEnvironment(), { stack: "prod" });
            assert.strictEqual(fromConfig.value, "prod");
            assert.strictEqual(fromName.value, "prod");
        });
    });

    describe("identities", () => {
        it("no-entra-credentials: passwords and certificates of every kind", () => {
            const policy = "no-entra-credentials";
            const kinds: [string, string][] = [
                [TYPES.applicationPassword, "an application password is a client secret"],
                [TYPES.servicePrincipalPassword, "a service principal password is a client secret"],
                [TYPES.applicationCertificate, "an application certificate is a stored credential"],
                [TYPES.servicePrincipalCertificate, "a service principal certificate is a stored credential"],
                [
                    TYPES.servicePrincipalTokenSigningCertificate,
                    "a token signing certificate puts a key and its password on the service principal",
                ],
            ];
            const credentials = kinds.map(([type], i) => resource(type, `credential${i}`, { applicationId: "/applications/x" }));
            const appWithPassword = resource(TYPES.application, "app", { displayName: "app", password: { displayName: "ci" } });
            const spCluster = resource(TYPES.managedCluster, "sp-cluster", {
                ...clusterProps(),
                servicePrincipalProfile: { clientId: "00000000-0000-0000-0000-000000000001", secret: "s3cret" },
                aadProfile: { enableAzureRBAC: true, serverAppSecret: "s3cret" },
            });
            assert.deepStrictEqual(resultsOf(policy, [...compliantStack(), ...credentials, appWithPassword, spCluster]), [
                ...kinds.map(([, what], i) => violation(policy, credentials[i], `${what}: authenticate with a federated identity credential instead`)),
                violation(policy, appWithPassword, "password is set: it creates a client secret on the application; authenticate with a federated identity credential instead"),
                violation(policy, spCluster, "servicePrincipalProfile.secret is set: the cluster must run with a managed identity (identity.type), not a client secret"),
                violation(policy, spCluster, "aadProfile.serverAppSecret is set: legacy Entra ID integration needs a client secret; use AKS-managed Entra ID"),
            ]);
        });

        it("github-federated-credential-exact: issuer, audience, wildcard, repository scope, flexible credentials", () => {
            const policy = "github-federated-credential-exact";
            const good = resource(TYPES.applicationFederatedCredential, "good", githubCredentialProps());
            const immutable = resource(TYPES.identityFederatedCredential, "immutable", {
                ...kubernetesCredentialProps(),
                issuer: GITHUB_OIDC_ISSUER,
                subject: "repo:contoso@9919/geofencing@681234567:ref:refs/heads/main",
            });
            const slash = resource(TYPES.applicationFederatedCredential, "slash", { ...githubCredentialProps(), issuer: `${GITHUB_OIDC_ISSUER}/` });
            const audience = resource(TYPES.applicationFederatedCredential, "audience", { ...githubCredentialProps(), audiences: [TOKEN_EXCHANGE_AUDIENCE, "api://other"] });
            const wildcard = resource(TYPES.applicationFederatedCredential, "wildcard", { ...githubCredentialProps(), subject: "repo:contoso/*:environment:prod" });
            const owner = resource(TYPES.identityFederatedCredential, "owner", { ...kubernetesCredentialProps(), issuer: GITHUB_OIDC_ISSUER, subject: "repository_owner:contoso" });
            const flexible = resource(TYPES.applicationFlexibleFederatedCredential, "flexible", {
                applicationId: "/applications/x",
                displayName: "all-branches",
                issuer: GITHUB_OIDC_ISSUER,
                audience: TOKEN_EXCHANGE_AUDIENCE,
                claimsMatchingExpression: "claims['sub'] matches 'repo:contoso/geofencing:ref:refs/heads/*'",
            });
            assert.deepStrictEqual(resultsOf(policy, [good, immutable, slash, audience, wildcard, owner, flexible]), [
                violation(policy, slash, `issuer is "${GITHUB_OIDC_ISSUER}/": a GitHub Actions credential must name exactly "${GITHUB_OIDC_ISSUER}"`),
                violation(policy, audience, `audiences is ["${TOKEN_EXCHANGE_AUDIENCE}","api://other"]: a GitHub Actions credential must list exactly ["${TOKEN_EXCHANGE_AUDIENCE}"]`),
                violation(
                    policy,
                    wildcard,
                    'subject is "repo:contoso/*:environment:prod": it contains a wildcard character (*, ?, [ or ]): Entra ID matches federated-credential subjects exactly, with no wildcards',
                ),
                violation(policy, owner, 'subject is "repository_owner:contoso": it must start with "repo:<owner>/<repository>:" so that it trusts jobs of one repository'),
                violation(
                    policy,
                    flexible,
                    `claimsMatchingExpression is "claims['sub'] matches 'repo:contoso/geofencing:ref:refs/heads/*'": a flexible credential trusts every GitHub subject its expression matches; use one ApplicationFederatedIdentityCredential per exact subject`,
                ),
            ]);
        });

        it("kubernetes-federated-credential-service-account: the subject names one service account", () => {
            const policy = "kubernetes-federated-credential-service-account";
            const good = resource(TYPES.identityFederatedCredential, "good", kubernetesCredentialProps());
            const namespaceOnly = resource(TYPES.identityFederatedCredential, "namespace-only", { ...kubernetesCredentialProps(), subject: "system:serviceaccount:geofencing" });
            const wildcard = resource(TYPES.applicationFederatedCredential, "wildcard", { ...kubernetesCredentialProps(), subject: "system:serviceaccount:geofencing:*" });
            const badNamespace = resource(TYPES.identityFederatedCredential, "bad-namespace", { ...kubernetesCredentialProps(), subject: "system:serviceaccount:Geo_Fencing:api" });
            const notAnAccount = resource(TYPES.identityFederatedCredential, "not-an-account", { ...kubernetesCredentialProps(), subject: "geofencing-api" });
            assert.deepStrictEqual(resultsOf(policy, [good, namespaceOnly, wildcard, badNamespace, notAnAccount]), [
                violation(
                    policy,
                    namespaceOnly,
                    'subject is "system:serviceaccount:geofencing": it must be "system:serviceaccount:<namespace>:<service account>", naming one service account',
                ),
                violation(
                    policy,
                    wildcard,
                    'subject is "system:serviceaccount:geofencing:*": it contains a wildcard character (*, ?, [ or ]): Entra ID matches federated-credential subjects exactly, with no wildcards',
                ),
                violation(
                    policy,
                    badNamespace,
                    'subject is "system:serviceaccount:Geo_Fencing:api": it has namespace "Geo_Fencing", which must be an RFC 1123 label: 1 to 63 lower-case letters, digits or \'-\', starting and ending with a letter or digit',
                ),
                violation(
                    policy,
                    notAnAccount,
                    'subject is "geofencing-api": it must be "system:serviceaccount:<namespace>:<service account>", naming one service account',
                ),
            ]);
        });
    });

    describe("role assignments", () => {
        it("role-assignment-principal-type: mandatory everywhere except the deployer's cluster admin, which gets the advisory", () => {
            const unset = resource(TYPES.roleAssignment, "unset", assignmentProps(BUILT_IN_ROLES.AcrPull, REGISTRY_ID));
            const deployer = resource(TYPES.roleAssignment, "deployer", assignmentProps(BUILT_IN_ROLES["Azure Kubernetes Service RBAC Cluster Admin"], CLUSTER_ID));
            const adminOnRg = resource(TYPES.roleAssignment, "admin-on-rg", assignmentProps(BUILT_IN_ROLES["Azure Kubernetes Service RBAC Cluster Admin"], RG));
            const all = [...compliantStack(), unset, deployer, adminOnRg];
            assert.deepStrictEqual(resultsOf("role-assignment-principal-type", all), [
                violation("role-assignment-principal-type", unset, `principalType is not set on the AcrPull assignment at "${REGISTRY_ID}": set User, Group or ServicePrincipal`),
                violation(
                    "role-assignment-principal-type",
                    adminOnRg,
                    `principalType is not set on the Azure Kubernetes Service RBAC Cluster Admin assignment at "${RG}": set User, Group or ServicePrincipal`,
                ),
            ]);
            assert.deepStrictEqual(resultsOf("deployer-cluster-admin-principal-type", all), [
                violation(
                    "deployer-cluster-admin-principal-type",
                    deployer,
                    "principalType is not set on the deployer's cluster admin assignment: set credless-aks:cluster.deployerPrincipalType to User or ServicePrincipal",
                    "advisory",
                ),
            ]);
        });

        it("acr-roles-at-registry-scope: AcrPull and AcrPush only on a registry", () => {
            const policy = "acr-roles-at-registry-scope";
            const pullOnRg = resource(TYPES.roleAssignment, "pull-on-rg", assignmentProps(BUILT_IN_ROLES.AcrPull, RG, "ServicePrincipal"));
            const pushOnSub = resource(TYPES.roleAssignment, "push-on-sub", assignmentProps(BUILT_IN_ROLES.AcrPush, `/subscriptions/${FAKE.subscriptionId}`, "ServicePrincipal"));
            const readerOnRg = resource(TYPES.roleAssignment, "reader-on-rg", assignmentProps(BUILT_IN_ROLES["Storage Blob Data Reader"], RG, "ServicePrincipal"));
            assert.deepStrictEqual(resultsOf(policy, [...compliantStack(), pullOnRg, pushOnSub, readerOnRg]), [
                violation(policy, pullOnRg, `AcrPull is granted at "${RG}": grant it on a registry (/providers/Microsoft.ContainerRegistry/registries/<name>)`),
                violation(policy, pushOnSub, `AcrPush is granted at "/subscriptions/${FAKE.subscriptionId}": grant it on a registry (/providers/Microsoft.ContainerRegistry/registries/<name>)`),
            ]);
        });

        it("no-privileged-role-assignments: Owner, Contributor, User Access Administrator, by any spelling of the id", () => {
            const policy = "no-privileged-role-assignments";
            const owner = resource(TYPES.roleAssignment, "owner", assignmentProps(BUILT_IN_ROLES.Owner, RG, "User"));
            const contributor = resource(TYPES.roleAssignment, "contributor", {
                ...assignmentProps(BUILT_IN_ROLES.Contributor, REGISTRY_ID, "User"),
                roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.Contributor.toUpperCase()}`,
            });
            const uaa = resource(TYPES.roleAssignment, "uaa", assignmentProps(BUILT_IN_ROLES["User Access Administrator"], CLUSTER_ID, "Group"));
            assert.deepStrictEqual(resultsOf(policy, [...compliantStack(), owner, contributor, uaa]), [
                violation(policy, owner, `Owner is granted at "${RG}": grant a narrower built-in role instead`),
                violation(policy, contributor, `Contributor is granted at "${REGISTRY_ID}": grant a narrower built-in role instead`),
                violation(policy, uaa, `User Access Administrator is granted at "${CLUSTER_ID}": grant a narrower built-in role instead`),
            ]);
        });

        it("a value unknown during preview makes the policy report that it cannot run, as the engine does", () => {
            const pending = resource(TYPES.roleAssignment, "pending", {
                scope: pulumi.unknown,
                roleDefinitionId: pulumi.runtime.unknownValue,
                principalId: pulumi.unknown,
            });
            assert.deepStrictEqual(resultsOf("no-privileged-role-assignments", [pending]), [
                {
                    policy: "no-privileged-role-assignments",
                    enforcementLevel: "advisory",
                    resource: ref(pending),
                    message: "can't run policy 'no-privileged-role-assignments' during preview: value at .roleDefinitionId can't be known during preview",
                },
            ]);
            const typed = resource(TYPES.roleAssignment, "typed", { ...pending.props, principalType: "ServicePrincipal" });
            assert.deepStrictEqual(resultsOf("role-assignment-principal-type", [typed]), []);
        });
    });

    describe("GitHub", () => {
        it("github-environment-deployment-refs-in-prod: no restriction or protected branches only is advised in prod, custom policies pass, dev is not asked", () => {
            const policy = "github-environment-deployment-refs-in-prod";
            const environment = (name: string, deploymentBranchPolicy?: object) =>
                resource(TYPES.repositoryEnvironment, name, { repository: "geofencing", environment: "prod", ...(deploymentBranchPolicy ? { deploymentBranchPolicy } : {}) });
            const open = environment("open");
            const protectedOnly = environment("protected-only", { protectedBranches: true, customBranchPolicies: false });
            const custom = environment("custom", { protectedBranches: false, customBranchPolicies: true });
            const rule =
                'list the branches that may deploy (credless-aks:github.deploymentBranches, e.g. ["main"]), which sets customBranchPolicies; protected branches alone let every branch deploy while the repository has no branch protection rule';
            assert.deepStrictEqual(resultsOf(policy, [open, protectedOnly, custom], PROD), [
                violation(policy, open, `deploymentBranchPolicy of GitHub environment "prod" is not set in prod: ${rule}`, "advisory"),
                violation(policy, protectedOnly, `deploymentBranchPolicy of GitHub environment "prod" is {"protectedBranches":true,"customBranchPolicies":false} in prod: ${rule}`, "advisory"),
            ]);
            assert.deepStrictEqual(resultsOf(policy, [open, protectedOnly], DEV), []);
        });

        it("github-secret-from-resource-output: a value without a resource dependency is rejected, whatever the property", () => {
            const policy = "github-secret-from-resource-output";
            const fromConfig = resource(TYPES.environmentSecret, "from-config", { repository: "geofencing", environment: "prod", secretName: "AZURE_TENANT_ID", value: FAKE.tenantId });
            const legacy = resource(
                TYPES.repositorySecret,
                "legacy",
                { repository: "geofencing", secretName: "TOKEN", plaintextValue: "ghp_example" },
                { propertyDependencies: { plaintextValue: [] } },
            );
            const dangling = resource(
                TYPES.organizationSecret,
                "dangling",
                { secretName: "X", visibility: "private", encryptedValue: "c2VhbGVk" },
                { propertyDependencies: { encryptedValue: ["urn:pulumi:dev::credless-aks::not:in:stack::gone"] } },
            );
            assert.deepStrictEqual(resultsOf(policy, [...compliantStack(), fromConfig, legacy, dangling]), [
                violation(policy, fromConfig, "value of from-config does not come from another resource's output: write GitHub secrets from resource outputs, never from config or a literal"),
                violation(policy, legacy, "plaintextValue of legacy does not come from another resource's output: write GitHub secrets from resource outputs, never from config or a literal"),
                violation(policy, dangling, "encryptedValue of dangling does not come from another resource's output: write GitHub secrets from resource outputs, never from config or a literal"),
            ]);
        });

        it("sees the dependency the real github SDK records for an output, and none for a config string", async () => {
            const run = await runUnderMocks(
                () => {
                    const app = new azuread.Application("deployer", { displayName: "geofencing-dev-deployer" });
                    const secret = (name: string, value: pulumi.Input<string>) =>
                        new github.ActionsEnvironmentSecret(name, { repository: "geofencing", environment: "dev", secretName: name.toUpperCase(), value });
                    secret("azure_client_id", app.clientId);
                    secret("pasted", new pulumi.Config("credless-aks").require("pasted"));
                },
                { stack: "dev", config: { "credless-aks:pasted": "not-a-resource-output" } },
            );
            const results = runPolicies(fromRecorded(run.resources), DEV);
            assert.deepStrictEqual(
                results.map((r) => `${r.policy}:${r.resource?.name}`),
                ["github-secret-from-resource-output:pasted"],
            );
            assert.deepStrictEqual(mandatoryViolations(fromRecorded(run.resources), DEV), results);
        });
    });
});
