import * as assert from "assert";
import fc from "fast-check";
import { AksCluster } from "../components/aksCluster";
import { ContainerRegistry, ContainerRegistryArgs } from "../components/containerRegistry";
import { registryName } from "../components/naming";
import { BUILT_IN_ROLES, roleAssignmentName } from "../components/roles";
import { registryNameRule } from "../components/validation";
import { FAKE, fakeKubeletObjectId, one, ofType, runUnderMocks, valueOf, rejectionMessage } from "./harness";
import { TYPES } from "./resourceTypes";

const PRINCIPAL = "3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d";

async function run(args: Partial<ContainerRegistryArgs> = {}, use?: (registry: ContainerRegistry) => void) {
    return runUnderMocks(() => {
        const registry = new ContainerRegistry("acr-dev", { resourceGroupName: "rg-dev", namePrefix: "contosogeo", ...args });
        use?.(registry);
        return registry;
    });
}

let defaultRun: ReturnType<typeof run> | undefined;
/** The registry with default arguments, run once and shared: the tests only read what it recorded. */
const runDefaults = () => (defaultRun ??= run());

function roleIdOf(name: keyof typeof BUILT_IN_ROLES): string {
    return `/subscriptions/${FAKE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[name]}`;
}

const failure = (args: Partial<ContainerRegistryArgs>): Promise<string> => rejectionMessage(() => run(args), "ContainerRegistry");

describe("ContainerRegistry: secure defaults reach the provider", () => {
    it("disables the admin user and anonymous pull on a Basic registry, with no Premium-only policy", async () => {
        const { resources } = await runDefaults();
        const component = one(resources, TYPES.containerRegistryComponent);
        const registry = one(resources, TYPES.registry);
        assert.strictEqual(registry.parent, component.urn);
        assert.strictEqual(registry.inputs.adminUserEnabled, false);
        assert.strictEqual(registry.inputs.anonymousPullEnabled, false);
        assert.deepStrictEqual(registry.inputs.sku, { name: "Basic" });
        assert.strictEqual(registry.inputs.zoneRedundancy, "Disabled");
        assert.strictEqual(registry.inputs.publicNetworkAccess, "Enabled");
        assert.strictEqual(registry.inputs.policies, undefined);
    });

    it("on Premium keeps untagged manifests 7 days and leaves zone redundancy to ACR's default; exports stay allowed while the public endpoint is open", async () => {
        const registry = one((await run({ sku: "Premium" })).resources, TYPES.registry);
        assert.deepStrictEqual(registry.inputs.sku, { name: "Premium" });
        assert.strictEqual(registry.inputs.zoneRedundancy, "Disabled");
        assert.deepStrictEqual(registry.inputs.policies.retentionPolicy, { status: "enabled", days: 7 });
        assert.deepStrictEqual(registry.inputs.policies.exportPolicy, { status: "enabled" });
    });

    it("on Premium without public access disables exports", async () => {
        const registry = one((await run({ sku: "Premium", publicNetworkAccess: false, retentionDays: 30, zoneRedundancy: false })).resources, TYPES.registry);
        assert.strictEqual(registry.inputs.publicNetworkAccess, "Disabled");
        assert.strictEqual(registry.inputs.zoneRedundancy, "Disabled");
        assert.deepStrictEqual(registry.inputs.policies.retentionPolicy, { status: "enabled", days: 30 });
        assert.deepStrictEqual(registry.inputs.policies.exportPolicy, { status: "disabled" });
    });

    it("turns zone redundancy on when asked, on Premium", async () => {
        assert.strictEqual(one((await run({ sku: "Premium", zoneRedundancy: true })).resources, TYPES.registry).inputs.zoneRedundancy, "Enabled");
    });

    it("outputs the registry's name, id and login server", async () => {
        const { value, resources } = await runDefaults();
        const registry = one(resources, TYPES.registry);
        assert.strictEqual(await valueOf(value.registryName), registry.inputs.registryName);
        assert.strictEqual(await valueOf(value.resourceId), registry.id);
        assert.strictEqual(await valueOf(value.loginServer), `${registry.inputs.registryName}.azurecr.io`);
    });
});

