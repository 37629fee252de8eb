/**
 * The library's public surface, pinned: every name components/index.ts
 * exports is a semver promise, so adding or removing one must be a
 * deliberate change to this list too.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const INDEX = path.join(__dirname, "..", "components", "index.ts");

/** The names a consumer can import at run time. */
const VALUES = [
    "AksCluster",
    "BUILT_IN_ROLES",
    "ContainerRegistry",
    "ExistingAksCluster",
    "ExistingContainerRegistry",
    "ExternalClusterRegistryPull",
    "GITHUB_SECRET_NAMES",
    "GITHUB_VARIABLE_NAMES",
    "GitHubActionsIdentity",
    "GitHubAppKeyVault",
    "GitHubDeploymentBranchPolicy",
    "GitHubDeploymentSecrets",
    "GitHubPipelineEnvironment",
    "PipelineIdentity",
    "WorkloadIdentityServiceAccount",
    "assignRole",
    "deploymentBranchPolicySetting",
    "readExistingCluster",
    "readExistingRegistry",
    "constrainRolesCondition",
    "graphAppRole",
];

/** The types a consumer can import: the components' arguments, and the types those arguments and outputs use. */
const TYPES = [
    "AksClusterArgs",
    "AksDeployerArgs",
    "AksMaintenanceWindowArgs",
    "AksNodePoolArgs",
    "ApiPermissionRequest",
    "AutoUpgradeChannel",
    "BuiltInRoleName",
    "ClusterTier",
    "ContainerRegistryArgs",
    "DeploymentRefPatterns",
    "ExistingAksClusterArgs",
    "ExistingClusterFacts",
    "ExistingContainerRegistryArgs",
    "ExistingRegistryFacts",
    "ExternalClusterRegistry",
    "ExternalClusterRegistryPullArgs",
    "GitHubActionsIdentityArgs",
    "GitHubActionsRepository",
    "GitHubAppKeyVaultArgs",
    "GitHubDeploymentBranchPolicyArgs",
    "GitHubDeploymentSecretsArgs",
    "GitHubPipelineEnvironmentArgs",
    "GitHubSecretName",
    "GitHubSubjectFormat",
    "GitHubTrigger",
    "GitHubVariableName",
    "KeyVaultSecretReader",
    "KubeloginMode",
    "NetworkPolicy",
    "NodeOsUpgradeChannel",
    "PipelineIdentityArgs",
    "PipelineIdentityKind",
    "PipelineRoleAssignment",
    "PodTemplateSnippet",
    "PrincipalType",
    "RegistryGrantOptions",
    "RegistrySku",
    "ResolvedAppRole",
    "RoleAssignmentSpec",
    "SecretScope",
    "WeekDay",
    "WorkloadFederation",
    "WorkloadIdentityServiceAccountArgs",
    "WorkloadIdentityType",
    "WorkloadRoleAssignment",
];

/** The export specifiers of components/index.ts, parsed (not type-checked), split into values and types. */
function declaredExports(): { values: string[]; types: string[]; wildcards: number } {
    const source = ts.createSourceFile(INDEX, fs.readFileSync(INDEX, "utf8"), ts.ScriptTarget.ES2022, true);
    const values: string[] = [];
    const types: string[] = [];
    let wildcards = 0;
    for (const statement of source.statements) {
        if (!ts.isExportDeclaration(statement)) {
            continue;
        }
        if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) {
            wildcards++;
            continue;
        }
        for (const element of statement.exportClause.elements) {
            (statement.isTypeOnly || element.isTypeOnly ? types : values).push(element.name.text);
        }
    }
    return { values: values.sort(), types: types.sort(), wildcards };
}

const sorted = (names: string[]) => [...names].sort();

describe("library: the public surface of components/index.ts", () => {
    it("names every export: no `export *`, which would make every helper of a file public", () => {
        assert.strictEqual(declaredExports().wildcards, 0);
    });

    it("exports exactly the pinned values, at run time too", () => {
        assert.deepStrictEqual(declaredExports().values, sorted(VALUES));
        assert.deepStrictEqual(Object.keys(require("../components")).sort(), sorted(VALUES));
    });

    it("exports exactly the pinned types", () => {
        assert.deepStrictEqual(declaredExports().types, sorted(TYPES));
    });

    it("exports every component with its Args type", () => {
        const components = VALUES.filter((v) => /^[A-Z][a-z]/.test(v));
        for (const component of components) {
            assert.ok(TYPES.includes(`${component}Args`), `${component}Args`);
        }
    });
});
