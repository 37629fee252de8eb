import * as assert from "assert";
import fc from "fast-check";
import { one, runUnderMocks } from "./harness";
import {
    assignRole,
    BUILT_IN_ROLES,
    BuiltInRoleName,
    PRIVILEGED_ROLE_IDS,
    registryDataRole,
    registryScopedRole,
    resolveRoleId,
    roleAssignmentName,
    roleIdOf,
    roleLabel,
    roleDefinitionResourceId,
    roleNameOf,
    subscriptionOfScope,
} from "../components/roles";
import { TYPES } from "./resourceTypes";

/** Golden value: the name already given to existing assignments; the algorithm must keep producing it. */
const PINNED_NAME = "a38f1d80-db26-53cd-aac1-b0ab97d4f724";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SCOPE = "/subscriptions/5a9c7e12-3d4f-4b8a-9e61-2f0c8d7b3a45/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr1";
const scope = fc
    .tuple(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9_.()-]{1,20}$/), fc.stringMatching(/^[a-z0-9]{5,20}$/))
    .map(([sub, rg, name]) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${name}`);

describe("roles: BUILT_IN_ROLES", () => {
    it("holds lower-case GUIDs, each written once", () => {
        const ids = Object.values(BUILT_IN_ROLES);
        ids.forEach((id) => assert.match(id, GUID));
        assert.strictEqual(new Set(ids).size, ids.length);
    });

    it("has the ids Microsoft publishes for the roles the components grant", () => {
        // learn.microsoft.com/azure/role-based-access-control/built-in-roles, ID column.
        assert.strictEqual(BUILT_IN_ROLES.AcrPull, "7f951dda-4ed3-4680-a7ca-43fe172d538d");
        assert.strictEqual(BUILT_IN_ROLES.AcrPush, "8311e382-0749-4cb8-b61a-304f252e45ec");
        assert.strictEqual(BUILT_IN_ROLES["Container Registry Repository Reader"], "b93aa761-3e63-49ed-ac28-beffa264f7ac");
        assert.strictEqual(BUILT_IN_ROLES["Container Registry Repository Writer"], "2a1e307c-b015-4ebd-883e-5b7698a07328");
        assert.strictEqual(BUILT_IN_ROLES["Azure Kubernetes Service RBAC Cluster Admin"], "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b");
        assert.strictEqual(BUILT_IN_ROLES["Storage Blob Data Contributor"], "ba92f5b4-2d11-453d-a403-e96b0029c9fe");
        assert.strictEqual(BUILT_IN_ROLES["Role Based Access Control Administrator"], "f58310d9-a9f6-439a-9e8d-f62e7b41a168");
        assert.strictEqual(BUILT_IN_ROLES["Azure Kubernetes Service Cluster Admin Role"], "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8");
        assert.strictEqual(BUILT_IN_ROLES["Azure Kubernetes Service Contributor Role"], "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8");
    });

    it("counts every role that grants roles or bypasses Azure RBAC for Kubernetes as privileged", () => {
        const privileged: BuiltInRoleName[] = [
            "Owner",
            "Contributor",
            "User Access Administrator",
            "Role Based Access Control Administrator",
            "Azure Kubernetes Service Cluster Admin Role",
            "Azure Kubernetes Service Contributor Role",
        ];
        assert.deepStrictEqual([...PRIVILEGED_ROLE_IDS].sort(), privileged.map((name) => BUILT_IN_ROLES[name]).sort());
    });
});

describe("roles: assignRole's principal type", () => {
    const principalId = "3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d";
    const grant = async (principalType?: "ServicePrincipal") =>
        one(
            (await runUnderMocks(() => assignRole("grant", SCOPE, { roleDefinitionIdOrName: "AcrPull", principalId, principalType }, {}))).resources,
            TYPES.roleAssignment,
        );

    it("leaves principalType out of the request when unset, so azure-native's default \"User\" is not sent and ARM infers it", async () => {
        const inputs = (await grant()).inputs;
        assert.strictEqual(inputs.principalType, undefined);
        assert.ok(!("principalType" in inputs), JSON.stringify(inputs));
        assert.strictEqual(inputs.principalId, principalId);
    });

    it("sends the principal type when given", async () => {
        assert.strictEqual((await grant("ServicePrincipal")).inputs.principalType, "ServicePrincipal");
    });
});

describe("roles: resolveRoleId", () => {
    it("accepts a built-in name, a GUID in any case, and a role definition id with or without subscription", () => {
        const id = BUILT_IN_ROLES.AcrPull;
        assert.strictEqual(resolveRoleId("AcrPull"), id);
        assert.strictEqual(resolveRoleId(id.toUpperCase()), id);
        assert.strictEqual(resolveRoleId(`/providers/Microsoft.Authorization/roleDefinitions/${id}`), id);
        assert.strictEqual(resolveRoleId(`/subscriptions/5a9c7e12-3d4f-4b8a-9e61-2f0c8d7b3a45/providers/Microsoft.Authorization/roleDefinitions/${id}`), id);
    });

    it("round-trips every built-in name through roleNameOf", () => {
        for (const name of Object.keys(BUILT_IN_ROLES) as BuiltInRoleName[]) {
            assert.strictEqual(roleNameOf(resolveRoleId(name)), name);
        }
    });

    it("rejects anything else, listing the accepted forms", () => {
        for (const bad of ["acrpull", "Acr Pull", "7f951dda-4ed3-4680-a7ca-43fe172d538", "/providers/Microsoft.Authorization/roleDefinitions/AcrPull", "toString"]) {
            assert.throws(
                () => resolveRoleId(bad),
                (e: Error) =>
                    e.message ===
                    `role "${bad}" is neither a built-in role name known to credless-aks (${Object.keys(BUILT_IN_ROLES).join(", ")}) ` +
                        "nor a role definition id (a GUID or /providers/Microsoft.Authorization/roleDefinitions/<GUID>)",
            );
        }
    });
});

describe("roles: roleAssignmentName", () => {
    it("is a valid name-based GUID, the same for the same triple", () => {
        fc.assert(
            fc.property(scope, fc.uuid(), fc.constantFrom(...Object.values(BUILT_IN_ROLES)), (s, principal, role) => {
                const name = roleAssignmentName(s, principal, role);
                assert.match(name, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
                assert.strictEqual(roleAssignmentName(s, principal, role), name);
            }),
        );
    });

    it("ignores case, as ARM ids and GUIDs do", () => {
        fc.assert(
            fc.property(scope, fc.uuid(), (s, principal) => {
                assert.strictEqual(
                    roleAssignmentName(s.toUpperCase(), principal.toUpperCase(), BUILT_IN_ROLES.AcrPull.toUpperCase()),
                    roleAssignmentName(s, principal, BUILT_IN_ROLES.AcrPull),
                );
            }),
        );
    });

    it("differs when scope, principal or role differ", () => {
        fc.assert(
            fc.property(scope, scope, fc.uuid(), fc.uuid(), (s1, s2, p1, p2) => {
                fc.pre(s1.toLowerCase() !== s2.toLowerCase() && p1 !== p2);
                const base = roleAssignmentName(s1, p1, BUILT_IN_ROLES.AcrPull);
                assert.notStrictEqual(roleAssignmentName(s2, p1, BUILT_IN_ROLES.AcrPull), base);
                assert.notStrictEqual(roleAssignmentName(s1, p2, BUILT_IN_ROLES.AcrPull), base);
                assert.notStrictEqual(roleAssignmentName(s1, p1, BUILT_IN_ROLES.AcrPush), base);
            }),
        );
    });

    it("is stable across releases (a changed name would re-create every assignment)", () => {
        assert.strictEqual(
            roleAssignmentName(SCOPE, "0c6e1f4a-92b3-4d57-8a1e-7b3c5d9f2e60", BUILT_IN_ROLES.AcrPull),
            roleAssignmentName(SCOPE.toLowerCase(), "0C6E1F4A-92B3-4D57-8A1E-7B3C5D9F2E60", BUILT_IN_ROLES.AcrPull),
        );
        assert.strictEqual(roleAssignmentName(SCOPE, "0c6e1f4a-92b3-4d57-8a1e-7b3c5d9f2e60", BUILT_IN_ROLES.AcrPull), PINNED_NAME);
    });
});

describe("roles: scope helpers", () => {
    it("qualifies the role definition id with the scope's subscription", () => {
        assert.strictEqual(
            roleDefinitionResourceId(SCOPE, BUILT_IN_ROLES.AcrPull),
            "/subscriptions/5a9c7e12-3d4f-4b8a-9e61-2f0c8d7b3a45/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
        );
    });

    it("rejects a scope outside a subscription", () => {
        assert.throws(
            () => subscriptionOfScope("/providers/Microsoft.Management/managementGroups/mg"),
            (e: Error) => e.message === 'scope "/providers/Microsoft.Management/managementGroups/mg" is not an ARM resource id under a subscription (/subscriptions/<id>/...)',
        );
    });
});

describe("roles: registry grants by permissions mode", () => {
    it("registryDataRole: AcrPull and AcrPush in RBAC mode, the repository reader and writer in ABAC mode", () => {
        const table: [Parameters<typeof registryDataRole>, BuiltInRoleName][] = [
            [["pull", false], "AcrPull"],
            [["push", false], "AcrPush"],
            [["pull", true], "Container Registry Repository Reader"],
            [["push", true], "Container Registry Repository Writer"],
        ];
        for (const [args, role] of table) {
            assert.strictEqual(registryDataRole(...args), role, JSON.stringify(args));
        }
    });

    it("registryScopedRole: in ABAC mode AcrPull and AcrPush, by name or id, become the repository roles; anything else is kept as given", () => {
        const pullId = `/subscriptions/5a9c7e12-3d4f-4b8a-9e61-2f0c8d7b3a45/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.AcrPull.toUpperCase()}`;
        const table: [string, boolean, string][] = [
            ["AcrPull", true, "Container Registry Repository Reader"],
            ["AcrPush", true, "Container Registry Repository Writer"],
            [BUILT_IN_ROLES.AcrPush, true, "Container Registry Repository Writer"],
            [pullId, true, "Container Registry Repository Reader"],
            ["Reader", true, "Reader"],
            ["Container Registry Repository Reader", true, "Container Registry Repository Reader"],
            ["not a role", true, "not a role"],
            ["AcrPull", false, "AcrPull"],
            [BUILT_IN_ROLES.AcrPush, false, BUILT_IN_ROLES.AcrPush],
        ];
        for (const [role, abac, expected] of table) {
            assert.strictEqual(registryScopedRole(role, abac), expected, `${role}, abac ${abac}`);
        }
    });
});

describe("roles: roleIdOf and roleLabel, for messages about recorded assignments", () => {
    it("takes the GUID at the end of a role definition id, lower case", () => {
        assert.strictEqual(roleIdOf("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/7F951DDA-4ED3-4680-A7CA-43FE172D538D"), BUILT_IN_ROLES.AcrPull);
        assert.strictEqual(roleIdOf("7F951DDA-4ED3-4680-A7CA-43FE172D538D"), BUILT_IN_ROLES.AcrPull);
    });
    it("names a built-in role, and shows any other id as it is", () => {
        assert.strictEqual(roleLabel(BUILT_IN_ROLES.AcrPull), "AcrPull");
        assert.strictEqual(roleLabel("00000000-0000-0000-0000-00000000abcd"), "00000000-0000-0000-0000-00000000abcd");
    });
});
