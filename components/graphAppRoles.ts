/**
 * Microsoft Graph application permissions for the pipeline's own identities,
 * granted declaratively: an app role assignment on Microsoft Graph's service
 * principal is what admin consent to an application permission creates. The
 * app role's id is looked up by its value on Graph's service principal, with
 * apiPermissions.ts's resolveAppRoleId (the same lookup the workloads' API
 * permissions use), never written down.
 * Source: learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { MICROSOFT_GRAPH_CLIENT_ID, PublishedAppRole, resolveAppRoleId } from "./apiPermissions";

/**
 * The Graph application permission that lets an app create applications and
 * manage only those it owns. Source: learn.microsoft.com/graph/permissions-reference#applicationreadwriteownedby.
 */
export const APPLICATION_READWRITE_OWNEDBY = "Application.ReadWrite.OwnedBy";

/** An application permission of an API, resolved: what azuread.AppRoleAssignment takes. */
export interface ResolvedAppRole {
    /** Required. The app role's id on the API's service principal. */
    appRoleId: pulumi.Input<string>;
    /** Required. Object id of the API's service principal (Microsoft Graph's in this tenant). */
    resourceObjectId: pulumi.Input<string>;
    /** Required. The permission's value, for names and messages ("Application.ReadWrite.OwnedBy"). */
    value: string;
}

/** The id of Graph application permission `value` among Graph's published app roles; throws with resolveAppRoleId's message. */
export function graphAppRoleId(appRoles: readonly PublishedAppRole[], value: string): string {
    const resolved = resolveAppRoleId("Microsoft Graph", value, appRoles);
    if ("error" in resolved) {
        throw new Error(resolved.error);
    }
    return resolved.id;
}

/** Looks up Microsoft Graph's service principal in the tenant and resolves application permission `value` on it. */
export function graphAppRole(value: string, opts?: pulumi.InvokeOutputOptions): ResolvedAppRole {
    const graph = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_CLIENT_ID }, opts);
    return {
        appRoleId: graph.appRoles.apply((roles) => graphAppRoleId(roles, value)),
        resourceObjectId: graph.objectId,
        value,
    };
}
