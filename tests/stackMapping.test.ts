/**
 * Every mapping the stack makes from config to what the providers receive,
 * over a fixture that sets every key to a value other than its default
 * (tests/fixtures/mapping/Pulumi.mapping.yaml): one assertion per key, on the
 * inputs of the resource that carries it, character for character.
 */
import * as assert from "assert";
import * as path from "path";
import { parse } from "yaml";
import { BUILT_IN_ROLES, BuiltInRoleName } from "../components/roles";
import { readStackConfig } from "../commands/plan/main";
import { FAKE, one, ofType, plain, Recorded } from "./harness";
import { configMap, ProgramRun, runProgram } from "./stackRun";
import { TYPES } from "./resourceTypes";

const FIXTURES = path.join(__dirname, "fixtures", "mapping");
const fixture = () => readStackConfig("mapping", FIXTURES);
const VAULT = "/subscriptions/5a9c7e12-3d4f-4b8a-9e61-2f0c8d7b3a45/resourceGroups/rg-vaults/providers/Microsoft.KeyVault/vaults/kv-maps";
const K8S_PROVIDER = "pulumi:providers:kubernetes";

/** Secret inputs are recorded wrapped in Pulumi's secret signature; this unwraps them. */
/** The role definition id ARM receives for a built-in role, subscription-qualified. */
const roleDefinitionId = (role: BuiltInRoleName) => `/subscriptions/${FAKE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`;
const byName = (resources: Recorded[], type: string, name: string) => one(resources.filter((r) => r.name === name), type);
/** The role assignments a principal receives, as [roleDefinitionId, scope]. */
const grantsOf = (resources: Recorded[], principalId: string) =>
    ofType(resources, TYPES.roleAssignment)
        .filter((r) => r.inputs.principalId === principalId)
        .map((r) => [r.inputs.roleDefinitionId, r.inputs.scope]);

