import * as assert from "assert";
import { runtime } from "@pulumi/pulumi";
import { parse } from "yaml";
import { AksCluster, AksClusterArgs } from "../components/aksCluster";
import { AKS_AAD_SERVER_APP_ID } from "../components/microsoftConstants";
import { BUILT_IN_ROLES, roleAssignmentName } from "../components/roles";
import { FAKE, fakeIssuerUrl, fakeKubeletObjectId, one, ofType, Recorded, runUnderMocks, transitiveDependencies, valueOf, rejectionMessage } from "./harness";
import { TYPES } from "./resourceTypes";

const K8S_PROVIDER = "pulumi:providers:kubernetes";

async function run(args: Partial<AksClusterArgs> = {}) {
    return runUnderMocks(() => new AksCluster("aks-dev", { resourceGroupName: "rg-dev", location: "westeurope", ...args }));
}

let defaultRun: ReturnType<typeof run> | undefined;
/** The cluster with default arguments, run once and shared: the tests only read what it recorded. */
const runDefaults = () => (defaultRun ??= run());

function clusterOf(resources: Recorded[]): Recorded {
    return one(resources, TYPES.managedCluster);
}

const failure = (args: Partial<AksClusterArgs>): Promise<string> => rejectionMessage(() => run(args), "AksCluster");

