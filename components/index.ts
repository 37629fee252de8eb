/**
 * The library's public surface: the components, their argument and output
 * types, and the few helpers meant for users. Everything else in components/
 * (validation rules, naming helpers, constants) is internal and may change in
 * any release; the stack, the commands and the tests import it from its own
 * file. tests/publicSurface.test.ts pins this list, so that a change to it is
 * deliberate.
 */
export { AksCluster } from "./aksCluster";
export type {
    AksClusterArgs,
    AksDeployerArgs,
    AksMaintenanceWindowArgs,
    AksNodePoolArgs,
    AutoUpgradeChannel,
    ClusterTier,
    NetworkPolicy,
    NodeOsUpgradeChannel,
    WeekDay,
} from "./aksCluster";
export type { KubeloginMode } from "./kubeconfig";

export { ContainerRegistry } from "./containerRegistry";
export type { ContainerRegistryArgs, RegistryGrantOptions, RegistrySku } from "./containerRegistry";

export { ExistingAksCluster, readExistingCluster } from "./existingAksCluster";
export type { ExistingAksClusterArgs, ExistingClusterFacts } from "./existingAksCluster";
export { ExistingContainerRegistry, readExistingRegistry } from "./existingContainerRegistry";
export type { ExistingContainerRegistryArgs, ExistingRegistryFacts } from "./existingContainerRegistry";
export { ExternalClusterRegistryPull } from "./externalClusterRegistryPull";
export type { ExternalClusterRegistry, ExternalClusterRegistryPullArgs } from "./externalClusterRegistryPull";

export { GitHubActionsIdentity } from "./gitHubActionsIdentity";
export type { GitHubActionsIdentityArgs, GitHubActionsRepository } from "./gitHubActionsIdentity";
export type { GitHubSubjectFormat, GitHubTrigger } from "./subjects";

export { GitHubDeploymentSecrets } from "./gitHubDeploymentSecrets";
export type { GitHubDeploymentSecretsArgs, SecretScope } from "./gitHubDeploymentSecrets";
export { GitHubDeploymentBranchPolicy } from "./gitHubDeploymentBranchPolicy";
export type { GitHubDeploymentBranchPolicyArgs } from "./gitHubDeploymentBranchPolicy";
export { deploymentBranchPolicySetting } from "./deploymentPatterns";
export type { DeploymentRefPatterns } from "./deploymentPatterns";
export { GITHUB_SECRET_NAMES, GITHUB_VARIABLE_NAMES } from "./githubConstants";
export type { GitHubSecretName, GitHubVariableName } from "./githubConstants";

export { WorkloadIdentityServiceAccount } from "./workloadIdentityServiceAccount";
export type { WorkloadFederation, WorkloadIdentityServiceAccountArgs, WorkloadRoleAssignment } from "./workloadIdentityServiceAccount";
export type { PodTemplateSnippet, WorkloadIdentityType } from "./workloadIdentityNaming";
export type { ApiPermissionRequest } from "./apiPermissions";

export { assignRole, BUILT_IN_ROLES } from "./roles";
export type { BuiltInRoleName, PrincipalType, RoleAssignmentSpec } from "./roles";

export { PipelineIdentity } from "./pipelineIdentity";
export type { PipelineIdentityArgs, PipelineIdentityKind, PipelineRoleAssignment } from "./pipelineIdentity";
export { GitHubAppKeyVault } from "./gitHubAppKeyVault";
export type { GitHubAppKeyVaultArgs, KeyVaultSecretReader } from "./gitHubAppKeyVault";
export { GitHubPipelineEnvironment } from "./gitHubPipelineEnvironment";
export type { GitHubPipelineEnvironmentArgs } from "./gitHubPipelineEnvironment";
export { graphAppRole } from "./graphAppRoles";
export type { ResolvedAppRole } from "./graphAppRoles";
export { constrainRolesCondition } from "./rbacCondition";