describe("ContainerRegistry: name", () => {
    it("is the prefix plus a suffix seeded by subscription, resource group and component name", async () => {
        const { resources } = await runDefaults();
        assert.strictEqual(one(resources, TYPES.registry).inputs.registryName, registryName("contosogeo", `${FAKE.subscriptionId}/rg-dev/acr-dev`));
    });

    it("uses nameSeed when given, and the same seed gives the same name on every run", async () => {
        const first = one((await run({ nameSeed: "prod-eu" })).resources, TYPES.registry).inputs.registryName;
        const second = one((await run({ nameSeed: "prod-eu" })).resources, TYPES.registry).inputs.registryName;
        assert.strictEqual(first, registryName("contosogeo", "prod-eu"));
        assert.strictEqual(second, first);
    });

    it("is a valid ACR name for odd prefixes", async () => {
        for (const namePrefix of ["Contoso-Geo_fencing!", "é9", "x".repeat(80), "A.B.C"]) {
            const name: string = one((await run({ namePrefix })).resources, TYPES.registry).inputs.registryName;
            assert.strictEqual(registryNameRule(name), undefined, name);
        }
    });

    it("is valid and stable for any prefix with a letter or digit (property)", () => {
        fc.assert(
            fc.property(fc.string({ minLength: 1, maxLength: 100 }).filter((p) => /[A-Za-z0-9]/.test(p)), fc.string(), (prefix, seed) => {
                const name = registryName(prefix, seed);
                assert.strictEqual(registryNameRule(name), undefined, name);
                assert.match(name, /^[a-z0-9]+$/);
                assert.strictEqual(registryName(prefix, seed), name);
            }),
        );
    });
});

describe("ContainerRegistry: grants", () => {
    it("grants AcrPull and AcrPush at the registry's scope with principal type and deterministic names", async () => {
        const { resources } = await run({}, (r) => {
            r.grantPull("acr-dev-pull-ci", PRINCIPAL, "ServicePrincipal");
            r.grantPush("acr-dev-push-ci", PRINCIPAL, "ServicePrincipal");
        });
        const registry = one(resources, TYPES.registry);
        const component = one(resources, TYPES.containerRegistryComponent);
        for (const [name, role] of [["acr-dev-pull-ci", "AcrPull"], ["acr-dev-push-ci", "AcrPush"]] as const) {
            const grant = one(resources, TYPES.roleAssignment, name);
            assert.strictEqual(grant.inputs.scope, registry.id);
            assert.strictEqual(grant.inputs.roleDefinitionId, roleIdOf(role));
            assert.strictEqual(grant.inputs.principalId, PRINCIPAL);
            assert.strictEqual(grant.inputs.principalType, "ServicePrincipal");
            assert.strictEqual(grant.inputs.roleAssignmentName, roleAssignmentName(registry.id, PRINCIPAL, BUILT_IN_ROLES[role]));
            assert.strictEqual(grant.parent, component.urn);
        }
    });

    it("grants the repository reader and writer roles in ABAC repository-permissions mode", async () => {
        const { resources } = await run({ abacRepositoryPermissions: true }, (r) => {
            r.grantPull("acr-dev-pull-ci", PRINCIPAL, "ServicePrincipal");
            r.grantPush("acr-dev-push-ci", PRINCIPAL, "User");
        });
        assert.strictEqual(one(resources, TYPES.roleAssignment, "acr-dev-pull-ci").inputs.roleDefinitionId, roleIdOf("Container Registry Repository Reader"));
        assert.strictEqual(one(resources, TYPES.roleAssignment, "acr-dev-push-ci").inputs.roleDefinitionId, roleIdOf("Container Registry Repository Writer"));
        assert.strictEqual(one(resources, TYPES.roleAssignment, "acr-dev-push-ci").inputs.principalType, "User");
        assert.ok(!ofType(resources, TYPES.roleAssignment).some((g) => [roleIdOf("AcrPull"), roleIdOf("AcrPush")].includes(g.inputs.roleDefinitionId)));
    });

    it("waits for dependsOn given to a grant", async () => {
        const { resources } = await run({}, (r) => {
            const other = new ContainerRegistry("acr-other", { resourceGroupName: "rg-dev", namePrefix: "other" });
            r.grantPull("acr-dev-pull-ci", PRINCIPAL, "ServicePrincipal", { dependsOn: [other] });
        });
        const grant = one(resources, TYPES.roleAssignment, "acr-dev-pull-ci");
        assert.ok(grant.dependencies.includes(one(resources, TYPES.registry, "acr-other-registry").urn), grant.dependencies.join(", "));
    });
});

