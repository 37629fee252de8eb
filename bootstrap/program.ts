/**
 * The pipeline's own identities, per environment, from the validated
 * bootstrap config: a plan-time identity (read-only, trusted by jobs in
 * infra-<env>-plan) and an apply-time identity (Contributor plus a
 * role-constrained RBAC Administrator at the environment's scope, Graph's
 * Application.ReadWrite.OwnedBy, trusted by jobs in infra-<env>), the GitHub
 * environments holding their ids, and the Key Vault for the GitHub App's key.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azureNative from "@pulumi/azure-native";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as githubSdk from "@pulumi/github";
import { GitHubAppKeyVault } from "../components/gitHubAppKeyVault";
import { GitHubPipelineEnvironment } from "../components/gitHubPipelineEnvironment";
import { githubProviderArgs } from "../components/githubProvider";
import { APPLICATION_READWRITE_OWNEDBY, graphAppRole } from "../components/graphAppRoles";
import { PipelineIdentity } from "../components/pipelineIdentity";
import { PulumiCloudPipelineAccess } from "../components/pulumiCloudPipelineAccess";
import {
    githubAppKeySecretName,
    INFRA_APPLY_SECRET_NAMES,
    INFRA_APPLY_VARIABLE_NAMES,
    INFRA_PLAN_SECRET_NAMES,
    infraEnvironmentName,
    PULUMI_TEAM_VARIABLE,
    infraPlanEnvironmentName,
} from "../components/pipelineNames";
import { constrainRolesCondition } from "../components/rbacCondition";
import { BUILT_IN_ROLES, PRIVILEGED_ROLE_IDS } from "../components/roles";
import { StackEnvironment } from "../stack/program";
import { ResolvedGitHub } from "../stack/githubPreflight";
import { BootstrapConfig, environmentScope } from "./config";

/**
 * The roles the apply-time identity may assign and remove: every built-in
 * role the stack grants (components/roles.ts) that is not privileged.
 */
export const STACK_ASSIGNABLE_ROLE_IDS: readonly string[] = Object.values(BUILT_IN_ROLES).filter((id) => !PRIVILEGED_ROLE_IDS.includes(id));

/** Read-only roles of the plan-time identity: Azure resources, the cluster's user kubeconfig, Kubernetes objects (docs/ci-identity.md). */
export const PLAN_ROLES = ["Reader", "Azure Kubernetes Service Cluster User Role", "Azure Kubernetes Service RBAC Reader"] as const;

export interface BootstrapEnvironmentOutput {
    scope: string;
    planEnvironment: string;
    applyEnvironment: string;
    planClientId: pulumi.Output<string>;
    applyClientId: pulumi.Output<string>;
    planSubjects: pulumi.Output<string[]>;
    applySubjects: pulumi.Output<string[]>;
    /** The one-time upload of this environment's GitHub App private key (docs/ci-identity.md). */
    uploadKeyCommand: pulumi.Output<string>;
}