describe("stack: each config key reaches the provider (every key set, none at its default)", function () {
    this.timeout(60000);
    let run: ProgramRun;
    let abac: ProgramRun;
    before(async () => {
        run = await runProgram("mapping", fixture());
        const registry = JSON.parse(fixture()["credless-aks:registry"]);
        abac = await runProgram("mapping", { ...fixture(), ...configMap({ "credless-aks:registry": { ...registry, permissionsMode: "abac" } }) });
    });
    const resources = () => run.resources;
    const cluster = () => one(resources(), TYPES.managedCluster);
    const api = () => byName(resources(), TYPES.userAssignedIdentity, "maps-api-identity");

    it("runs without error", () => {
        assert.strictEqual(run.error, undefined, String(run.error));
        assert.strictEqual(abac.error, undefined, String(abac.error));
    });

    describe("workloads[].roles[].scope", () => {
        it('"registry": the role assignment\'s scope is the registry\'s id', () => {
            const registry = one(resources(), TYPES.registry);
            const grants = grantsOf(resources(), api().state.principalId).filter(([role]) => role === roleDefinitionId("AcrPull"));
            assert.deepStrictEqual(grants, [[roleDefinitionId("AcrPull"), registry.id]]);
        });

        it('"resourceGroup": the scope is the resource group\'s id', () => {
            const group = one(resources(), TYPES.resourceGroup);
            const grants = grantsOf(resources(), api().state.principalId).filter(([role]) => role === roleDefinitionId("Storage Blob Data Reader"));
            assert.deepStrictEqual(grants, [[roleDefinitionId("Storage Blob Data Reader"), group.id]]);
        });

        it("an ARM id: the scope is that id, as given", () => {
            const grants = grantsOf(resources(), api().state.principalId).filter(([role]) => role === roleDefinitionId("Key Vault Secrets User"));
            assert.deepStrictEqual(grants, [[roleDefinitionId("Key Vault Secrets User"), VAULT]]);
        });

        it("the workload gets those three roles and no other", () => {
            assert.strictEqual(grantsOf(resources(), api().state.principalId).length, 3);
        });
    });

    describe("registry.permissionsMode", () => {
        const registryGrants = (r: ProgramRun) => {
            const registry = one(r.resources, TYPES.registry);
            return ofType(r.resources, TYPES.roleAssignment)
                .filter((a) => a.inputs.scope === registry.id)
                .map((a) => [a.name, a.inputs.roleDefinitionId])
                .sort();
        };

        it('"rbac": AcrPull for the kubelet and the workload, AcrPush for the GitHub app', () => {
            assert.deepStrictEqual(registryGrants(run), [
                ["github-registry-push", roleDefinitionId("AcrPush")],
                ["kubelet", roleDefinitionId("AcrPull")],
                [ofType(resources(), TYPES.roleAssignment).find((a) => a.name.startsWith("maps-api-role-") && a.inputs.roleDefinitionId === roleDefinitionId("AcrPull"))!.name, roleDefinitionId("AcrPull")],
            ].sort());
        });

        it('"abac": the repository reader and writer roles instead, the workload\'s AcrPull included', () => {
            const grants = registryGrants(abac);
            assert.strictEqual(grants.length, 3);
            assert.deepStrictEqual(grants.find(([name]) => name === "github-registry-push"), ["github-registry-push", roleDefinitionId("Container Registry Repository Writer")]);
            assert.deepStrictEqual(grants.find(([name]) => name === "kubelet"), ["kubelet", roleDefinitionId("Container Registry Repository Reader")]);
            const workload = grants.filter(([name]) => String(name).startsWith("maps-api-role-"));
            assert.deepStrictEqual(workload.map(([, role]) => role), [roleDefinitionId("Container Registry Repository Reader")]);
            assert.ok(!grants.some(([, role]) => role === roleDefinitionId("AcrPull") || role === roleDefinitionId("AcrPush")));
        });
    });

    describe("the environment, the location and the names", () => {
        it("azure-native:location: every Azure resource's location", () => {
            for (const type of [TYPES.resourceGroup, TYPES.managedCluster, TYPES.registry, TYPES.userAssignedIdentity]) {
                assert.strictEqual(one(resources().filter((r) => r.name !== "maps-jobs-identity"), type).inputs.location, "northeurope", type);
            }
        });

        it("environment: the names and the environment tag (not the stack name)", () => {
            assert.strictEqual(one(resources(), TYPES.resourceGroup).inputs.resourceGroupName, "rg-maps-staging");
            assert.strictEqual(cluster().inputs.resourceName, "aks-maps-staging");
            assert.strictEqual(api().inputs.resourceName, "id-maps-api-staging");
            assert.strictEqual(cluster().inputs.tags.environment, "staging");
        });
    });

    describe("github.*", () => {
        const app = () => byName(resources(), TYPES.application, "github-app");
        const environment = () => one(resources(), TYPES.repositoryEnvironment);
        const subjects = () => ofType(resources(), TYPES.applicationFederatedCredential)
                .filter((c) => c.name.startsWith("github-"))
                .map((c) => c.inputs.subject)
                .sort();

        it("repository and environment: the app's display name", () => {
            assert.strictEqual(app().inputs.displayName, "github-contoso-maps-staging");
        });

        it("triggers, subjectFormat immutable with ownerId and repositoryId, keepNameSubjects: one credential per trigger and format", () => {
            assert.deepStrictEqual(subjects(), [
                "repo:contoso/maps:environment:qa",
                "repo:contoso/maps:environment:qa-approval",
                "repo:contoso@4711/maps@815:environment:qa",
                "repo:contoso@4711/maps@815:environment:qa-approval",
            ]);
        });

        it("environmentName: the GitHub environment created and written to", () => {
            assert.strictEqual(environment().inputs.environment, "qa");
            for (const secret of ofType(resources(), TYPES.environmentSecret)) {
                assert.strictEqual(secret.inputs.environment, "qa");
            }
        });

        it("reviewers, deploymentBranches, deploymentTags, preventSelfReview, canAdminsBypass: the environment's protection rules", () => {
            const inputs = environment().inputs;
            assert.deepStrictEqual(inputs.reviewers, [{ users: [101], teams: [202] }]);
            assert.deepStrictEqual(inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
            const policies = run.resources
                .filter((r) => r.type === "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy")
                .map((r) => r.inputs.branchPattern ?? `tag:${r.inputs.tagPattern}`)
                .sort();
            assert.deepStrictEqual(policies, ["main", "release/*", "tag:v*"]);
            assert.strictEqual(inputs.preventSelfReview, true);
            assert.strictEqual(inputs.canAdminsBypass, false);
        });

        it("deployNamespaces: the app deploys to that namespace only, not to every workload's", () => {
            const sp = byName(resources(), TYPES.servicePrincipal, "github-sp");
            const writer = grantsOf(resources(), sp.state.objectId).filter(([role]) => role === roleDefinitionId("Azure Kubernetes Service RBAC Writer"));
            assert.deepStrictEqual(writer, [[roleDefinitionId("Azure Kubernetes Service RBAC Writer"), `${cluster().id}/namespaces/maps`]]);
        });
    });

    describe("cluster.*", () => {
        it("tier, kubernetesVersion, autoUpgradeChannel, nodeOsUpgradeChannel, networkPolicy", () => {
            const inputs = cluster().inputs;
            assert.deepStrictEqual(inputs.sku, { name: "Base", tier: "Standard" });
            assert.strictEqual(inputs.kubernetesVersion, "1.37");
            assert.deepStrictEqual(inputs.autoUpgradeProfile, { upgradeChannel: "rapid", nodeOSUpgradeChannel: "SecurityPatch" });
            assert.strictEqual(inputs.networkProfile.networkPolicy, "calico");
            assert.strictEqual(inputs.networkProfile.networkDataplane, "azure");
        });

        it("nodePool: the system pool's size, count, autoscaler bounds and zones", () => {
            const pool = cluster().inputs.agentPoolProfiles[0];
            assert.deepStrictEqual(
                [pool.vmSize, pool.count, pool.enableAutoScaling, pool.minCount, pool.maxCount, pool.availabilityZones],
                ["Standard_D8ds_v5", 4, true, 2, 6, ["1", "3"]],
            );
        });

        it("authorizedIpRanges and adminGroupObjectIds", () => {
            assert.deepStrictEqual(cluster().inputs.apiServerAccessProfile.authorizedIPRanges, ["203.0.113.0/24"]);
            assert.deepStrictEqual(cluster().inputs.aadProfile.adminGroupObjectIDs, ["6b1f0c3e-2d4a-4f5b-9c8d-7e6f5a4b3c2d"]);
        });

        it("maintenanceWindow: both maintenance configurations", () => {
            const windows = ofType(resources(), TYPES.maintenanceConfiguration);
            assert.deepStrictEqual(windows.map((w) => w.inputs.configName).sort(), ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"]);
            for (const w of windows) {
                assert.deepStrictEqual(w.inputs.maintenanceWindow, {
                    schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } },
                    startTime: "02:30",
                    durationHours: 6,
                    utcOffset: "+01:00",
                });
            }
        });

        it("deletionProtection: Pulumi's protect on the cluster; managementLock: a CanNotDelete lock on it", () => {
            assert.strictEqual(cluster().protect, true);
            const lock = one(resources(), TYPES.managementLock);
            assert.strictEqual(lock.inputs.scope, cluster().id);
            assert.strictEqual(lock.inputs.level, "CanNotDelete");
        });

        it("kubeloginMode: the Kubernetes provider's kubeconfig logs in with that mode", () => {
            const kubeconfig = String(plain(one(resources(), K8S_PROVIDER).inputs.kubeconfig));
            const args: string[] = parse(kubeconfig).users[0].user.exec.args;
            assert.strictEqual(args[args.indexOf("--login") + 1], "spn");
        });

        it("deployerPrincipalType: the type sent with the deployer's cluster admin role", () => {
            const admin = byName(resources(), TYPES.roleAssignment, "cluster-deployer-cluster-admin");
            assert.strictEqual(admin.inputs.principalType, "ServicePrincipal");
            assert.strictEqual(admin.inputs.principalId, FAKE.deployerObjectId);
        });
    });

    describe("registry.*", () => {
        it("namePrefix, sku, retentionDays, zoneRedundancy", () => {
            const inputs = one(resources(), TYPES.registry).inputs;
            assert.match(inputs.registryName, /^contosomaps[a-z0-9]{13}$/);
            assert.deepStrictEqual(inputs.sku, { name: "Premium" });
            assert.deepStrictEqual(inputs.policies.retentionPolicy, { status: "enabled", days: 30 });
            assert.strictEqual(inputs.zoneRedundancy, "Enabled");
        });
    });

    describe("workloads[]", () => {
        it("name, namespace, serviceAccount, tokenExpirationSeconds: the service account", () => {
            const sa = byName(resources(), TYPES.serviceAccount, "maps-api-service-account");
            assert.strictEqual(sa.inputs.metadata.name, "maps-api-sa");
            assert.strictEqual(sa.inputs.metadata.namespace, "maps");
            assert.strictEqual(sa.inputs.metadata.annotations["azure.workload.identity/service-account-token-expiration"], "7200");
            assert.strictEqual(sa.inputs.metadata.annotations["azure.workload.identity/client-id"], api().state.clientId);
        });

        it("identityType application: an app registration, no managed identity, for that workload", () => {
            assert.deepStrictEqual(
                ofType(resources(), TYPES.userAssignedIdentity).map((i) => i.name),
                ["maps-api-identity"],
            );
            assert.strictEqual(byName(resources(), TYPES.application, "maps-jobs-app").inputs.displayName, "id-maps-jobs-staging");
        });

        it("serviceAccount left out: the workload's name; createNamespace false: no Namespace for it", () => {
            const sa = byName(resources(), TYPES.serviceAccount, "maps-jobs-service-account");
            assert.strictEqual(sa.inputs.metadata.name, "maps-jobs");
            assert.strictEqual(sa.inputs.metadata.namespace, "jobs");
            assert.deepStrictEqual(ofType(resources(), TYPES.namespace).map((n) => n.inputs.metadata.name), ["maps"]);
        });
    });
});
