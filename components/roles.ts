import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";

/**
 * Microsoft's built-in role definition ids by role name: the one place in the
 * project where a role id is written. Each id checked against the ID column of
 * learn.microsoft.com/azure/role-based-access-control/built-in-roles
 * (sections "Privileged", "General", "Containers", "Security", "Storage").
 */
export const BUILT_IN_ROLES = {
    Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    /** Assigns roles (Microsoft.Authorization/roleAssignments/write and delete); a condition may limit which. */
    "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    AcrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
    /** For registries in "RBAC Registry + ABAC Repository Permissions" mode, where AcrPull is not honored. */
    "Container Registry Repository Reader": "b93aa761-3e63-49ed-ac28-beffa264f7ac",
    /** For registries in "RBAC Registry + ABAC Repository Permissions" mode, where AcrPush is not honored. */
    "Container Registry Repository Writer": "2a1e307c-b015-4ebd-883e-5b7698a07328",
    /**
     * Lists a registry's repositories (the catalog) in "RBAC Registry + ABAC Repository Permissions"
     * mode; takes no ABAC condition. Id checked against two independent public uses of the role
     * (Terraform and Bicep role assignments naming it with bfdb9389-...); learn.microsoft.com's
     * "Containers" built-in roles page lists it.
     */
    "Container Registry Repository Catalog Lister": "bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7",
    "Azure Kubernetes Service Cluster User Role": "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
    /** Lists the cluster admin credential: with local accounts, a kubeconfig that bypasses Entra ID. */
    "Azure Kubernetes Service Cluster Admin Role": "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
    /** Read and write access to the ManagedCluster resource itself (Microsoft.ContainerService/managedClusters/*). */
    "Azure Kubernetes Service Contributor Role": "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
    "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    "Azure Kubernetes Service RBAC Admin": "3498e952-d568-435e-9b2c-8d77e338d7f7",
    "Azure Kubernetes Service RBAC Writer": "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
    "Azure Kubernetes Service RBAC Reader": "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;

export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;

/**
 * Roles this project never grants: they hand out control of the scope itself
 * (Owner, Contributor), the right to grant roles (User Access Administrator,
 * Role Based Access Control Administrator), or control of a cluster outside
 * Azure RBAC for Kubernetes (Cluster Admin Role: the admin kubeconfig;
 * Contributor Role: the cluster's own settings, local accounts included).
 */
export const PRIVILEGED_ROLE_IDS: readonly string[] = [
    BUILT_IN_ROLES.Owner,
    BUILT_IN_ROLES.Contributor,
    BUILT_IN_ROLES["User Access Administrator"],
    BUILT_IN_ROLES["Role Based Access Control Administrator"],
    BUILT_IN_ROLES["Azure Kubernetes Service Cluster Admin Role"],
    BUILT_IN_ROLES["Azure Kubernetes Service Contributor Role"],
];

/**
 * The rule every role that credless-aks is asked to grant must follow:
 * a known form (see resolveRoleId) and not one of PRIVILEGED_ROLE_IDS.
 * Undefined when the role may be granted; otherwise the rule, phrased to
 * follow "<key> is "<value>": ".
 */
export function grantableRoleRule(roleDefinitionIdOrName: string): string | undefined {
    let roleId: string;
    try {
        roleId = resolveRoleId(roleDefinitionIdOrName);
    } catch (e) {
        return (e as Error).message.replace(/^role "[^"]*" is /, "is ");
    }
    if (!PRIVILEGED_ROLE_IDS.includes(roleId)) {
        return undefined;
    }
    const names = PRIVILEGED_ROLE_IDS.map((id) => roleNameOf(id)).join(", ");
    return `grants control of the scope or of who may access it, which credless-aks never grants (${names}); pick a narrower role`;
}

/** What a grant on a container registry allows: pulling images, or pushing (and pulling) them. */
export type RegistryAccess = "pull" | "push";

/**
 * The built-in roles that grant pull and push on a whole registry, by the
 * registry's role assignment permissions mode: the one place where that
 * choice is made, for ContainerRegistry's grants (and so the kubelet's),
 * GitHubActionsIdentity's push and the stack's workload roles on the
 * registry. In "RBAC Registry + ABAC Repository Permissions" mode the legacy
 * roles AcrPull and AcrPush are not honoured; the repository roles are, and
 * without an ABAC condition they apply to every repository.
 * Source: learn.microsoft.com/azure/container-registry/container-registry-rbac-abac-repository-permissions
 * ("Legacy ACR roles such as AcrPull, AcrPush, and AcrDelete are not honored in ABAC-enabled registries";
 * "assigning ABAC-enabled roles without conditions grants registry-wide permissions"); the ids are in
 * BUILT_IN_ROLES, checked against the built-in roles list ("Containers").
 */
const REGISTRY_DATA_ROLES: Record<"rbac" | "abac", Record<RegistryAccess, BuiltInRoleName>> = {
    rbac: { pull: "AcrPull", push: "AcrPush" },
    abac: { pull: "Container Registry Repository Reader", push: "Container Registry Repository Writer" },
};

/** The role that grants `access` on a registry, given whether it is in ABAC repository-permissions mode. */
export function registryDataRole(access: RegistryAccess, abacRepositoryPermissions: boolean): BuiltInRoleName {
    return REGISTRY_DATA_ROLES[abacRepositoryPermissions ? "abac" : "rbac"][access];
}

/**
 * A role to grant at a registry's scope, as that registry honours it: on a
 * registry in ABAC repository-permissions mode, AcrPull and AcrPush (by
 * name or id) become registryDataRole("pull" / "push", true); every other
 * role, and every role on a registry in RBAC mode, is returned as given.
 */
export function registryScopedRole(roleDefinitionIdOrName: string, abacRepositoryPermissions: boolean): string {
    if (!abacRepositoryPermissions) {
        return roleDefinitionIdOrName;
    }
    let roleId: string;
    try {
        roleId = resolveRoleId(roleDefinitionIdOrName);
    } catch {
        return roleDefinitionIdOrName;
    }
    const legacy = (Object.keys(REGISTRY_DATA_ROLES.rbac) as RegistryAccess[]).find((access) => BUILT_IN_ROLES[REGISTRY_DATA_ROLES.rbac[access]] === roleId);
    return legacy ? registryDataRole(legacy, true) : roleDefinitionIdOrName;
}

/**
 * Principal types accepted by ARM role assignments. A managed identity and an
 * app's service principal are both "ServicePrincipal".
 * Source: learn.microsoft.com/rest/api/authorization/role-assignments/create ("principalType").
 */
export const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_DEFINITION_PATH = /^(?:\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i;

/**
 * Resolves a built-in role name, a role definition GUID, or a full role
 * definition resource id to the role definition GUID (lower case).
 * Throws with the accepted forms when the value is none of them.
 */
export function resolveRoleId(roleDefinitionIdOrName: string): string {
    if (Object.prototype.hasOwnProperty.call(BUILT_IN_ROLES, roleDefinitionIdOrName)) {
        return BUILT_IN_ROLES[roleDefinitionIdOrName as BuiltInRoleName];
    }
    if (GUID.test(roleDefinitionIdOrName)) {
        return roleDefinitionIdOrName.toLowerCase();
    }
    const path = ROLE_DEFINITION_PATH.exec(roleDefinitionIdOrName);
    if (path && GUID.test(path[1])) {
        return path[1].toLowerCase();
    }
    throw new Error(
        `role "${roleDefinitionIdOrName}" is neither a built-in role name known to credless-aks ` +
            `(${Object.keys(BUILT_IN_ROLES).join(", ")}) nor a role definition id (a GUID or /providers/Microsoft.Authorization/roleDefinitions/<GUID>)`,
    );
}

/** The built-in role name for a role definition GUID, or undefined for a custom role. */
export function roleNameOf(roleId: string): BuiltInRoleName | undefined {
    const id = roleId.toLowerCase();
    return (Object.keys(BUILT_IN_ROLES) as BuiltInRoleName[]).find((name) => BUILT_IN_ROLES[name] === id);
}

/** The role definition GUID at the end of a role definition resource id (or the GUID itself), lower case. */
export function roleIdOf(roleDefinitionId: string): string {
    return roleDefinitionId.slice(roleDefinitionId.lastIndexOf("/") + 1).toLowerCase();
}

/** The built-in role's name for messages, or the id itself for a role credless-aks does not know. */
export function roleLabel(roleId: string): string {
    return roleNameOf(roleId) ?? roleId;
}

/** The subscription id in an ARM scope such as /subscriptions/<id>/resourceGroups/<rg>/... */
export function subscriptionOfScope(scope: string): string {
    const match = /^\/subscriptions\/([^/]+)(?:\/|$)/i.exec(scope);
    if (!match) {
        throw new Error(`scope "${scope}" is not an ARM resource id under a subscription (/subscriptions/<id>/...)`);
    }
    return match[1];
}

/** The subscription-qualified role definition resource id, the form ARM returns (no perpetual diff). */
export function roleDefinitionResourceId(scope: string, roleId: string): string {
    return `/subscriptions/${subscriptionOfScope(scope)}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/**
 * A deterministic role assignment name (a GUID) from scope, principal and role,
 * like Bicep's guid(scope, principalId, roleId) in Azure Verified Modules. The
 * same triple always gives the same name, so a re-run after a lost state finds
 * the existing assignment instead of failing with RoleAssignmentExists.
 * Scope casing is ignored because ARM ids are case-insensitive.
 */
export function roleAssignmentName(scope: string, principalId: string, roleId: string): string {
    const hash = createHash("sha256")
        .update(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleId.toLowerCase()}`)
        .digest("hex");
    // Shape it as an RFC 4122 name-based UUID (version nibble 5, variant 10xx).
    const variant = ((parseInt(hash[16], 16) & 0x3) | 0x8).toString(16);
    return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}

/** One role assignment, spelled as in Azure Verified Modules. */
export interface RoleAssignmentSpec {
    /** Required. A built-in role name from BUILT_IN_ROLES, a role definition GUID, or a role definition resource id. */
    roleDefinitionIdOrName: string;
    /** Required. Object id of the principal (for a managed identity or app: its service principal's object id). */
    principalId: pulumi.Input<string>;
    /**
     * Optional. Set it whenever known, and always for a principal created in the
     * same deployment: without it, an assignment to a principal created seconds
     * earlier can fail with PrincipalNotFound while Entra ID replicates
     * (learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal).
     * Left unset, the property is omitted from the request and ARM looks up the
     * type of the (existing) principal itself; assignRole makes sure azure-native's
     * own default, "User", is not sent instead. Defaults to unset.
     */
    principalType?: pulumi.Input<PrincipalType>;
    /** Optional. Shown in the portal. Defaults to none. */
    description?: pulumi.Input<string>;
    /**
     * Optional. An Azure ABAC condition (version 2.0) that narrows the
     * assignment, e.g. rbacCondition.ts's constrainRolesCondition, or
     * repositoryPrefixCondition for repositories of an ABAC-mode registry.
     * Defaults to none: the role applies to the whole scope.
     */
    condition?: string;
}

/** The only condition version ARM accepts. Source: learn.microsoft.com/rest/api/authorization/role-assignments/create ("conditionVersion ... Currently the only accepted value is '2.0'"). */
export const CONDITION_VERSION = "2.0";

/**
 * Creates an ARM role assignment at `scope` with a deterministic name and the
 * subscription-qualified role definition id. `name` is the Pulumi resource name.
 */
export function assignRole(
    name: string,
    scope: pulumi.Input<string>,
    spec: RoleAssignmentSpec,
    opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
    const roleId = resolveRoleId(spec.roleDefinitionIdOrName);
    const scopeOutput = pulumi.output(scope);
    // azure-native 3.28's RoleAssignment replaces a missing principalType with
    // "User" (authorization/roleAssignment.js: `args?.principalType ?? "User"`,
    // the spec's default; github.com/Azure/azure-rest-api-specs/issues/21664), and a
    // service principal then fails with UnmatchedPrincipalType. An Output is never
    // nullish, so `??` keeps it; when it resolves to undefined the property is
    // left out of the request and ARM infers the type.
    const principalType = pulumi.output(spec.principalType) as pulumi.Output<PrincipalType>;
    return new authorization.RoleAssignment(
        name,
        {
            scope: scopeOutput,
            principalId: spec.principalId,
            principalType,
            roleDefinitionId: scopeOutput.apply((s) => roleDefinitionResourceId(s, roleId)),
            roleAssignmentName: pulumi
                .all([scopeOutput, spec.principalId])
                .apply(([s, principal]) => roleAssignmentName(s, principal, roleId)),
            description: spec.description,
            ...(spec.condition ? { condition: spec.condition, conditionVersion: CONDITION_VERSION } : {}),
        },
        opts,
    );
}