export function createBootstrap(config: BootstrapConfig, env: StackEnvironment, github: ResolvedGitHub) {
    const tags = { project: "credless-aks", "managed-by": "pulumi", purpose: "pipeline identities", repository: config.repository };
    const group = new resources.ResourceGroup("pipeline", { resourceGroupName: config.resourceGroupName, location: config.location, tags });
    const graphOwnedBy = graphAppRole(APPLICATION_READWRITE_OWNEDBY);
    const githubProvider = new githubSdk.Provider(
        "github",
        env.githubToken ? githubProviderArgs(github.fullName, env.githubToken, env.githubBaseUrl) : { owner: config.owner, baseUrl: env.githubBaseUrl },
    );
    const [owner, name] = github.fullName.split("/");
    const repository = { owner, name, ownerId: github.ownerId, repositoryId: github.repositoryId };
    const subjects = { subjectFormat: github.subjectFormat, subjectClaimKeys: github.subjectClaimKeys };
    const identityPlacement =
        config.identityKind === "managedIdentity" ? { resourceGroupName: group.name, location: config.location, tags } : {};

    const environments = config.environments.map((e) => {
        const scope = environmentScope(e);
        const scoped: pulumi.Resource[] = [];
        if (e.scope === "resourceGroup") {
            // The environment's subscription may differ from the bootstrap's: its own provider.
            const provider = new azureNative.Provider(`azure-${e.name}`, { subscriptionId: e.subscriptionId, location: config.location });
            scoped.push(
                new resources.ResourceGroup(`${e.name}-resource-group`, { resourceGroupName: e.resourceGroupName, location: config.location, tags: { ...tags, environment: e.name } }, { provider }),
            );
        }
        const plan = new PipelineIdentity(`${e.name}-plan`, {
            kind: config.identityKind,
            identityName: `id-${config.name}-${e.name}-plan`.toLowerCase(),
            ...identityPlacement,
            repository,
            ...subjects,
            triggers: [{ kind: "environment", name: infraPlanEnvironmentName(e.name) }],
            roleAssignments: PLAN_ROLES.map((role) => ({ roleDefinitionIdOrName: role, scope, description: `preview ${e.name}: read` })),
            roleDependsOn: scoped,
        });
        const apply = new PipelineIdentity(`${e.name}-apply`, {
            kind: config.identityKind,
            identityName: `id-${config.name}-${e.name}-apply`.toLowerCase(),
            ...identityPlacement,
            repository,
            ...subjects,
            triggers: [{ kind: "environment", name: infraEnvironmentName(e.name) }],
            roleAssignments: [
                { roleDefinitionIdOrName: "Contributor", scope, description: `pulumi up ${e.name}: create the stack's resources` },
                {
                    roleDefinitionIdOrName: "Role Based Access Control Administrator",
                    scope,
                    condition: constrainRolesCondition(STACK_ASSIGNABLE_ROLE_IDS),
                    description: `pulumi up ${e.name}: assign the stack's non-privileged roles only`,
                },
            ],
            appRoles: [graphOwnedBy],
            roleDependsOn: scoped,
        });
        return { e, scope, plan, apply };
    });

    const vault = new GitHubAppKeyVault("github-app-key", {
        vaultName: config.keyVaultName,
        resourceGroupName: group.name,
        location: config.location,
        tenantId: authorization.getClientConfigOutput().tenantId,
        readers: environments.map(({ e, apply }) => ({ secretName: githubAppKeySecretName(e.name), principalId: apply.principalId, key: `apply-${e.name}` })),
        tags,
    });

    const ids = (identity: PipelineIdentity, names: readonly [string, string, string]) => ({
        [names[0]]: identity.clientId,
        [names[1]]: identity.tenantId,
        [names[2]]: identity.subscriptionId.apply((s) => s ?? ""),
    });
    // Optional: Pulumi Cloud tokens per subject (read-only for previews, one stack for deploys) instead of organization tokens.
    const cloud = config.pulumiCloud
        ? new PulumiCloudPipelineAccess("pulumi-cloud", {
              organization: config.pulumiCloud.organization,
              project: config.pulumiCloud.project,
              environments: environments.map(({ e, plan, apply }) => ({
                  environment: e.name,
                  planSubject: plan.subjects.apply((s) => s[0]),
                  applySubject: apply.subjects.apply((s) => s[0]),
              })),
          })
        : undefined;
    const team = (environment: string, purpose: "preview" | "deploy"): Record<string, string> =>
        cloud ? { [PULUMI_TEAM_VARIABLE]: cloud.teams[environment][purpose] } : {};

    const outputs: Record<string, BootstrapEnvironmentOutput> = {};
    for (const { e, scope, plan, apply } of environments) {
        new GitHubPipelineEnvironment(
            `${e.name}-plan-environment`,
            {
                repository: config.name,
                environmentName: infraPlanEnvironmentName(e.name),
                deploymentBranches: e.planBranches,
                secrets: ids(plan, INFRA_PLAN_SECRET_NAMES),
                variables: team(e.name, "preview"),
                provider: githubProvider,
            },
        );
        const [vaultVariable, secretVariable] = INFRA_APPLY_VARIABLE_NAMES;
        new GitHubPipelineEnvironment(`${e.name}-apply-environment`, {
            repository: config.name,
            environmentName: infraEnvironmentName(e.name),
            deploymentBranches: e.deploymentBranches,
            reviewers: { userIds: e.reviewerUserIds, teamIds: e.reviewerTeamIds },
            secrets: ids(apply, INFRA_APPLY_SECRET_NAMES),
            variables: { [vaultVariable]: vault.vaultName, [secretVariable]: githubAppKeySecretName(e.name), ...team(e.name, "deploy") },
            provider: githubProvider,
        });
        outputs[e.name] = {
            scope,
            planEnvironment: infraPlanEnvironmentName(e.name),
            applyEnvironment: infraEnvironmentName(e.name),
            planClientId: plan.clientId,
            applyClientId: apply.clientId,
            planSubjects: plan.subjects,
            applySubjects: apply.subjects,
            uploadKeyCommand: pulumi.interpolate`az keyvault secret set --vault-name ${vault.vaultName} --name ${githubAppKeySecretName(e.name)} --file <the GitHub App's .pem>`,
        };
    }
    return { resourceGroupName: group.name, keyVaultName: vault.vaultName, environments: outputs };
}