describe("ContainerRegistry: attachCluster, the AcrPull binding of az aks update --attach-acr", () => {
    async function attached(abacRepositoryPermissions: boolean) {
        return runUnderMocks(() => {
            const cluster = new AksCluster("aks-dev", { resourceGroupName: "rg-dev", location: "westeurope", rbacPropagationTimeoutSeconds: 0 });
            const registry = new ContainerRegistry("acr-dev", { resourceGroupName: "rg-dev", namePrefix: "contosogeo", abacRepositoryPermissions });
            registry.attachCluster("acr-dev-attach-aks-dev", cluster.kubeletIdentityObjectId);
        });
    }

    it("grants AcrPull to the kubelet identity's object id, scoped to the registry's id", async () => {
        const { resources } = await attached(false);
        const grant = one(resources, TYPES.roleAssignment, "acr-dev-attach-aks-dev");
        const registry = one(resources, TYPES.registry);
        const cluster = one(resources, TYPES.managedCluster);
        assert.strictEqual(grant.inputs.principalId, fakeKubeletObjectId("aks-dev"));
        assert.notStrictEqual(grant.inputs.principalId, cluster.state.identity.principalId);
        assert.strictEqual(grant.inputs.principalType, "ServicePrincipal");
        assert.strictEqual(grant.inputs.scope, registry.id);
        assert.strictEqual(grant.inputs.roleDefinitionId, roleIdOf("AcrPull"));
        assert.ok(grant.propertyDependencies.principalId.includes(cluster.urn), "the principal comes from the cluster's output");
    });

    it("grants Container Registry Repository Reader instead in ABAC mode", async () => {
        const grant = one((await attached(true)).resources, TYPES.roleAssignment, "acr-dev-attach-aks-dev");
        assert.strictEqual(grant.inputs.roleDefinitionId, roleIdOf("Container Registry Repository Reader"));
        assert.strictEqual(grant.inputs.principalId, fakeKubeletObjectId("aks-dev"));
    });
});

describe("ContainerRegistry: bad arguments", () => {
    const cases: [string, Partial<ContainerRegistryArgs>, string][] = [
        ["prefix without letters or digits", { namePrefix: "--__" }, `namePrefix is "--__": must contain at least one letter or digit (the registry name allows only alphanumerics)`],
        ["sku", { sku: "Free" as "Basic" }, `sku is "Free": must be one of Basic, Standard, Premium`],
        ["retention out of range", { sku: "Premium", retentionDays: 366 }, "retentionDays is 366: must be a whole number from 0 to 365"],
        ["retention on Basic", { retentionDays: 7 }, `retentionDays is 7: needs sku "Premium"; retention policies exist only there (the sku is "Basic")`],
        ["zone redundancy on Standard", { sku: "Standard", zoneRedundancy: true }, `zoneRedundancy is true: needs sku "Premium" (the sku is "Standard")`],
        ["public access disabled on Basic", { publicNetworkAccess: false }, `publicNetworkAccess is false: needs sku "Premium" (the sku is "Basic")`],
        ["public access disabled on Standard", { sku: "Standard", publicNetworkAccess: false }, `publicNetworkAccess is false: needs sku "Premium" (the sku is "Standard")`],
        [
            "exports disabled with public access",
            { sku: "Premium", allowExports: false },
            `allowExports is false: ACR disables exports only on a Premium registry whose public network access is disabled (the sku is "Premium", publicNetworkAccess is true)`,
        ],
    ];
    for (const [label, args, message] of cases) {
        it(`rejects ${label}`, async () => {
            assert.strictEqual(await failure(args), `ContainerRegistry "acr-dev" has invalid arguments:\n  - ${message}`);
        });
    }
    it("reports every problem of one call together", async () => {
        assert.strictEqual(
            await failure({ namePrefix: "--", sku: "Standard", retentionDays: 400 }),
            'ContainerRegistry "acr-dev" has invalid arguments:\n' +
                '  - namePrefix is "--": must contain at least one letter or digit (the registry name allows only alphanumerics)\n' +
                "  - retentionDays is 400: must be a whole number from 0 to 365\n" +
                '  - retentionDays is 400: needs sku "Premium"; retention policies exist only there (the sku is "Standard")',
        );
    });
});
