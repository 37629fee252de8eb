import * as assert from "assert";
import { keyVaultNameRule, keyVaultSecretNameRule } from "../components/gitHubAppKeyVault";
import { graphAppRoleId } from "../components/graphAppRoles";
import { pipelineRoleRule } from "../components/pipelineIdentity";
import { constrainedRoles, constrainRolesCondition, rbacAdministratorConditionRule } from "../components/rbacCondition";
import { BUILT_IN_ROLES } from "../components/roles";
import { scopesOverlap, subjectContext } from "../policy/pipelinePolicies";

const READER = BUILT_IN_ROLES.Reader;
const ACR_PULL = BUILT_IN_ROLES.AcrPull;

describe("rbacCondition", () => {
    it("round-trips the roles through the condition text, lower-cased", () => {
        const condition = constrainRolesCondition([READER.toUpperCase(), ACR_PULL]);
        assert.deepStrictEqual(constrainedRoles(condition), { write: [READER, ACR_PULL], delete: [READER, ACR_PULL] });
    });
    it("refuses an empty role list", () => {
        assert.throws(() => constrainRolesCondition([]), /roleIds is \[\]: a role-constraining condition needs at least one role/);
    });
    const unsafe: [string, string | undefined, string][] = [
        ["no condition", undefined, "must carry a condition that limits both roleAssignments/write and roleAssignments/delete to listed roles (constrainRolesCondition)"],
        ["only the write half", constrainRolesCondition([READER]).split(" AND ")[0], "must carry a condition that limits both roleAssignments/write and roleAssignments/delete to listed roles (constrainRolesCondition)"],
        ["an OR that opens it again", `${constrainRolesCondition([READER])} OR (true)`, "must carry a condition that limits both roleAssignments/write and roleAssignments/delete to listed roles (constrainRolesCondition)"],
        ["a privileged role listed", constrainRolesCondition([READER, BUILT_IN_ROLES["User Access Administrator"]]), `lets its holder assign the privileged role ${BUILT_IN_ROLES["User Access Administrator"]}`],
    ];
    for (const [what, condition, rule] of unsafe) {
        it(`calls ${what} unsafe`, () => assert.strictEqual(rbacAdministratorConditionRule(condition), rule));
    }
    it("accepts the stack's non-privileged roles", () => assert.strictEqual(rbacAdministratorConditionRule(constrainRolesCondition([READER, ACR_PULL])), undefined));
});

describe("pipelineRoleRule", () => {
    const cases: [string, string | undefined, string | undefined][] = [
        ["Contributor", undefined, undefined],
        ["Reader", undefined, undefined],
        ["Owner", undefined, "is never granted to a pipeline identity (Owner, User Access Administrator, Azure Kubernetes Service Cluster Admin Role, Azure Kubernetes Service Contributor Role): it could grant itself anything or bypass Azure RBAC"],
        [BUILT_IN_ROLES["User Access Administrator"], undefined, "is never granted to a pipeline identity (Owner, User Access Administrator, Azure Kubernetes Service Cluster Admin Role, Azure Kubernetes Service Contributor Role): it could grant itself anything or bypass Azure RBAC"],
        ["Role Based Access Control Administrator", constrainRolesCondition([READER]), undefined],
        ["Super Admin", undefined, undefined],
    ];
    for (const [role, condition, rule] of cases) {
        it(`${role}${condition ? " with a condition" : ""}`, () => {
            const got = pipelineRoleRule(role, condition);
            if (role === "Super Admin") {
                assert.match(got ?? "", /^is neither a built-in role name known to credless-aks/);
            } else {
                assert.strictEqual(got, rule);
            }
        });
    }
});

describe("graphAppRoleId", () => {
    const roles = [
        { id: "a", value: "Application.Read.All", allowedMemberTypes: ["Application"], enabled: true },
        { id: "b", value: "Application.ReadWrite.OwnedBy", allowedMemberTypes: ["Application"], enabled: true },
        { id: "c", value: "User.Read", allowedMemberTypes: ["User"], enabled: true },
        { id: "d", value: "Old.Permission", allowedMemberTypes: ["Application"], enabled: false },
    ];
    it("finds the id by value", () => assert.strictEqual(graphAppRoleId(roles, "Application.ReadWrite.OwnedBy"), "b"));
    it("throws apiPermissions' message for a missing, delegated-only or disabled permission", () => {
        assert.throws(() => graphAppRoleId(roles, "Application.ReadWrite.Owned"), /^Error: Microsoft Graph publishes no application permission "Application.ReadWrite.Owned"; close matches: /);
        assert.throws(() => graphAppRoleId(roles, "User.Read"), /Microsoft Graph publishes no application permission "User.Read"/);
        assert.throws(() => graphAppRoleId(roles, "Old.Permission"), { message: `Microsoft Graph's application permission "Old.Permission" (d) is disabled and cannot be granted` });
    });
});

describe("pipeline policy helpers", () => {
    it("reads the environment or pull request out of a GitHub subject", () => {
        assert.deepStrictEqual(subjectContext("repo:o/r:environment:infra-prod-plan"), { kind: "environment", environment: "prod" });
        assert.deepStrictEqual(subjectContext("repo:o@1/r@2:environment:infra-dev"), { kind: "environment", environment: "dev" });
        assert.deepStrictEqual(subjectContext("repo:o/r:environment:prod"), { kind: "environment", environment: "prod" });
        assert.deepStrictEqual(subjectContext("repo:o/r:pull_request"), { kind: "pull_request" });
        assert.strictEqual(subjectContext("repo:o/r:ref:refs/heads/main"), undefined);
        // Custom templates: the context among other claims.
        assert.deepStrictEqual(subjectContext("repository_owner:o:environment:infra-prod:job_workflow_ref:o/r/.github/workflows/d.yml@refs/heads/main"), { kind: "environment", environment: "prod" });
        assert.deepStrictEqual(subjectContext("repo:o/r:pull_request:job_workflow_ref:o/r/.github/workflows/p.yml@refs/heads/main"), { kind: "pull_request" });
    });
    it("overlaps scopes that contain one another, case-insensitively, and no others", () => {
        assert.ok(scopesOverlap("/subscriptions/S", "/subscriptions/s/resourceGroups/rg"));
        assert.ok(scopesOverlap("/subscriptions/s/resourceGroups/RG/providers/x", "/subscriptions/s/resourcegroups/rg"));
        assert.ok(!scopesOverlap("/subscriptions/s/resourceGroups/rg-dev", "/subscriptions/s/resourceGroups/rg-dev2"));
        assert.ok(!scopesOverlap("/subscriptions/a", "/subscriptions/ab"));
    });
    it("checks Key Vault and secret names", () => {
        assert.strictEqual(keyVaultNameRule("kv-contoso-1"), undefined);
        for (const bad of ["kv", "1kv", "kv--x", "kv-", "a".repeat(25)]) {
            assert.ok(keyVaultNameRule(bad), bad);
        }
        assert.strictEqual(keyVaultSecretNameRule("github-app-key-dev"), undefined);
        assert.strictEqual(keyVaultSecretNameRule("github_app"), "must be 1 to 127 letters, digits or '-'");
    });
});
