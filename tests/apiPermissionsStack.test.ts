/**
 * Workload API permissions and the cluster admin group, through the real
 * program under mocks, over this file's own stack config.
 */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { MICROSOFT_GRAPH_CLIENT_ID } from "../components/apiPermissions";
import { WorkloadIdentityServiceAccount } from "../components/workloadIdentityServiceAccount";
import { planStack } from "../commands/plan/main";
import { renderText } from "../commands/plan/render";
import { buildTrustMap, trustMapLines, trustMapMermaid } from "../commands/plan/trustMap";
import { runPolicies } from "../policy/runOffline";
import { ConfigError } from "../stack/config";
import { FAKE, FAKE_GRAPH_SERVICE_PRINCIPAL, one, ofType, rejectionMessage, runUnderMocks } from "./harness";
import { TYPES } from "./resourceTypes";
import { configMap, runProgram } from "./stackRun";

/** Microsoft Graph's User.Read.All application permission. Source: learn.microsoft.com/graph/permissions-grant-via-msgraph. */
const USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214";
const EXISTING_ADMINS = "5b0b0f0e-4c5a-4f7e-9c61-0d2a6b8e1f33";
const MEMBER = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c";

function config(workloads: unknown[], cluster: Record<string, unknown> = {}): Record<string, string> {
    return configMap({
        "azure-native:location": "westeurope",
        "credless-aks:github": { repository: "contoso/geofencing" },
        "credless-aks:registry": { namePrefix: "contosogeo" },
        "credless-aks:cluster": cluster,
        "credless-aks:workloads": workloads,
    });
}

const graphReader = (name: string, identityType = "managedIdentity") => ({
    name,
    namespace: "geofencing",
    identityType,
    apiPermissions: [{ api: "Microsoft Graph", permissions: ["User.Read.All"] }],
});

describe("stack: workload API permissions with admin consent", function () {
    this.timeout(60000);

    it("a managed identity's service principal gets Graph's User.Read.All from Graph's service principal", async () => {
        const run = await runProgram("dev", config([graphReader("api")]));
        assert.strictEqual(run.error, undefined, String(run.error));
        const mi = one(run.resources, TYPES.userAssignedIdentity);
        const assignment = one(run.resources, TYPES.appRoleAssignment);
        assert.strictEqual(assignment.name, "api-api-graph-user-read-all");
        assert.strictEqual(assignment.inputs.principalObjectId, mi.state.principalId);
        assert.ok(assignment.propertyDependencies.principalObjectId.includes(mi.urn), "the principal is the managed identity's output, not a copy");
        assert.strictEqual(assignment.inputs.resourceObjectId, FAKE_GRAPH_SERVICE_PRINCIPAL.objectId);
        assert.strictEqual(assignment.inputs.appRoleId, USER_READ_ALL);
        const lookups = run.calls.filter((c) => c.token === "azuread:index/getServicePrincipal:getServicePrincipal");
        assert.deepStrictEqual(lookups.map((c) => c.inputs), [{ clientId: MICROSOFT_GRAPH_CLIENT_ID }]);
        // Pods start only once the consent exists.
        const account = one(run.resources, TYPES.serviceAccount);
        assert.ok(account.dependencies.includes(assignment.urn));
    });

    it("an app registration's own service principal gets it, not the GitHub app's", async () => {
        const run = await runProgram("dev", config([graphReader("api", "application")]));
        assert.strictEqual(run.error, undefined, String(run.error));
        const app = ofType(run.resources, TYPES.application).find((a) => a.name === "api-app")!;
        const sp = ofType(run.resources, TYPES.servicePrincipal).find((s) => s.inputs.clientId === app.state.clientId)!;
        const assignment = one(run.resources, TYPES.appRoleAssignment);
        assert.strictEqual(assignment.inputs.principalObjectId, sp.state.objectId);
        assert.ok(assignment.propertyDependencies.principalObjectId.includes(sp.urn));
        assert.strictEqual(assignment.inputs.resourceObjectId, FAKE_GRAPH_SERVICE_PRINCIPAL.objectId);
        assert.strictEqual(assignment.inputs.appRoleId, USER_READ_ALL);
    });

    it("a tenant-takeover permission stops the run before any resource, naming it and why", async () => {
        const workload = { name: "api", apiPermissions: [{ api: "Microsoft Graph", permissions: ["User.Read.All", "RoleManagement.ReadWrite.Directory"] }] };
        const run = await runProgram("dev", config([workload]));
        assert.ok(run.error instanceof ConfigError, String(run.error));
        assert.deepStrictEqual(run.error.problems, [
            'credless-aks:workloads[0].apiPermissions[0].permissions[1] is "RoleManagement.ReadWrite.Directory": is refused: a workload holding Microsoft Graph RoleManagement.ReadWrite.Directory could take over the tenant: it manages directory role membership, so the workload could make any principal, itself included, a Global Administrator',
        ]);
        assert.deepStrictEqual(run.resources, []);
        assert.deepStrictEqual(run.calls, []);
    });

    it("an unknown permission fails the run with the close matches", async () => {
        const workload = { name: "api", apiPermissions: [{ api: "Microsoft Graph", permissions: ["User.Read.Al"] }] };
        const message = await rejectionMessage(() => runProgram("dev", config([workload])), "the program");
        assert.match(message, /apiPermissions: Microsoft Graph publishes no application permission "User\.Read\.Al"; close matches: User\.Read\.All, User\.ReadBasic\.All/);
    });
});

