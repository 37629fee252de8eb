/**
 * Application permissions (app roles) of an API, granted to a workload's
 * identity with admin consent. For an application permission, admin consent is
 * an app role assignment from the client's service principal to the API's
 * service principal. Source: learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto
 * ("App roles that are assigned to service principals are also known as
 * application permissions"; principalId, resourceId, appRoleId). Pure: no
 * Pulumi runtime.
 */
import { editDistance } from "./validation";

/**
 * Client (application) ids of the APIs that config may name, by the name
 * config uses. Microsoft Graph's is the same in every tenant. Source:
 * learn.microsoft.com/graph/permissions-grant-via-msgraph (the Microsoft Graph
 * service principal's "appId": "00000003-0000-0000-c000-000000000000").
 */
export const KNOWN_APIS = {
    "Microsoft Graph": "00000003-0000-0000-c000-000000000000",
} as const;

export type KnownApiName = keyof typeof KNOWN_APIS;

export const MICROSOFT_GRAPH_CLIENT_ID = KNOWN_APIS["Microsoft Graph"];

/** One API's application permissions, as config and the component take them. */
export interface ApiPermissionRequest {
    /** Required. "Microsoft Graph", or the client (application) id (a GUID) of an API whose service principal exists in the tenant. List each API once. */
    api: string;
    /**
     * Required. At least one app role value as the API publishes it for applications,
     * e.g. "User.Read.All", each once; matched exactly. Graph's TENANT_TAKEOVER_PERMISSIONS are refused.
     */
    permissions: string[];
}

/** One published app role of an API's service principal: the fields azuread's getServicePrincipal returns. */
export interface PublishedAppRole {
    id: string;
    value: string;
    allowedMemberTypes: string[];
    enabled: boolean;
}

/** A Microsoft Graph application permission that lets its holder take over the tenant, and why. */
export interface TenantTakeoverPermission {
    /** App role id, the same in every tenant; what the policy pack sees on an AppRoleAssignment. */
    appRoleId: string;
    why: string;
}

/**
 * Microsoft Graph application permissions this project never grants: each lets
 * a workload make itself, or any principal, a Global Administrator (directly
 * or by granting itself a permission that can). Microsoft publishes no single
 * closed list; this one is built from:
 * - learn.microsoft.com/graph/permissions-reference (caution on
 *   RoleManagement.ReadWrite.Directory: "Permissions that allow granting
 *   authorization ... allow an application to grant additional privileges to
 *   itself, other applications, or any user"), and each permission's
 *   description there, quoted in `why`;
 * - learn.microsoft.com/graph/permissions-grant-via-msgraph (AppRoleAssignment.ReadWrite.All
 *   and DelegatedPermissionGrant.ReadWrite.All "manage permission grants and
 *   elevate privileges for any app, user, or group");
 * - Microsoft Sentinel's analytics rules "Grant high privilege Microsoft Graph
 *   permissions" and "Dangerous API permission consented" (github.com/Azure/Azure-Sentinel):
 *   AppRoleAssignment.ReadWrite.All, Application.ReadWrite.All, RoleManagement.ReadWrite.Directory.
 * App role ids: the "Application" identifier of each permission in the Graph
 * permissions reference, cross-checked against a dump of the Microsoft Graph
 * service principal's appRoles (github.com/merill/microsoft-info, _info/GraphAppRoles.csv).
 */
