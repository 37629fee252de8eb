import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { BUILT_IN_ROLES, roleAssignmentName } from "../components/roles";
import { main, planStack, readStackConfig } from "../commands/plan/main";
import { renderText } from "../commands/plan/render";
import { ConfigError, parseStackConfig, rawConfigFromMap } from "../stack/config";
import { ExistingResourceError } from "../stack/existing";
import { invalidArgumentsMessage } from "../components/argumentProblems";
import { ExistingAksCluster, ExistingClusterFacts } from "../components/existingAksCluster";
import { ExistingContainerRegistry, ExistingRegistryFacts } from "../components/existingContainerRegistry";
import { OfflineResource, runPolicies } from "../policy/runOffline";
import { FAKE, FakeAzure, fakeIssuerUrl, fakeKubeletObjectId, one, ofType, plain, Recorded, rejectionMessage, runUnderMocks, transitiveDependencies, valueOf } from "./harness";
import { configMap, ProgramRun, runProgram } from "./stackRun";
import { TYPES } from "./resourceTypes";

const FIXTURES = path.join(__dirname, "fixtures", "existing");
const shared = () => readStackConfig("shared", FIXTURES);
const CLUSTER_ID = `/subscriptions/${FAKE.subscriptionId}/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-platform`;
const REGISTRY_ID = `/subscriptions/${FAKE.subscriptionId}/resourceGroups/rg-platform-registry/providers/Microsoft.ContainerRegistry/registries/platformacr`;
const roleId = (r: Recorded) => String(r.inputs.roleDefinitionId).split("/").pop();
const withRole = (resources: Recorded[], role: keyof typeof BUILT_IN_ROLES) => ofType(resources, TYPES.roleAssignment).filter((r) => roleId(r) === BUILT_IN_ROLES[role]);