describe("WorkloadIdentityServiceAccount: apiPermissions arguments", function () {
    this.timeout(30000);
    const build = (apiPermissions: { api: string; permissions: string[] }[]) => () =>
        new WorkloadIdentityServiceAccount("api", {
            namespace: "geofencing",
            serviceAccountName: "api",
            issuerUrl: "https://westeurope.oic.prod-aks.azure.com/t/c/",
            kubernetesProvider: new k8s.Provider("test", { kubeconfig: "apiVersion: v1\nkind: Config\n" }),
            resourceGroupName: "rg",
            location: "westeurope",
            tenantId: FAKE.tenantId,
            apiPermissions,
        });
    const cases: [string, { api: string; permissions: string[] }[], string][] = [
        [
            "a tenant-takeover permission",
            [{ api: "Microsoft Graph", permissions: ["Application.ReadWrite.All"] }],
            'apiPermissions[0].permissions[0] is "Application.ReadWrite.All": is refused: a workload holding Microsoft Graph Application.ReadWrite.All could take over the tenant: it adds credentials to any application and service principal, so the workload could sign in as a more privileged one',
        ],
        ["an unknown API", [{ api: "Graph", permissions: ["User.Read.All"] }], 'apiPermissions[0].api is "Graph": must be "Microsoft Graph" or the client (application) id of the API, a GUID'],
        ["no permission", [{ api: "Microsoft Graph", permissions: [] }], "apiPermissions[0].permissions is []: must list at least one application permission"],
        ["a permission twice", [{ api: "Microsoft Graph", permissions: ["User.Read.All", "User.Read.All"] }], 'apiPermissions[0].permissions[1] is "User.Read.All": is listed twice'],
    ];
    for (const [title, apiPermissions, message] of cases) {
        it(`rejects ${title} before creating the identity`, async () => {
            const run = await runUnderMocks(() => {
                try {
                    build(apiPermissions)();
                    return undefined;
                } catch (e) {
                    return (e as Error).message;
                }
            });
            assert.strictEqual(run.value, `WorkloadIdentityServiceAccount "api" has invalid arguments:\n  - ${message}`);
            assert.deepStrictEqual(ofType(run.resources, TYPES.userAssignedIdentity), []);
            assert.deepStrictEqual(ofType(run.resources, TYPES.appRoleAssignment), []);
        });
    }

    it("an API whose service principal the mock runtime does not know fails loudly", async () => {
        const message = await rejectionMessage(() => runUnderMocks(build([{ api: "6f0851df-7654-4f88-a94e-bb9e539917dc", permissions: ["Reports.Read"] }])), "the component");
        assert.match(message, /mock runtime: no answer for invoke "azuread:index\/getServicePrincipal:getServicePrincipal"/);
    });
});

