import * as assert from "assert";
import { BUILT_IN_ROLES } from "../components/roles";
import { buildTrustMap, ResourceRecord, TYPES } from "../commands/plan/trustMap";

const SUB = "/subscriptions/5a9c7e12-3d4f-4b8a-9e61-2f0c8d7b3a45/resourceGroups/rg";
const CLUSTER_ID = `${SUB}/providers/Microsoft.ContainerService/managedClusters/aks`;
const ISSUER = "https://westeurope.oic.prod-aks.azure.com/t/c/";

function world(role: keyof typeof BUILT_IN_ROLES, scope: string): ResourceRecord[] {
    const r = (type: string, name: string, inputs: Record<string, any>, state: Record<string, any> = {}, id = ""): ResourceRecord => ({ type, name, urn: name, id, inputs, state });
    return [
        r(TYPES.cluster, "aks", { resourceName: "aks" }, { name: "aks", oidcIssuerProfile: { issuerURL: ISSUER } }, CLUSTER_ID),
        r(TYPES.managedIdentity, "mi", { resourceName: "id-api", resourceGroupName: "rg" }, { name: "id-api", principalId: "p-mi", clientId: "c-mi" }),
        r(TYPES.managedIdentityCredential, "fic", { resourceName: "id-api", resourceGroupName: "rg", issuer: ISSUER, subject: "system:serviceaccount:geo:api", audiences: ["api://AzureADTokenExchange"] }),
        r(TYPES.application, "app", { displayName: "github-app" }, { clientId: "c-app", objectId: "o-app" }, "/applications/o-app"),
        r(TYPES.servicePrincipal, "sp", { clientId: "c-app" }, { objectId: "p-app" }, "p-app"),
        r(TYPES.roleAssignment, "ra", { principalId: "p-app", scope, roleDefinitionId: `/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}` }),
    ];
}

const podCreators = (resources: ResourceRecord[]) =>
    buildTrustMap(resources)
        .identities.find((i) => i.kind === "managed-identity")!
        .obtainedBy.filter((o) => o.kind === "pod-creator")
        .map((o) => o.viaPrincipalId);

describe("trust map: who can run pods as a workload's service account", () => {
    it("RBAC Writer in the workload's namespace reaches the workload identity", () => {
        assert.deepStrictEqual(podCreators(world("Azure Kubernetes Service RBAC Writer", `${CLUSTER_ID}/namespaces/geo`)), ["p-app"]);
    });

    it("a cluster-wide pod-creating role reaches it too", () => {
        assert.deepStrictEqual(podCreators(world("Azure Kubernetes Service RBAC Cluster Admin", CLUSTER_ID)), ["p-app"]);
    });

    it("RBAC Reader, or Writer in another namespace, does not", () => {
        assert.deepStrictEqual(podCreators(world("Azure Kubernetes Service RBAC Reader", `${CLUSTER_ID}/namespaces/geo`)), []);
        assert.deepStrictEqual(podCreators(world("Azure Kubernetes Service RBAC Writer", `${CLUSTER_ID}/namespaces/other`)), []);
    });

    it("links federated credentials to their identity and names the scope", () => {
        const map = buildTrustMap(world("Azure Kubernetes Service RBAC Writer", `${CLUSTER_ID}/namespaces/geo`));
        const mi = map.identities.find((i) => i.kind === "managed-identity")!;
        assert.deepStrictEqual(mi.obtainedBy[0], {
            kind: "kubernetes",
            label: 'Kubernetes system:serviceaccount:geo:api via cluster "aks"',
            issuer: ISSUER,
            subject: "system:serviceaccount:geo:api",
            audiences: ["api://AzureADTokenExchange"],
            credential: "fic",
        });
        const app = map.identities.find((i) => i.kind === "entra-application")!;
        assert.strictEqual(app.grants[0].scopeLabel, 'namespace "geo" on cluster "aks"');
    });
});
