/**
 * Microsoft Graph application permissions, granted declaratively: an app
 * role assignment on Microsoft Graph's service principal is what admin
 * consent to an application permission creates. The app role's id is looked
 * up by its value on Graph's service principal, never written down.
 * Source: learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto
 * ("principalId ... resourceId: the id of the resource servicePrincipal ... appRoleId").
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";

/**
 * Application (client) id of Microsoft Graph, the same in every tenant.
 * Source: learn.microsoft.com/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in
 * ("Microsoft Graph 00000003-0000-0000-c000-000000000000").
 */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/**
 * The Graph application permission that lets an app create applications and
 * manage only those it owns. Source: learn.microsoft.com/graph/permissions-reference#applicationreadwriteownedby.
 */
export const APPLICATION_READWRITE_OWNEDBY = "Application.ReadWrite.OwnedBy";

/** The part of a service principal's app role the lookup reads. */
export interface AppRoleRecord {
    id: string;
    value: string;
    allowedMemberTypes: string[];
    enabled: boolean;
}

/**
 * The id of the enabled application permission (allowed member type
 * "Application") whose value is `value`. Throws naming the value and what
 * the service principal offers when there is none.
 */
export function appRoleIdByValue(appRoles: readonly AppRoleRecord[], value: string, servicePrincipal = "Microsoft Graph"): string {
    const role = appRoles.find((r) => r.value === value);
    if (!role) {
        const offered = appRoles.map((r) => r.value).filter((v) => v.startsWith(value.split(".")[0]));
        throw new Error(`app role "${value}" is not an app role of ${servicePrincipal}'s service principal${offered.length > 0 ? ` (similar: ${offered.slice(0, 5).join(", ")})` : ""}`);
    }
    if (!role.enabled || !role.allowedMemberTypes.includes("Application")) {
        throw new Error(`app role "${value}" of ${servicePrincipal} is ${role.enabled ? "not an application permission" : "disabled"}: it cannot be granted to an application`);
    }
    return role.id;
}

/** An application permission of an API, resolved: what azuread.AppRoleAssignment takes. */
export interface ResolvedAppRole {
    /** Required. The app role's id on the API's service principal. */
    appRoleId: pulumi.Input<string>;
    /** Required. Object id of the API's service principal (Microsoft Graph's in this tenant). */
    resourceObjectId: pulumi.Input<string>;
    /** Required. The permission's value, for names and messages ("Application.ReadWrite.OwnedBy"). */
    value: string;
}

/** Looks up Microsoft Graph's service principal in the tenant and resolves application permission `value` on it. */
export function graphAppRole(value: string, opts?: pulumi.InvokeOutputOptions): ResolvedAppRole {
    const graph = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID }, opts);
    return {
        appRoleId: graph.appRoles.apply((roles) => appRoleIdByValue(roles, value)),
        resourceObjectId: graph.objectId,
        value,
    };
}