describe("stack: cluster.adminGroup", function () {
    this.timeout(60000);

    it("creates a security group, no mail, not role-assignable, owned by the deployer, and its object id reaches the cluster's admin groups", async () => {
        const run = await runProgram("dev", config([], { adminGroupObjectIds: [EXISTING_ADMINS], adminGroup: { displayName: "aks-geofencing-admins", members: [MEMBER] } }));
        assert.strictEqual(run.error, undefined, String(run.error));
        const group = one(run.resources, TYPES.group);
        assert.deepStrictEqual(
            { ...group.inputs, mailNickname: undefined },
            {
                displayName: "aks-geofencing-admins",
                securityEnabled: true,
                mailEnabled: false,
                assignableToRole: false,
                preventDuplicateNames: true,
                members: [MEMBER],
                owners: [FAKE.deployerObjectId],
                mailNickname: undefined,
            },
        );
        const cluster = one(run.resources, TYPES.managedCluster);
        assert.deepStrictEqual(cluster.inputs.aadProfile.adminGroupObjectIDs, [EXISTING_ADMINS, group.state.objectId]);
        assert.ok(cluster.propertyDependencies.aadProfile.includes(group.urn), "the cluster takes the group's output");
    });

    it("is role-assignable only when asked, with the owners given", async () => {
        const run = await runProgram("dev", config([], { adminGroup: { displayName: "aks-admins", owners: [MEMBER], assignableToRole: true } }));
        assert.strictEqual(run.error, undefined, String(run.error));
        const group = one(run.resources, TYPES.group);
        assert.strictEqual(group.inputs.assignableToRole, true);
        assert.deepStrictEqual(group.inputs.owners, [MEMBER]);
        assert.deepStrictEqual(one(run.resources, TYPES.managedCluster).inputs.aadProfile.adminGroupObjectIDs, [group.state.objectId]);
    });

    it("without it, no group is created and the configured ids are used as they are", async () => {
        const run = await runProgram("dev", config([], { adminGroupObjectIds: [EXISTING_ADMINS] }));
        assert.deepStrictEqual(ofType(run.resources, TYPES.group), []);
        assert.deepStrictEqual(one(run.resources, TYPES.managedCluster).inputs.aadProfile.adminGroupObjectIDs, [EXISTING_ADMINS]);
    });
});

describe("plan: API permissions and the admin group", function () {
    this.timeout(60000);

    it("shows per workload what it may do in Graph, lists the assignment, shows the admin group, and passes the policies", async () => {
        const plan = await planStack("dev", config([graphReader("api"), graphReader("worker", "application")], { adminGroup: { displayName: "aks-geofencing-admins", members: [MEMBER] } }));
        const text = renderText(plan);
        for (const identity of ['managed identity "id-api-dev"', 'app "id-worker-dev"']) {
            const at = text.indexOf(`  ${identity}`);
            assert.ok(at >= 0, `${identity} in the trust map:\n${text}`);
            const block = text.slice(at).split("\n").slice(1).findIndex((l) => !l.startsWith("    "));
            const lines = text.slice(at).split("\n").slice(1, 1 + block);
            assert.ok(lines.includes("    may: Microsoft Graph User.Read.All (application permission, admin-consented)"), `${identity}:\n${lines.join("\n")}`);
        }
        assert.match(text, /\+ azuread:index\/appRoleAssignment:AppRoleAssignment {2}api-api-graph-user-read-all {2}\[appRoleId=df021288-bdef-4463-88db-98f22de89214 principal=[0-9a-f-]{36} resource=[0-9a-f-]{36}\]/);
        assert.match(text, /\+ azuread:index\/group:Group {2}cluster-admin-group {2}\[securityEnabled=on mailEnabled=off assignableToRole=off members=1 owners=1\]/);
        assert.match(text, / {2}group "aks-geofencing-admins"\n {4}obtained by: member 3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c\n {4}obtained by: owner [0-9a-f-]{36} \(the principal running pulumi up\), who may add members\n {4}may \(its members\): cluster admin of cluster "aks-geofencing-dev" \(aadProfile\.adminGroupObjectIDs\)/);
        const mi = plan.trustMap.identities.find((i) => i.kind === "managed-identity")!;
        assert.deepStrictEqual(mi.apiPermissions, [
            { api: "Microsoft Graph", permission: "User.Read.All", appRoleId: USER_READ_ALL, resourceObjectId: FAKE_GRAPH_SERVICE_PRINCIPAL.objectId, assignment: "api-api-graph-user-read-all" },
        ]);
        assert.deepStrictEqual(plan.policies.findings.filter((f) => f.enforcementLevel === "mandatory"), []);
    });
});

