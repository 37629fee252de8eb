/**
 * The fake Azure, Entra ID and GitHub identities the mock runtime answers
 * with, apart from the runtime itself so that what only needs these values
 * (the packed-library fixture, which starts before the tests) loads no SDK.
 * commands/plan/mockRuntime.ts re-exports them.
 */
import { createHash } from "crypto";

/** The fake tenant and the principal that "runs pulumi up" under mocks. */
export const FAKE = {
    tenantId: "8f3d2a61-4b7c-4e19-a2d5-6c0b9e7f1a34",
    subscriptionId: "5a9c7e12-3d4f-4b8a-9e61-2f0c8d7b3a45",
    deployerObjectId: "0c6e1f4a-92b3-4d57-8a1e-7b3c5d9f2e60",
    deployerClientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
    githubOwnerId: 9919,
    githubRepositoryId: 681234567,
} as const;

/** A GUID derived from a seed: stable across runs, distinct per resource. */
export function fakeGuid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The OIDC issuer URL an AKS cluster reports: regional host, tenant, a
 * per-cluster GUID, and a trailing slash.
 * Source: learn.microsoft.com/azure/aks/use-oidc-issuer ("https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/").
 */
export function fakeIssuerUrl(location: string, clusterName: string): string {
    return `https://${location}.oic.prod-aks.azure.com/${FAKE.tenantId}/${fakeGuid(`issuer/${clusterName}`)}/`;
}

export function fakeKubeletObjectId(clusterName: string): string {
    return fakeGuid(`kubelet-object/${clusterName}`);
}

/**
 * The user kubeconfig that listManagedClusterUserCredentials returns for an
 * Entra ID cluster: an exec plugin running kubelogin with device-code login.
 * Source: learn.microsoft.com/azure/aks/kubelogin-authentication.
 */
export function fakeUserKubeconfig(clusterName: string, fqdn: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- cluster:",
        "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUU2VENDQXRHZ0F3SUJBZ0lSQU==",
        `    server: https://${fqdn}:443`,
        `  name: ${clusterName}`,
        "contexts:",
        "- context:",
        `    cluster: ${clusterName}`,
        `    user: clusterUser_${clusterName}`,
        `  name: ${clusterName}`,
        `current-context: ${clusterName}`,
        "preferences: {}",
        "users:",
        `- name: clusterUser_${clusterName}`,
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1beta1",
        "      args:",
        "      - get-token",
        "      - --environment",
        "      - AzurePublicCloud",
        "      - --server-id",
        "      - 6dae42f8-4368-4678-94ff-3960e28e3630",
        "      - --client-id",
        "      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a",
        "      - --tenant-id",
        `      - ${FAKE.tenantId}`,
        "      - --login",
        "      - devicecode",
        "      command: kubelogin",
        "      env: null",
        "      installHint: |2",
        "        kubelogin is not installed which is required to connect to AAD enabled cluster.",
        "      provideClusterInfo: false",
        "",
    ].join("\n");
}

/**
 * Microsoft Graph's service principal as azuread's getServicePrincipal returns
 * it, with a fake per-tenant object id and a subset of its published
 * application permissions: the real values and app role ids, from
 * learn.microsoft.com/graph/permissions-reference ("Application" identifiers;
 * User.Read.All's also in learn.microsoft.com/graph/permissions-grant-via-msgraph,
 * "id": "df021288-bdef-4463-88db-98f22de89214", "value": "User.Read.All"),
 * cross-checked against a dump of the Graph service principal's appRoles
 * (github.com/merill/microsoft-info, _info/GraphAppRoles.csv).
 */
export const FAKE_GRAPH_SERVICE_PRINCIPAL = {
    clientId: "00000003-0000-0000-c000-000000000000",
    objectId: fakeGuid("sp-object/microsoft-graph"),
    displayName: "Microsoft Graph",
    appRoles: [
        ["df021288-bdef-4463-88db-98f22de89214", "User.Read.All", "Read all users' full profiles"],
        ["97235f07-e226-4f63-ace3-39588e11d3a1", "User.ReadBasic.All", "Read all users' basic profiles"],
        ["741f803b-c850-494e-b5df-cde7c675a1ca", "User.ReadWrite.All", "Read and write all users' full profiles"],
        ["405a51b5-8d8d-430b-9842-8be4b0e9f324", "User.Export.All", "Export user's data"],
        ["7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All", "Read directory data"],
        ["19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Directory.ReadWrite.All", "Read and write directory data"],
        ["5b567255-7703-4780-807c-7be8301ae99b", "Group.Read.All", "Read all groups"],
        ["98830695-27a2-44f7-8c18-0c3ebc9698f6", "GroupMember.Read.All", "Read all group memberships"],
        ["9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All", "Read all applications"],
        ["1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All", "Read and write all applications"],
        // The pipeline's apply identities' permission (bootstrap/); id from the same reference.
        ["18a4783c-866b-4cc7-a460-3d5e5662c884", "Application.ReadWrite.OwnedBy", "Manage apps that this app creates or owns"],
        ["06b708a9-e830-4db3-a914-8e69da51d44f", "AppRoleAssignment.ReadWrite.All", "Manage app permission grants and app role assignments"],
        ["9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", "RoleManagement.ReadWrite.Directory", "Read and write all directory RBAC settings"],
        ["810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Mail.Read", "Read mail in all mailboxes"],
    ].map(([id, value, displayName]) => ({ id, value, displayName, allowedMemberTypes: ["Application"], enabled: true })),
};