describe("AksCluster: secure defaults reach the provider", () => {
    it("registers the component with its token and the cluster as its child", async () => {
        const { resources } = await runDefaults();
        const component = one(resources, TYPES.aksCluster);
        const cluster = clusterOf(resources);
        assert.strictEqual(cluster.parent, component.urn);
        assert.strictEqual(cluster.name, "aks-dev-cluster");
    });

    it("turns on the OIDC issuer and workload identity", async () => {
        const inputs = clusterOf((await runDefaults()).resources).inputs;
        assert.deepStrictEqual(inputs.oidcIssuerProfile, { enabled: true });
        assert.deepStrictEqual(inputs.securityProfile, { workloadIdentity: { enabled: true } });
    });

    it("uses a system-assigned managed identity and never a service principal", async () => {
        const inputs = clusterOf((await runDefaults()).resources).inputs;
        assert.deepStrictEqual(inputs.identity, { type: "SystemAssigned" });
        assert.strictEqual(inputs.servicePrincipalProfile, undefined);
    });

    it("uses managed Entra ID with Azure RBAC and disables local accounts", async () => {
        const inputs = clusterOf((await run({ adminGroupObjectIds: ["5b0b0f0e-4c5a-4f7e-9c61-0d2a6b8e1f33"] })).resources).inputs;
        assert.deepStrictEqual(inputs.aadProfile, {
            managed: true,
            enableAzureRBAC: true,
            adminGroupObjectIDs: ["5b0b0f0e-4c5a-4f7e-9c61-0d2a6b8e1f33"],
        });
        assert.strictEqual(inputs.disableLocalAccounts, true);
        assert.strictEqual(inputs.enableRBAC, true);
    });

    it("sets upgrade channels, Cilium network policy on the Cilium dataplane, a system pool and the Free tier", async () => {
        const inputs = clusterOf((await runDefaults()).resources).inputs;
        assert.deepStrictEqual(inputs.autoUpgradeProfile, { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" });
        const { networkPlugin, networkPluginMode, networkDataplane, networkPolicy } = inputs.networkProfile;
        assert.deepStrictEqual([networkPlugin, networkPluginMode, networkDataplane, networkPolicy], ["azure", "overlay", "cilium", "cilium"]);
        assert.deepStrictEqual(inputs.sku, { name: "Base", tier: "Free" });
        assert.strictEqual(inputs.agentPoolProfiles.length, 1);
        assert.deepStrictEqual(inputs.agentPoolProfiles[0], {
            name: "system",
            mode: "System",
            osType: "Linux",
            type: "VirtualMachineScaleSets",
            vmSize: "Standard_D2ds_v5",
            count: 1,
            enableAutoScaling: false,
        });
        assert.deepStrictEqual(inputs.apiServerAccessProfile, { authorizedIPRanges: [] }, "an empty list, so removing every range clears them");
        assert.strictEqual(inputs.supportPlan, "KubernetesOfficial");
        assert.strictEqual(inputs.resourceName, "aks-dev");
        assert.strictEqual(inputs.dnsPrefix, "aks-dev");
    });

    it("accepts the node-image channel with its NodeImage node OS channel", async () => {
        const inputs = clusterOf((await run({ autoUpgradeChannel: "node-image" })).resources).inputs;
        assert.deepStrictEqual(inputs.autoUpgradeProfile, { upgradeChannel: "node-image", nodeOSUpgradeChannel: "NodeImage" });
    });

    it("sends authorized ranges as given, and an empty list as an empty list", async () => {
        assert.deepStrictEqual(clusterOf((await run({ authorizedIpRanges: [] })).resources).inputs.apiServerAccessProfile, { authorizedIPRanges: [] });
    });

    it("keeps the Azure dataplane for the azure and calico engines", async () => {
        for (const networkPolicy of ["azure", "calico"] as const) {
            const inputs = clusterOf((await run({ networkPolicy })).resources).inputs;
            assert.strictEqual(inputs.networkProfile.networkDataplane, "azure");
            assert.strictEqual(inputs.networkProfile.networkPolicy, networkPolicy);
        }
    });

    it("passes prod settings through: Standard tier, channels, version, pool, zones, authorized ranges", async () => {
        const inputs = clusterOf(
            (
                await run({
                    clusterName: "aks_Prod-1",
                    tier: "Standard",
                    kubernetesVersion: "1.33",
                    autoUpgradeChannel: "stable",
                    nodeOsUpgradeChannel: "SecurityPatch",
                    nodePool: { vmSize: "Standard_D4ds_v5", count: 3, minCount: 3, maxCount: 6, availabilityZones: ["1", "2", "3"] },
                    authorizedIpRanges: ["203.0.113.0/24"],
                    tags: { environment: "prod" },
                })
            ).resources,
        ).inputs;
        assert.deepStrictEqual(inputs.sku, { name: "Base", tier: "Standard" });
        assert.strictEqual(inputs.kubernetesVersion, "1.33");
        assert.strictEqual(inputs.resourceName, "aks_Prod-1");
        assert.strictEqual(inputs.dnsPrefix, "aksProd-1");
        assert.deepStrictEqual(inputs.autoUpgradeProfile, { upgradeChannel: "stable", nodeOSUpgradeChannel: "SecurityPatch" });
        assert.deepStrictEqual(inputs.apiServerAccessProfile, { authorizedIPRanges: ["203.0.113.0/24"] });
        assert.deepStrictEqual(inputs.tags, { environment: "prod" });
        const pool = inputs.agentPoolProfiles[0];
        assert.deepStrictEqual(
            [pool.vmSize, pool.count, pool.enableAutoScaling, pool.minCount, pool.maxCount, pool.availabilityZones],
            ["Standard_D4ds_v5", 3, true, 3, 6, ["1", "2", "3"]],
        );
    });
});

describe("AksCluster: deletion protection and management lock", () => {
    it("are off by default: no lock, not protected", async () => {
        const { resources } = await runDefaults();
        assert.strictEqual(ofType(resources, TYPES.managementLock).length, 0);
        assert.strictEqual(clusterOf(resources).protect, false);
    });

    it("deletionProtection is Pulumi protect on the cluster alone, with no lock (which the CI identity could not create)", async () => {
        const { resources } = await run({ deletionProtection: true });
        assert.strictEqual(clusterOf(resources).protect, true);
        assert.strictEqual(ofType(resources, TYPES.managementLock).length, 0);
    });

    it("managementLock adds a CanNotDelete lock on the cluster that depends on the cluster-scope role assignment", async () => {
        const { resources } = await run({ managementLock: true });
        const cluster = clusterOf(resources);
        const lock = one(resources, TYPES.managementLock);
        assert.strictEqual(cluster.protect, false);
        assert.strictEqual(lock.inputs.level, "CanNotDelete");
        assert.strictEqual(lock.inputs.scope, cluster.id);
        assert.strictEqual(lock.parent, one(resources, TYPES.aksCluster).urn);
        const grants = ofType(resources, TYPES.roleAssignment).filter((g) => g.inputs.scope === cluster.id);
        assert.ok(grants.length > 0);
        for (const grant of grants) {
            assert.ok(lock.dependencies.includes(grant.urn), `the lock waits for ${grant.name}, so destroy deletes the lock first`);
        }
    });
});

describe("AksCluster: what the cluster's channels and autoscaler own after creation", () => {
    it("ignores later changes to kubernetesVersion, always (the upgrade channel moves it)", async () => {
        assert.deepStrictEqual(clusterOf((await run({ kubernetesVersion: "1.33" })).resources).ignoreChanges, ["kubernetesVersion"]);
        assert.deepStrictEqual(clusterOf((await runDefaults()).resources).ignoreChanges, ["kubernetesVersion"]);
    });

    it("ignores the inline pool's count when the autoscaler is on", async () => {
        const cluster = clusterOf((await run({ nodePool: { minCount: 2, maxCount: 5 } })).resources);
        assert.deepStrictEqual(cluster.ignoreChanges, ["kubernetesVersion", "agentPoolProfiles[0].count"]);
        assert.strictEqual(cluster.inputs.agentPoolProfiles[0].count, 2, "the initial count is still sent on create");
    });

    it("keeps managing the count without the autoscaler", async () => {
        assert.ok(!clusterOf((await run({ nodePool: { count: 3 } })).resources).ignoreChanges.includes("agentPoolProfiles[0].count"));
    });
});

describe("AksCluster: system pool taint and maintenance windows", () => {
    it("taints the system pool CriticalAddonsOnly only when asked", async () => {
        assert.strictEqual(clusterOf((await runDefaults()).resources).inputs.agentPoolProfiles[0].nodeTaints, undefined);
        const tainted = clusterOf((await run({ nodePool: { criticalAddonsOnly: true } })).resources).inputs.agentPoolProfiles[0];
        assert.deepStrictEqual(tainted.nodeTaints, ["CriticalAddonsOnly=true:NoSchedule"]);
    });

    it("creates no maintenance configuration by default", async () => {
        assert.strictEqual(ofType((await runDefaults()).resources, TYPES.maintenanceConfiguration).length, 0);
    });

    it("applies one weekly window to both AKS-managed schedules of the cluster", async () => {
        const { resources } = await run({ maintenanceWindow: { dayOfWeek: "Sunday", startTime: "02:00", durationHours: 4 } });
        const cluster = clusterOf(resources);
        const configs = ofType(resources, TYPES.maintenanceConfiguration);
        assert.deepStrictEqual(configs.map((c) => c.inputs.configName).sort(), ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"]);
        for (const config of configs) {
            assert.strictEqual(config.inputs.resourceName, "aks-dev");
            assert.ok(config.propertyDependencies.resourceName.includes(cluster.urn));
            assert.strictEqual(config.inputs.resourceGroupName, "rg-dev");
            assert.deepStrictEqual(config.inputs.maintenanceWindow, {
                schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } },
                startTime: "02:00",
                durationHours: 4,
                utcOffset: "+00:00",
            });
        }
    });
});

describe("AksCluster: the deployer's access", () => {
    it("grants the caller from getClientConfig RBAC Cluster Admin on the cluster, with a deterministic name", async () => {
        const { resources, calls } = await runDefaults();
        const cluster = clusterOf(resources);
        const grant = one(resources, TYPES.roleAssignment);
        assert.ok(calls.some((c) => c.token === "azure-native:authorization:getClientConfig"));
        assert.strictEqual(grant.inputs.principalId, FAKE.deployerObjectId);
        // Left unset, the type is omitted (not azure-native's default "User") so that ARM infers it.
        assert.ok(!("principalType" in grant.inputs), JSON.stringify(grant.inputs));
        assert.strictEqual(grant.inputs.scope, cluster.id);
        assert.strictEqual(
            grant.inputs.roleDefinitionId,
            `/subscriptions/${FAKE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES["Azure Kubernetes Service RBAC Cluster Admin"]}`,
        );
        assert.strictEqual(
            grant.inputs.roleAssignmentName,
            roleAssignmentName(cluster.id, FAKE.deployerObjectId, BUILT_IN_ROLES["Azure Kubernetes Service RBAC Cluster Admin"]),
        );
    });

    it("uses the deployer and principal type given in args", async () => {
        const objectId = "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
        const grant = one((await run({ deployer: { objectId, principalType: "ServicePrincipal" } })).resources, TYPES.roleAssignment);
        assert.strictEqual(grant.inputs.principalId, objectId);
        assert.strictEqual(grant.inputs.principalType, "ServicePrincipal");
    });

    it("builds the Kubernetes provider only after the wait that follows the role assignment", async () => {
        const { resources } = await runDefaults();
        const provider = one(resources, K8S_PROVIDER);
        const grant = one(resources, TYPES.roleAssignment);
        const wait = resources.find((r) => r.type.endsWith("RbacPropagationWait"));
        assert.ok(wait, `no wait resource among ${resources.map((r) => r.type).join(", ")}`);
        assert.ok(provider.dependencies.includes(wait.urn));
        assert.ok(transitiveDependencies(resources, wait).has(grant.urn));
        assert.strictEqual(wait.inputs.timeoutSeconds, 600);
    });

    it("depends straight on the role assignment when the wait is turned off", async () => {
        const { resources } = await run({ rbacPropagationTimeoutSeconds: 0 });
        assert.ok(!resources.some((r) => r.type.endsWith("RbacPropagationWait")));
        assert.ok(one(resources, K8S_PROVIDER).dependencies.includes(one(resources, TYPES.roleAssignment).urn));
    });
});

describe("AksCluster: outputs", () => {
    it("returns the issuer exactly as Azure reports it, trailing slash kept", async () => {
        const { value } = await runDefaults();
        const issuer = await valueOf(value.oidcIssuerUrl);
        assert.strictEqual(issuer, fakeIssuerUrl("westeurope", "aks-dev"));
        assert.ok(issuer.endsWith("/"));
    });

    it("returns the kubelet identity's object id, not the control plane's", async () => {
        const { value, resources } = await runDefaults();
        const kubelet = await valueOf(value.kubeletIdentityObjectId);
        assert.strictEqual(kubelet, fakeKubeletObjectId("aks-dev"));
        assert.notStrictEqual(kubelet, clusterOf(resources).state.identity.principalId);
    });

    it("returns name, id and resource group of the cluster", async () => {
        const { value, resources } = await runDefaults();
        assert.strictEqual(await valueOf(value.clusterName), "aks-dev");
        assert.strictEqual(await valueOf(value.resourceId), clusterOf(resources).id);
        assert.strictEqual(await valueOf(value.resourceGroupName), "rg-dev");
    });

    it("hands the provider a secret kubeconfig that never asks for device code", async () => {
        for (const kubeloginMode of [undefined, "workloadidentity"] as const) {
            // kubeloginMode left undefined is the default run: the component only reads args.kubeloginMode ?? "azurecli".
            const { value, resources } = kubeloginMode === undefined ? await runDefaults() : await run({ kubeloginMode });
            assert.ok(await pulumiIsSecret(value.kubeconfig));
            const kubeconfig = await valueOf(value.kubeconfig);
            assert.ok(!kubeconfig.includes("devicecode"));
            const args: string[] = parse(kubeconfig).users[0].user.exec.args;
            assert.deepStrictEqual(args.slice(0, 5), ["get-token", "--login", kubeloginMode ?? "azurecli", "--server-id", AKS_AAD_SERVER_APP_ID]);
            const sent = one(resources, K8S_PROVIDER).inputs.kubeconfig;
            assert.strictEqual(sent[runtime.specialSigKey], runtime.specialSecretSig, "the provider receives the kubeconfig as a secret");
            assert.strictEqual(sent.value, kubeconfig);
        }
    });
});

describe("AksCluster: bad arguments", () => {
    const cases: [string, Partial<AksClusterArgs>, string][] = [
        ["cluster name", { clusterName: "-aks" }, `clusterName is "-aks": must be 1 to 63 letters, digits, '_' or '-', starting and ending with a letter or digit`],
        ["cluster name length", { clusterName: "a".repeat(64) }, `clusterName is "${"a".repeat(64)}": must be 1 to 63 letters, digits, '_' or '-', starting and ending with a letter or digit`],
        ["dns prefix", { dnsPrefix: "aks.dev" }, `dnsPrefix is "aks.dev": must be 1 to 54 letters, digits or '-', starting and ending with a letter or digit`],
        ["tier", { tier: "Premium" as "Free" }, `tier is "Premium": must be one of Free, Standard`],
        ["upgrade channel", { autoUpgradeChannel: "none" as "patch" }, `autoUpgradeChannel is "none": must be one of patch, stable, rapid, node-image`],
        ["node OS channel", { nodeOsUpgradeChannel: "None" as "NodeImage" }, `nodeOsUpgradeChannel is "None": must be one of NodeImage, SecurityPatch, Unmanaged`],
        ["network policy", { networkPolicy: "none" as "azure" }, `networkPolicy is "none": must be one of azure, calico, cilium`],
        ["kubelogin mode", { kubeloginMode: "devicecode" as "azurecli" }, `kubeloginMode is "devicecode": must be one of azurecli, workloadidentity, spn, msi`],
        ["node count", { nodePool: { count: 0 } }, "nodePool.count is 0: must be a whole number from 1 to 1000"],
        ["autoscaler half set", { nodePool: { minCount: 2 } }, "nodePool.minCount and nodePool.maxCount must be set together to turn on the cluster autoscaler"],
        ["autoscaler bounds", { nodePool: { count: 1, minCount: 2, maxCount: 3 } }, `nodePool is {"minCount":2,"count":1,"maxCount":3}: needs minCount <= count <= maxCount`],
        ["zone", { nodePool: { availabilityZones: ["4"] } }, `nodePool.availabilityZones[0] is "4": must be "1", "2" or "3"`],
        ["authorized range", { authorizedIpRanges: ["10.0.0.0/33"] }, `authorizedIpRanges[0] is "10.0.0.0/33": must be an IPv4 address or CIDR range such as 203.0.113.0/24`],
        ["admin group", { adminGroupObjectIds: ["admins"] }, `adminGroupObjectIds[0] is "admins": must be a GUID`],
        ["deployer type", { deployer: { objectId: FAKE.deployerObjectId, principalType: "Group" as "User" } }, `deployer.principalType is "Group": must be one of User, ServicePrincipal`],
        ["wait timeout", { rbacPropagationTimeoutSeconds: -1 }, "rbacPropagationTimeoutSeconds is -1: must be a whole number from 0 to 3600"],
        [
            "node OS channel with the node-image channel",
            { autoUpgradeChannel: "node-image", nodeOsUpgradeChannel: "SecurityPatch" },
            `autoUpgradeChannel is "node-image": needs nodeOsUpgradeChannel "NodeImage", which AKS sets with it and allows no other (the nodeOsUpgradeChannel is "SecurityPatch")`,
        ],
        ["maintenance day", { maintenanceWindow: { dayOfWeek: "Sun" as "Sunday", startTime: "02:00", durationHours: 4 } }, `maintenanceWindow.dayOfWeek is "Sun": must be one of Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday`],
        ["maintenance start", { maintenanceWindow: { dayOfWeek: "Sunday", startTime: "24:00", durationHours: 4 } }, `maintenanceWindow.startTime is "24:00": must be "HH:mm" from 00:00 to 23:59`],
        ["maintenance duration", { maintenanceWindow: { dayOfWeek: "Sunday", startTime: "02:00", durationHours: 3 } }, "maintenanceWindow.durationHours is 3: must be a whole number from 4 to 24"],
        [
            "maintenance offset",
            { maintenanceWindow: { dayOfWeek: "Sunday", startTime: "02:00", durationHours: 4, utcOffset: "2:00" } },
            `maintenanceWindow.utcOffset is "2:00": must be "+HH:mm" or "-HH:mm", such as "+02:00"`,
        ],
        ["authorized range with a leading zero", { authorizedIpRanges: ["010.0.0.0/8"] }, `authorizedIpRanges[0] is "010.0.0.0/8": must be an IPv4 address or CIDR range such as 203.0.113.0/24`],
    ];
    for (const [label, args, message] of cases) {
        it(`rejects a bad ${label}`, async () => {
            assert.strictEqual(await failure(args), `AksCluster "aks-dev" has invalid arguments:\n  - ${message}`);
        });
    }

    it("reports every problem at once", async () => {
        const message = await failure({ tier: "Gold" as "Free", networkPolicy: "none" as "azure" });
        assert.ok(message.includes(`tier is "Gold"`) && message.includes(`networkPolicy is "none"`), message);
    });
});

function pulumiIsSecret(output: import("@pulumi/pulumi").Output<string>): Promise<boolean> {
    return (output as unknown as { isSecret: Promise<boolean> }).isSecret;
}