describe("policy pack: no-tenant-takeover-api-permissions", () => {
    const assignment = (name: string, appRoleId: string) => ({
        type: TYPES.appRoleAssignment,
        name,
        urn: `urn:pulumi:dev::credless-aks::${TYPES.appRoleAssignment}::${name}`,
        props: { appRoleId, principalObjectId: "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c", resourceObjectId: FAKE_GRAPH_SERVICE_PRINCIPAL.objectId },
    });

    it("refuses RoleManagement.ReadWrite.Directory, saying why, and lets User.Read.All pass", () => {
        const takeover = assignment("takeover", "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8");
        const reader = assignment("reader", USER_READ_ALL);
        const results = runPolicies([takeover, reader], { name: "dev" }).filter((r) => r.policy === "no-tenant-takeover-api-permissions");
        assert.deepStrictEqual(results, [
            {
                policy: "no-tenant-takeover-api-permissions",
                enforcementLevel: "mandatory",
                resource: { type: takeover.type, name: "takeover", urn: takeover.urn },
                message:
                    'appRoleId is "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", Microsoft Graph RoleManagement.ReadWrite.Directory: refused, a workload holding it could take over the tenant: it manages directory role membership, so the workload could make any principal, itself included, a Global Administrator',
            },
        ]);
    });

    it("refuses every listed permission by its Graph app role id", () => {
        for (const id of ["06b708a9-e830-4db3-a914-8e69da51d44f", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "19dbc75e-c2e2-444c-a770-ec69d8559fc7"]) {
            const results = runPolicies([assignment("a", id.toUpperCase())], { name: "dev" }).filter((r) => r.policy === "no-tenant-takeover-api-permissions");
            assert.strictEqual(results.length, 1, id);
        }
    });
});

describe("trust map: app role assignments and admin groups from records alone", () => {
    const record = (type: string, name: string, inputs: Record<string, any>, state: Record<string, any> = {}, id = "") => ({ type, name, urn: `urn:${name}`, id, inputs, state });
    const GRAPH_SP = FAKE_GRAPH_SERVICE_PRINCIPAL.objectId;
    const mi = record(TYPES.userAssignedIdentity, "api-identity", { resourceName: "id-api", resourceGroupName: "rg" }, { name: "id-api", principalId: "p-mi", clientId: "c-mi" });
    const consent = record(TYPES.appRoleAssignment, "api-api-graph-user-read-all", { appRoleId: USER_READ_ALL, principalObjectId: "p-mi", resourceObjectId: GRAPH_SP });

    it("names API and permission from the looked-up service principal", () => {
        const map = buildTrustMap([mi, consent], undefined, [{ objectId: GRAPH_SP, displayName: "Microsoft Graph", appRoles: FAKE_GRAPH_SERVICE_PRINCIPAL.appRoles }]);
        assert.deepStrictEqual(trustMapLines(map), [
            'managed identity "id-api" [client id c-mi]',
            "  obtained by: nobody (no federated credential)",
            "  may: Microsoft Graph User.Read.All (application permission, admin-consented)",
        ]);
        assert.match(trustMapMermaid(map), /n1 -->\|"User\.Read\.All \(application permission\)"\| n2\n?/);
        assert.match(trustMapMermaid(map), /n2\("Microsoft Graph"\)/);
    });

    it("without the lookup, shows the ids rather than guess; an unknown principal becomes an existing one", () => {
        const stranger = record(TYPES.appRoleAssignment, "other", { appRoleId: USER_READ_ALL, principalObjectId: "p-x", resourceObjectId: GRAPH_SP });
        const map = buildTrustMap([mi, consent, stranger]);
        assert.deepStrictEqual(map.identities[0].apiPermissions?.map((p) => `${p.api} ${p.permission}`), [`${GRAPH_SP} ${USER_READ_ALL}`]);
        assert.deepStrictEqual(
            map.identities.filter((i) => i.kind === "existing-principal").map((i) => [i.name, i.apiPermissions?.length]),
            [["existing principal p-x", 1]],
        );
    });

    it("a created group: its members and owners obtain it, and its members administer the clusters that list it", () => {
        const group = record(TYPES.group, "cluster-admin-group", { displayName: "aks-admins", members: ["m-1"], owners: ["o-1"] }, { objectId: "g-1" }, "g-1");
        const cluster = record(TYPES.managedCluster, "cluster-cluster", { resourceName: "aks-geo", aadProfile: { adminGroupObjectIDs: ["g-0", "g-1"] } }, { name: "aks-geo" }, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-geo");
        const lines = trustMapLines(buildTrustMap([group, cluster]));
        assert.deepStrictEqual(lines, [
            'group "aks-admins"',
            "  obtained by: member m-1",
            "  obtained by: owner o-1, who may add members",
            '  may (its members): cluster admin of cluster "aks-geo" (aadProfile.adminGroupObjectIDs)',
            "existing group g-0",
            "  obtained by: outside this program",
            '  may (its members): cluster admin of cluster "aks-geo" (aadProfile.adminGroupObjectIDs)',
        ]);
    });
});