export const TENANT_TAKEOVER_PERMISSIONS: Readonly<Record<string, TenantTakeoverPermission>> = {
    "RoleManagement.ReadWrite.Directory": {
        appRoleId: "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
        why: "it manages directory role membership, so the workload could make any principal, itself included, a Global Administrator",
    },
    "AppRoleAssignment.ReadWrite.All": {
        appRoleId: "06b708a9-e830-4db3-a914-8e69da51d44f",
        why: "it grants application permissions to any API, Microsoft Graph included, so the workload could grant itself RoleManagement.ReadWrite.Directory and then any directory role",
    },
    "Application.ReadWrite.All": {
        appRoleId: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
        why: "it adds credentials to any application and service principal, so the workload could sign in as a more privileged one",
    },
    "Directory.ReadWrite.All": {
        appRoleId: "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
        why: "it writes any directory data, service principals and group memberships included, so the workload could take over a more privileged principal",
    },
    "DelegatedPermissionGrant.ReadWrite.All": {
        appRoleId: "8e8e4742-1d95-4f68-9d56-6ee75648c72a",
        why: "it grants delegated permissions to any API on behalf of every user, consenting without an administrator",
    },
    "RoleAssignmentSchedule.ReadWrite.Directory": {
        appRoleId: "dd199f4a-f148-40a4-a2ec-f0069cc799ec",
        why: "it creates active directory role assignments through Privileged Identity Management, Global Administrator included",
    },
    "RoleEligibilitySchedule.ReadWrite.Directory": {
        appRoleId: "fee28b28-e1f3-4841-818e-2704dc62245f",
        why: "it makes any principal eligible for any directory role through Privileged Identity Management, Global Administrator included",
    },
    "PrivilegedAccess.ReadWrite.AzureAD": {
        appRoleId: "854d9ab1-6657-4ec8-be45-823027bcd009",
        why: "it manages time-based assignment and just-in-time elevation of directory roles, administrative roles included",
    },
    "UserAuthenticationMethod.ReadWrite.All": {
        appRoleId: "50483e42-d915-4231-9639-7fdb7fd190e5",
        why: "it writes the authentication methods of every user, administrators included, so the workload could sign in as one of them",
    },
    "Policy.ReadWrite.PermissionGrant": {
        appRoleId: "a402ca1c-2696-4531-972d-6e5ee4aa11ea",
        why: "it rewrites the consent and permission grant policies, which decide who may grant which permission",
    },
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The client id of `api`: a KNOWN_APIS name, or the GUID itself (lower case). Undefined when it is neither. */
export function apiClientId(api: string): string | undefined {
    if (Object.prototype.hasOwnProperty.call(KNOWN_APIS, api)) {
        return KNOWN_APIS[api as KnownApiName];
    }
    return GUID.test(api) ? api.toLowerCase() : undefined;
}

/** The name to show for `api`: its KNOWN_APIS name when it is one, by name or by client id. */
export function apiDisplayName(api: string): string {
    const clientId = apiClientId(api);
    const known = Object.entries(KNOWN_APIS).find(([, id]) => id === clientId);
    return known ? known[0] : api;
}

/** The rule an `api` value follows, phrased to follow "<key> is "<value>": "; undefined when valid. */
export function apiRule(api: string): string | undefined {
    return apiClientId(api)
        ? undefined
        : `must be ${Object.keys(KNOWN_APIS)
              .map((n) => `"${n}"`)
              .join(", ")} or the client (application) id of the API, a GUID`;
}

/**
 * App role values: no white space, 1 to 120 characters (Graph's are letters,
 * digits, '.', '-' and '_', e.g. "User.Read.All").
 */
export function permissionNameRule(permission: string): string | undefined {
    return /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/.test(permission)
        ? undefined
        : "must be an application permission's value as the API publishes it, such as \"User.Read.All\": letters, digits, '.', '-' or '_'";
}

/**
 * Why `permission` of `api` is refused, phrased to follow "<key> is "<value>": ",
 * or undefined when it may be granted. Only Microsoft Graph's are known;
 * compared case-insensitively, as Entra ID matches permission names.
 */
export function tenantTakeoverRule(api: string, permission: string): string | undefined {
    if (apiClientId(api) !== MICROSOFT_GRAPH_CLIENT_ID) {
        return undefined;
    }
    const entry = Object.entries(TENANT_TAKEOVER_PERMISSIONS).find(([name]) => name.toLowerCase() === permission.toLowerCase());
    return entry ? `is refused: a workload holding Microsoft Graph ${entry[0]} could take over the tenant: ${entry[1].why}` : undefined;
}

/** The Graph permission name of a tenant-takeover app role id, or undefined. */
export function tenantTakeoverPermissionOf(appRoleId: string): string | undefined {
    return Object.entries(TENANT_TAKEOVER_PERMISSIONS).find(([, p]) => p.appRoleId === appRoleId.toLowerCase())?.[0];
}

/**
 * Up to `max` candidates close to `name`, closest first: within an edit
 * distance of a third of the name's length (at least 2), or sharing its
 * first dot-separated part ("User.Read" finds "User.Read.All").
 */
export function closeMatches(name: string, candidates: readonly string[], max = 5): string[] {
    const limit = Math.max(2, Math.floor(name.length / 3));
    const head = name.split(".")[0].toLowerCase();
    return candidates
        .map((c) => ({ c, d: editDistance(name, c) }))
        .filter(({ c, d }) => d <= limit || c.split(".")[0].toLowerCase() === head)
        .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
        .slice(0, max)
        .map(({ c }) => c);
}

/**
 * The app role id of `permission` among the API's published app roles, or
 * the problem: not published as an application permission (with close
 * matches), or disabled. Permission values match exactly, as Entra ID's
 * appRoles[].value does.
 */
export function resolveAppRoleId(apiName: string, permission: string, appRoles: readonly PublishedAppRole[]): { id: string } | { error: string } {
    const grantable = appRoles.filter((r) => r.allowedMemberTypes.includes("Application"));
    const role = grantable.find((r) => r.value === permission);
    if (!role) {
        const matches = closeMatches(permission, grantable.map((r) => r.value));
        return {
            error:
                `${apiName} publishes no application permission "${permission}"` +
                (matches.length > 0 ? `; close matches: ${matches.join(", ")}` : "; no published application permission is close to it"),
        };
    }
    if (!role.enabled) {
        return { error: `${apiName}'s application permission "${permission}" (${role.id}) is disabled and cannot be granted` };
    }
    return { id: role.id };
}

/** The Pulumi name fragment of one permission's assignment: "<api>-<permission>", lower case, dots as dashes. */
export function apiPermissionKey(api: string, permission: string): string {
    const apiPart = apiDisplayName(api)
        .toLowerCase()
        .replace(/^microsoft /, "")
        .replace(/[^a-z0-9]+/g, "-");
    return `${apiPart}-${permission.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}