describe("existing cluster and registry: wired exactly as the stack's own", function () {
    this.timeout(60000);
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("shared", shared());
    });

    it("registers no ManagedCluster, no Registry and no maintenance configuration, and reads both through the get invokes", () => {
        assert.strictEqual(run.error, undefined, String(run.error));
        for (const type of [TYPES.managedCluster, TYPES.registry, "azure-native:containerservice:MaintenanceConfiguration"]) {
            assert.deepStrictEqual(ofType(run.resources, type), [], type);
        }
        assert.deepStrictEqual(
            run.calls.filter((c) => c.token.endsWith(":getManagedCluster") || c.token.endsWith(":getRegistry")).map((c) => [c.token, c.inputs]),
            [
                ["azure-native:containerservice:getManagedCluster", { resourceGroupName: "rg-platform", resourceName: "aks-platform" }],
                ["azure-native:containerregistry:getRegistry", { registryName: "platformacr", resourceGroupName: "rg-platform-registry" }],
            ],
        );
        assert.strictEqual(one(run.resources, "credless-aks:aks:ExistingAksCluster").inputs.name, "aks-platform");
        assert.strictEqual(one(run.resources, "credless-aks:acr:ExistingContainerRegistry").inputs.name, "platformacr");
    });

    it("grants AcrPull on the existing registry to the existing kubelet identity, object id character for character", () => {
        const pulls = withRole(run.resources, "AcrPull");
        assert.strictEqual(pulls.length, 1);
        assert.strictEqual(pulls[0].inputs.principalId, fakeKubeletObjectId("aks-platform"));
        assert.strictEqual(pulls[0].inputs.scope, REGISTRY_ID);
        assert.strictEqual(pulls[0].inputs.principalType, "ServicePrincipal");
        assert.strictEqual(pulls[0].inputs.roleAssignmentName, roleAssignmentName(REGISTRY_ID, fakeKubeletObjectId("aks-platform"), BUILT_IN_ROLES.AcrPull));
    });

    it("gives the GitHub app AcrPush on the existing registry and deploy rights in the workload namespace of the existing cluster", () => {
        const sp = one(run.resources, TYPES.servicePrincipal);
        assert.deepStrictEqual(withRole(run.resources, "AcrPush").map((p) => [p.inputs.principalId, p.inputs.scope]), [[sp.state.objectId, REGISTRY_ID]]);
        assert.deepStrictEqual(withRole(run.resources, "Azure Kubernetes Service RBAC Writer").map((p) => [p.inputs.principalId, p.inputs.scope]), [[sp.state.objectId, `${CLUSTER_ID}/namespaces/geofencing`]]);
        assert.deepStrictEqual(withRole(run.resources, "Azure Kubernetes Service Cluster User Role").map((p) => p.inputs.scope), [CLUSTER_ID]);
    });

    it("federates the workloads to the existing cluster's issuer as Azure returns it, trailing slash included", () => {
        const issuer = fakeIssuerUrl("westeurope", "aks-platform");
        assert.ok(issuer.endsWith("/"));
        const credentials = ofType(run.resources, TYPES.identityFederatedCredential);
        assert.strictEqual(credentials.length, 2);
        for (const c of credentials) {
            assert.strictEqual(c.inputs.issuer, issuer);
        }
    });

    it("writes the existing registry's login server and the existing cluster's name and resource group to GitHub", () => {
        const secret = (name: string) => plain(one(run.resources.filter((s) => s.inputs.secretName === name), TYPES.environmentSecret).inputs.value);
        const variable = (name: string) => one(run.resources.filter((s) => s.inputs.variableName === name), TYPES.environmentVariable).inputs.value;
        assert.strictEqual(secret("REGISTRY_LOGIN_SERVER"), "platformacr.azurecr.io");
        assert.strictEqual(secret("AZURE_SUBSCRIPTION_ID"), FAKE.subscriptionId);
        assert.strictEqual(variable("AKS_CLUSTER_NAME"), "aks-platform");
        assert.strictEqual(variable("AKS_RESOURCE_GROUP"), "rg-platform");
    });

    it("gives the deployer cluster admin on the existing cluster, waits for it, and uses the non-interactive kubelogin kubeconfig", async () => {
        const admin = withRole(run.resources, "Azure Kubernetes Service RBAC Cluster Admin");
        assert.deepStrictEqual(admin.map((a) => [a.inputs.principalId, a.inputs.scope]), [[FAKE.deployerObjectId, CLUSTER_ID]]);
        const wait = one(run.resources, TYPES.rbacPropagationWait);
        assert.ok(transitiveDependencies(run.resources, wait).has(admin[0].urn));
        for (const x of [...ofType(run.resources, TYPES.namespace), ...ofType(run.resources, TYPES.serviceAccount)]) {
            assert.ok(transitiveDependencies(run.resources, x).has(wait.urn), `${x.type} ${x.name} waits for the propagation check`);
        }
        const kubeconfig = String(await valueOf(run.value!.kubeconfig));
        assert.ok(await pulumi.isSecret(run.value!.kubeconfig as pulumi.Output<unknown>));
        assert.match(kubeconfig, /- azurecli/);
        assert.ok(!kubeconfig.includes("devicecode"));
        assert.ok(kubeconfig.includes("aks-platform"));
    });

    it("exports the existing resources' ids", async () => {
        const o = run.value!;
        assert.strictEqual(await valueOf(o.clusterName), "aks-platform");
        assert.strictEqual(await valueOf(o.clusterId), CLUSTER_ID);
        assert.strictEqual(await valueOf(o.oidcIssuerUrl), fakeIssuerUrl("westeurope", "aks-platform"));
        assert.strictEqual(await valueOf(o.kubeletIdentityObjectId), fakeKubeletObjectId("aks-platform"));
        assert.strictEqual(await valueOf(o.registryName), "platformacr");
        assert.strictEqual(await valueOf(o.registryId), REGISTRY_ID);
        assert.strictEqual(await valueOf(o.registryLoginServer), "platformacr.azurecr.io");
    });
});

