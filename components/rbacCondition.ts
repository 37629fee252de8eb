/**
 * Attribute-based conditions on "Role Based Access Control Administrator"
 * assignments: which roles the holder may assign and remove. Pure functions.
 * Source: learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples
 * ("Example: Constrain roles": ActionMatches{'Microsoft.Authorization/roleAssignments/write'} with
 * @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {...},
 * and the same for .../delete with @Resource[...]).
 */
import { PRIVILEGED_ROLE_IDS } from "./roles";

const WRITE = "Microsoft.Authorization/roleAssignments/write";
const DELETE = "Microsoft.Authorization/roleAssignments/delete";

/**
 * The condition that lets its holder create and delete assignments of
 * `roleIds` only (role definition GUIDs, lower case), at the assignment's scope.
 */
export function constrainRolesCondition(roleIds: readonly string[]): string {
    if (roleIds.length === 0) {
        throw new Error("roleIds is []: a role-constraining condition needs at least one role");
    }
    const list = roleIds.map((id) => id.toLowerCase()).join(", ");
    return (
        `((!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${list}}))` +
        ` AND ((!(ActionMatches{'${DELETE}'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${list}}))`
    );
}

/**
 * The roles a condition of constrainRolesCondition's shape allows to be
 * written and deleted, or undefined when the condition does not constrain
 * both actions in that shape (an unconditioned or differently shaped
 * condition constrains nothing this code can prove).
 */
export function constrainedRoles(condition: string | undefined): { write: string[]; delete: string[] } | undefined {
    if (!condition) {
        return undefined;
    }
    const half = (action: string, attribute: "Request" | "Resource"): string[] | undefined => {
        const escaped = action.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
        const match = new RegExp(
            `\\(\\(!\\(ActionMatches\\{'${escaped}'\\}\\)\\) OR \\(@${attribute}\\[Microsoft\\.Authorization/roleAssignments:RoleDefinitionId\\] ForAnyOfAnyValues:GuidEquals \\{([^}]*)\\}\\)\\)`,
        ).exec(condition);
        return match ? match[1].split(",").map((id) => id.trim().toLowerCase()) : undefined;
    };
    const write = half(WRITE, "Request");
    const del = half(DELETE, "Resource");
    const rest = condition
        .replace(/\(\(!\(ActionMatches\{'[^']*'\}\)\) OR \(@(Request|Resource)\[[^\]]*\] ForAnyOfAnyValues:GuidEquals \{[^}]*\}\)\)/g, "")
        .trim();
    return write && del && rest === "AND" ? { write, delete: del } : undefined;
}

/**
 * Why a Role Based Access Control Administrator condition is not safe, or
 * undefined: it must constrain both writes and deletes, to roles none of
 * which is privileged (PRIVILEGED_ROLE_IDS: Owner, Contributor, User Access
 * Administrator, RBAC Administrator, the AKS admin roles).
 */
export function rbacAdministratorConditionRule(condition: string | undefined): string | undefined {
    const roles = constrainedRoles(condition);
    if (!roles) {
        return "must carry a condition that limits both roleAssignments/write and roleAssignments/delete to listed roles (constrainRolesCondition)";
    }
    const privileged = [...roles.write, ...roles.delete].filter((id) => PRIVILEGED_ROLE_IDS.includes(id));
    return privileged.length > 0 ? `lets its holder assign the privileged role ${privileged[0]}` : undefined;
}