describe("existing cluster and registry: checked before anything is registered", function () {
    this.timeout(60000);
    const failing = async (azure: FakeAzure) => {
        const run = await runProgram("shared", shared(), { azure });
        assert.ok(run.error instanceof ExistingResourceError, String(run.error));
        assert.ok(pulumi.RunError.isInstance(run.error), "a RunError: no stack trace under pulumi up");
        assert.deepStrictEqual(run.resources, [], "nothing is registered");
        return (run.error as ExistingResourceError).problems;
    };

    it("the OIDC issuer off: nothing registered, and the az command that turns it on", async () => {
        assert.deepStrictEqual(await failing({ clusters: { "aks-platform": { oidcIssuer: false } } }), [
            'existing cluster "aks-platform" (resource group "rg-platform") has the OIDC issuer off: workload identities cannot be federated to it; run: az aks update --resource-group rg-platform --name aks-platform --enable-oidc-issuer',
        ]);
    });

    it("one line per missing setting, cluster and registry together", async () => {
        const problems = await failing({
            clusters: { "aks-platform": { oidcIssuer: false, workloadIdentity: false, entraIntegration: false } },
            registries: { platformacr: { anonymousPull: true } },
        });
        assert.deepStrictEqual(problems, [
            'existing cluster "aks-platform" (resource group "rg-platform") has the OIDC issuer off: workload identities cannot be federated to it; run: az aks update --resource-group rg-platform --name aks-platform --enable-oidc-issuer',
            'existing cluster "aks-platform" (resource group "rg-platform") has workload identity off: pods get no Entra ID token; run: az aks update --resource-group rg-platform --name aks-platform --enable-workload-identity',
            'existing cluster "aks-platform" (resource group "rg-platform") has Azure RBAC for Kubernetes authorization off: the namespace deploy rights and the deployer\'s cluster admin would not apply; run: az aks update --resource-group rg-platform --name aks-platform --enable-aad --enable-azure-rbac',
            'existing registry "platformacr" (resource group "rg-platform-registry") has anonymous pull on: anyone can pull its images without signing in; run: az acr update --resource-group rg-platform-registry --name platformacr --anonymous-pull-enabled false',
        ]);
    });

    it("Azure RBAC off on an Entra-integrated cluster asks for --enable-azure-rbac alone", async () => {
        const [line] = await failing({ clusters: { "aks-platform": { azureRbac: false } } });
        assert.match(line, /run: az aks update --resource-group rg-platform --name aks-platform --enable-azure-rbac$/);
    });

    it("a cluster that is not there is named with ARM's answer", async () => {
        const [line] = await failing({ clusters: { "aks-platform": { missing: true } } });
        assert.match(line, /^credless-aks:cluster\.existing: cannot read cluster "aks-platform" in resource group "rg-platform": .*ResourceNotFound/);
    });

    it("the offline plan runs the fixture's healthy existing resources, and rejects unhealthy ones under the stack file's name", async () => {
        let err = "";
        assert.strictEqual(await main(["shared"], { root: FIXTURES, stdout: () => undefined, stderr: (t) => (err += t) }), 0, err);
        await assert.rejects(
            planStack("shared", shared(), undefined, { clusters: { "aks-platform": { oidcIssuer: false } } }),
            /^ExistingResourceError: Pulumi\.shared\.yaml: the existing resources cannot carry the trust chain \(1 problem\):\n {2}- .*--enable-oidc-issuer$/,
        );
    });
});

describe("existing cluster and registry: settings that only weaken the chain are policy findings", function () {
    this.timeout(60000);
    it("local accounts and the admin user: mandatory findings with the az command; the program itself goes on", async () => {
        const plan = await planStack("shared", shared(), undefined, { clusters: { "aks-platform": { localAccounts: true } }, registries: { platformacr: { adminUser: true } } });
        const findings = plan.policies.findings.filter((f) => f.policy.includes("existing")).map((f) => [f.policy, f.enforcementLevel, f.message]);
        assert.deepStrictEqual(findings, [
            [
                "aks-existing-local-accounts-disabled",
                "mandatory",
                'existing cluster "aks-platform" has local accounts on; run: az aks update --resource-group rg-platform --name aks-platform --disable-local-accounts (while migrating, this policy can be set to advisory: docs/existing-cluster.md)',
            ],
            [
                "acr-existing-admin-user-disabled",
                "mandatory",
                'existing registry "platformacr" has the admin user on; run: az acr update --resource-group rg-platform-registry --name platformacr --admin-enabled false (while migrating, this policy can be set to advisory: docs/existing-cluster.md)',
            ],
        ]);
        // The program warns through its host (the plan's notes), not on the console.
        assert.deepStrictEqual(plan.notes.filter((n) => n.startsWith("existing ")), [
            'existing cluster "aks-platform" (resource group "rg-platform") has local accounts on: az aks get-credentials --admin hands out a static, unaudited cluster-admin credential; run: az aks update --resource-group rg-platform --name aks-platform --disable-local-accounts',
            'existing registry "platformacr" (resource group "rg-platform-registry") has the admin user on: a shared password that pushes and pulls everything; run: az acr update --resource-group rg-platform-registry --name platformacr --admin-enabled false',
        ]);
    });

    it("without the components' inputs (PULUMI_NODEJS_SKIP_COMPONENT_INPUTS) report nothing rather than block a healthy deployment", () => {
        const bare = (type: string): OfflineResource => ({ type, name: "x", urn: `urn:pulumi:shared::credless-aks::${type}::x`, props: {} });
        const findings = runPolicies([bare("credless-aks:aks:ExistingAksCluster"), bare("credless-aks:acr:ExistingContainerRegistry")], { name: "shared", environment: "shared" });
        assert.deepStrictEqual(findings.filter((f) => f.policy.includes("existing")), []);
    });

    it("a healthy existing cluster and registry pass every mandatory policy", async () => {
        const plan = await planStack("shared", shared());
        assert.deepStrictEqual(plan.policies.findings.filter((f) => f.enforcementLevel === "mandatory"), []);
    });
});

describe("existing cluster and registry: the offline plan and the trust map", function () {
    this.timeout(60000);
    it("show them as existing, with their names, never as created", async () => {
        const plan = await planStack("shared", shared());
        const text = renderText(plan);
        assert.match(text, /# credless-aks:aks:ExistingAksCluster {2}cluster {2}\[existing cluster "aks-platform" in resource group "rg-platform", read and not created oidcIssuer=on workloadIdentity=on localAccounts=disabled azureRBAC=on\]/);
        assert.match(text, /# credless-aks:acr:ExistingContainerRegistry {2}registry {2}\[existing registry "platformacr" in resource group "rg-platform-registry", read and not created adminUser=off anonymousPull=off\]/);
        assert.ok(!/\+ azure-native:containerservice:ManagedCluster|\+ azure-native:containerregistry:Registry/.test(text));
        const kubelet = plan.trustMap.identities.find((i) => i.kind === "kubelet-identity")!;
        assert.strictEqual(kubelet.name, 'kubelet identity of existing cluster "aks-platform"');
        assert.deepStrictEqual(kubelet.grants.map((g) => [g.role, g.scopeLabel]), [["AcrPull", 'existing registry "platformacr"']]);
        const app = plan.trustMap.identities.find((i) => i.kind === "entra-application")!;
        assert.ok(app.grants.some((g) => g.scopeLabel === 'namespace "geofencing" on existing cluster "aks-platform"'));
        const api = plan.trustMap.identities.find((i) => i.kind === "managed-identity" && i.name.includes("geofencing-api"))!;
        assert.ok(api.obtainedBy.some((o) => o.label === 'Kubernetes system:serviceaccount:geofencing:geofencing-api via existing cluster "aks-platform"'), JSON.stringify(api.obtainedBy));
    });
});

describe("existing cluster and registry: config", () => {
    const problems = (overrides: Record<string, unknown>) => {
        try {
            parseStackConfig(rawConfigFromMap("shared", { ...shared(), ...configMap(overrides) }));
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            return e.problems;
        }
        return [];
    };

    it("each is optional and independent: an existing registry beside a cluster the stack creates", async () => {
        const run = await runProgram("shared", { ...shared(), ...configMap({ "credless-aks:cluster": {} }) });
        assert.strictEqual(run.error, undefined, String(run.error));
        assert.strictEqual(ofType(run.resources, TYPES.managedCluster).length, 1);
        assert.deepStrictEqual(ofType(run.resources, TYPES.registry), []);
        const cluster = one(run.resources, TYPES.managedCluster);
        assert.deepStrictEqual(withRole(run.resources, "AcrPull").map((p) => [p.inputs.principalId, p.inputs.scope]), [[cluster.state.identityProfile.kubeletidentity.objectId, REGISTRY_ID]]);
    });

    it("refuses keys that shape a new cluster or registry next to existing", () => {
        assert.deepStrictEqual(
            problems({
                "credless-aks:cluster": { existing: { name: "aks-platform", resourceGroup: "rg-platform" }, tier: "Standard" },
                "credless-aks:registry": { existing: { name: "platformacr", resourceGroup: "rg-platform" }, namePrefix: "contosogeo" },
            }),
            [
                'credless-aks:cluster.tier is "Standard": only applies to a cluster this stack creates; credless-aks:cluster.existing is set, so the stack uses that cluster as it is (leave tier out)',
                'credless-aks:registry.namePrefix is "contosogeo": only applies to a registry this stack creates; credless-aks:registry.existing is set, so the stack uses that registry as it is (leave namePrefix out)',
            ],
        );
    });

    it("needs both name and resourceGroup, each a valid Azure name", () => {
        assert.deepStrictEqual(problems({ "credless-aks:cluster": { existing: { name: "aks platform" } }, "credless-aks:registry": { existing: { name: "acr", resourceGroup: "rg" } } }), [
            'credless-aks:cluster.existing.name is "aks platform": must be 1 to 63 letters, digits, \'_\' or \'-\', starting and ending with a letter or digit',
            "credless-aks:cluster.existing.resourceGroup is missing: it is required",
            'credless-aks:registry.existing.name is "acr": must be 5 to 50 letters or digits (Azure Container Registry name rule)',
        ]);
    });
});

describe("ExistingAksCluster and ExistingContainerRegistry: argument rules, each with its exact message", function () {
    this.timeout(60000);
    const clusterFacts: ExistingClusterFacts = {
        name: "aks-platform",
        resourceGroupName: "rg-platform",
        resourceId: CLUSTER_ID,
        location: "westeurope",
        oidcIssuerEnabled: true,
        oidcIssuerUrl: fakeIssuerUrl("westeurope", "aks-platform"),
        workloadIdentityEnabled: true,
        localAccountsDisabled: true,
        entraIntegration: true,
        azureRbacEnabled: true,
        kubeletIdentityObjectId: fakeKubeletObjectId("aks-platform"),
    };
    const registryFacts: ExistingRegistryFacts = {
        name: "platformacr",
        resourceGroupName: "rg-platform-registry",
        resourceId: REGISTRY_ID,
        loginServer: "platformacr.azurecr.io",
        adminUserEnabled: false,
        anonymousPullEnabled: false,
    };
    const fails = (program: () => void) => rejectionMessage(() => runUnderMocks(program), "the component");

    it("a cluster the chain cannot use, and bad access arguments, all in one error naming the component", async () => {
        const message = await fails(
            () =>
                new ExistingAksCluster("cluster", {
                    facts: { ...clusterFacts, workloadIdentityEnabled: false },
                    kubeloginMode: "devicecode" as "azurecli",
                    deployer: { objectId: FAKE.deployerObjectId, principalType: "Group" as "User" },
                    rbacPropagationTimeoutSeconds: 3601,
                }),
        );
        assert.strictEqual(
            message,
            invalidArgumentsMessage("ExistingAksCluster", "cluster", [
                'facts: existing cluster "aks-platform" (resource group "rg-platform") has workload identity off: pods get no Entra ID token; run: az aks update --resource-group rg-platform --name aks-platform --enable-workload-identity',
                'kubeloginMode is "devicecode": must be one of azurecli, workloadidentity, spn, msi',
                'deployer.principalType is "Group": must be one of User, ServicePrincipal',
                "rbacPropagationTimeoutSeconds is 3601: must be a whole number from 0 to 3600",
            ]),
        );
    });

    it("a registry with anonymous pull on", async () => {
        const message = await fails(() => new ExistingContainerRegistry("registry", { facts: { ...registryFacts, anonymousPullEnabled: true } }));
        assert.strictEqual(
            message,
            invalidArgumentsMessage("ExistingContainerRegistry", "registry", [
                'facts: existing registry "platformacr" (resource group "rg-platform-registry") has anonymous pull on: anyone can pull its images without signing in; run: az acr update --resource-group rg-platform-registry --name platformacr --anonymous-pull-enabled false',
            ]),
        );
    });

    it("healthy facts and default arguments are accepted", async () => {
        const { resources } = await runUnderMocks(() => {
            new ExistingAksCluster("cluster", { facts: clusterFacts });
            new ExistingContainerRegistry("registry", { facts: registryFacts });
        });
        assert.deepStrictEqual(
            ["credless-aks:aks:ExistingAksCluster", "credless-aks:acr:ExistingContainerRegistry"].map((t) => ofType(resources, t).length),
            [1, 1],
        );
    });
});
