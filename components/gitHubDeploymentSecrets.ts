import * as pulumi from "@pulumi/pulumi";
import * as github from "@pulumi/github";
import { ArgumentProblems } from "./argumentProblems";
import { deploymentBranchPolicySetting, deploymentPatternProblems } from "./deploymentPatterns";
import { GitHubDeploymentBranchPolicy } from "./gitHubDeploymentBranchPolicy";
import { GITHUB_SECRET_NAMES, GITHUB_VARIABLE_NAMES, GitHubSecretName, GitHubVariableName } from "./githubConstants";
import { parseGitHubTrigger } from "./subjects";
import { githubRepositoryNameRule } from "./validation";

/** Where the secrets go: a GitHub environment (one per stack) or the repository itself. */
export const SECRET_SCOPES = ["environment", "repository"] as const;
export type SecretScope = (typeof SECRET_SCOPES)[number];

/**
 * Required reviewers of one environment: at most 6 users and teams together.
 * Source: docs.github.com/actions/reference/workflows-and-actions/deployments-and-environments#required-reviewers
 */
export const MAX_ENVIRONMENT_REVIEWERS = 6;

export interface GitHubDeploymentSecretsArgs {
    /** Required. The repository name (without owner: the GitHub provider's owner is the account). */
    repository: string;
    /**
     * Optional. "environment" creates the GitHub environment and writes
     * environment secrets and variables, so stacks never overwrite each
     * other; "repository" writes repository secrets and variables, for
     * single-environment setups. Defaults to "environment".
     */
    scope?: SecretScope;
    /** Optional. The GitHub environment to create and write to; required with scope "environment", refused with "repository". */
    environmentName?: string;
    /**
     * Optional. GitHub user and team ids of whom one must approve each job
     * that uses the environment (at most 6 together). Defaults to none.
     */
    reviewers?: { userIds?: number[]; teamIds?: number[] };
    /**
     * Optional. Branch name patterns that alone may deploy to the environment
     * (e.g. ["main"]), through GitHub's custom deployment branch policies,
     * which hold whether or not the repository has branch protection rules.
     * Defaults to none: with neither these nor deploymentTags, every branch
     * and tag may deploy.
     */
    deploymentBranches?: string[];
    /** Optional. Tag name patterns that may deploy to the environment (e.g. ["v*"]). Defaults to none. */
    deploymentTags?: string[];
    /** Optional. Reviewers may not approve jobs they triggered themselves. Defaults to false, GitHub's default. */
    preventSelfReview?: boolean;
    /** Optional. Repository admins may bypass the environment's protection rules. Defaults to true, GitHub's default. */
    canAdminsBypass?: boolean;
    /** Required. The value of every secret in GITHUB_SECRET_NAMES: outputs of the created resources, never config copies. */
    secrets: Record<GitHubSecretName, pulumi.Input<string>>;
    /** Required. The value of every variable in GITHUB_VARIABLE_NAMES: outputs of the created resources. */
    variables: Record<GitHubVariableName, pulumi.Input<string>>;
    /** Optional. The GitHub provider (configured with the repository's owner). Defaults to the provider inherited from opts. */
    provider?: github.Provider;
}

/**
 * What the workflows read, written to GitHub: the `azure/login` secrets and
 * the registry login server as secrets, the cluster's name and resource
 * group as variables, in a GitHub environment (created here, with optional
 * reviewers and the branches and tags that may deploy) or in the repository.
 */
export class GitHubDeploymentSecrets extends pulumi.ComponentResource {
    readonly scope: SecretScope;
    /** The GitHub environment written to; undefined in repository scope. */
    readonly environmentName: pulumi.Output<string | undefined>;
    readonly secretNames: GitHubSecretName[];
    readonly variableNames: GitHubVariableName[];

    constructor(name: string, args: GitHubDeploymentSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:github:GitHubDeploymentSecrets", name, {}, opts);

        const scope = args.scope ?? "environment";
        const userIds = args.reviewers?.userIds ?? [];
        const teamIds = args.reviewers?.teamIds ?? [];
        const deploymentPatterns = { branches: args.deploymentBranches ?? [], tags: args.deploymentTags ?? [] };

        const problems = new ArgumentProblems("GitHubDeploymentSecrets", name);
        this.problems(args, scope, userIds.length + teamIds.length).forEach((p) => problems.add(p));
        problems.throwIfAny(this);

        // A replacement that kept the same repository, environment and name would
        // otherwise write the new secret first and then delete it with the old one.
        const childOpts = { parent: this, provider: args.provider, deleteBeforeReplace: true };
        const resourceName = (key: string) => `${name}-${key.toLowerCase().replace(/_/g, "-")}`;

        if (scope === "environment" && args.environmentName !== undefined) {
            const environment = new github.RepositoryEnvironment(
                `${name}-environment`,
                {
                    repository: args.repository,
                    environment: args.environmentName,
                    reviewers:
                        userIds.length + teamIds.length > 0
                            ? [{ users: userIds.length > 0 ? userIds : undefined, teams: teamIds.length > 0 ? teamIds : undefined }]
                            : undefined,
                    deploymentBranchPolicy: deploymentBranchPolicySetting(deploymentPatterns),
                    preventSelfReview: args.preventSelfReview,
                    canAdminsBypass: args.canAdminsBypass,
                },
                { parent: this, provider: args.provider },
            );
            if (deploymentBranchPolicySetting(deploymentPatterns)) {
                new GitHubDeploymentBranchPolicy(
                    `${name}-deployment-refs`,
                    { repository: environment.repository, environment: environment.environment, ...deploymentPatterns, provider: args.provider },
                    { parent: this },
                );
            }
            for (const secretName of GITHUB_SECRET_NAMES) {
                new github.ActionsEnvironmentSecret(
                    resourceName(secretName),
                    {
                        repository: environment.repository,
                        environment: environment.environment,
                        secretName,
                        value: pulumi.secret(args.secrets[secretName]),
                    },
                    childOpts,
                );
            }
            for (const variableName of GITHUB_VARIABLE_NAMES) {
                new github.ActionsEnvironmentVariable(
                    resourceName(variableName),
                    { repository: environment.repository, environment: environment.environment, variableName, value: args.variables[variableName] },
                    childOpts,
                );
            }
            this.environmentName = environment.environment;
        } else {
            for (const secretName of GITHUB_SECRET_NAMES) {
                new github.ActionsSecret(
                    resourceName(secretName),
                    { repository: args.repository, secretName, value: pulumi.secret(args.secrets[secretName]) },
                    childOpts,
                );
            }
            for (const variableName of GITHUB_VARIABLE_NAMES) {
                new github.ActionsVariable(
                    resourceName(variableName),
                    { repository: args.repository, variableName, value: args.variables[variableName] },
                    childOpts,
                );
            }
            this.environmentName = pulumi.output(undefined);
        }

        this.scope = scope;
        this.secretNames = [...GITHUB_SECRET_NAMES];
        this.variableNames = [...GITHUB_VARIABLE_NAMES];
        this.registerOutputs({
            scope: this.scope,
            environmentName: this.environmentName,
            secretNames: this.secretNames,
            variableNames: this.variableNames,
        });
    }

    private problems(args: GitHubDeploymentSecretsArgs, scope: string, reviewerCount: number): string[] {
        const problems: string[] = [];
        const repositoryRule = githubRepositoryNameRule(args.repository);
        if (repositoryRule) {
            problems.push(
                `repository is ${JSON.stringify(args.repository)}: ${repositoryRule}${args.repository.includes("/") ? ' (the name alone: the owner is the GitHub provider\'s "owner")' : ""}`,
            );
        }
        if (!(SECRET_SCOPES as readonly string[]).includes(scope)) {
            problems.push(`scope is ${JSON.stringify(scope)}: must be one of ${SECRET_SCOPES.join(", ")}`);
        }
        if (scope === "environment") {
            if (args.environmentName === undefined) {
                problems.push('environmentName is missing: it is required with scope "environment"');
            } else if ("error" in parseGitHubTrigger(`environment:${args.environmentName}`)) {
                problems.push(
                    `environmentName is ${JSON.stringify(args.environmentName)}: must be 1 to 255 characters without whitespace, ':' or wildcard characters (jobs that use it are trusted by their OIDC subject)`,
                );
            }
            problems.push(...deploymentPatternProblems({ branches: args.deploymentBranches, tags: args.deploymentTags }, { branches: "deploymentBranches", tags: "deploymentTags" }));
            const given = [args.deploymentBranches, args.deploymentTags].filter((list) => list !== undefined);
            if (given.length > 0 && given.every((list) => list.length === 0)) {
                problems.push("deploymentBranches and deploymentTags list no pattern: leave them out to let every branch deploy, or list at least one");
            }
            if (reviewerCount > MAX_ENVIRONMENT_REVIEWERS) {
                problems.push(`reviewers lists ${reviewerCount} users and teams: GitHub allows at most ${MAX_ENVIRONMENT_REVIEWERS} required reviewers on an environment`);
            }
        } else if (scope === "repository") {
            const environmentOnly = [
                ["environmentName", args.environmentName !== undefined],
                ["reviewers", reviewerCount > 0],
                ["deploymentBranches", args.deploymentBranches !== undefined],
                ["deploymentTags", args.deploymentTags !== undefined],
                ["preventSelfReview", args.preventSelfReview !== undefined],
                ["canAdminsBypass", args.canAdminsBypass !== undefined],
            ] as const;
            for (const [key, set] of environmentOnly) {
                if (set) {
                    problems.push(`${key} is set with scope "repository": it configures a GitHub environment, which this scope does not create`);
                }
            }
        }
        if ((args as { protectedBranches?: unknown }).protectedBranches !== undefined) {
            problems.push(
                `protectedBranches is ${JSON.stringify((args as { protectedBranches?: unknown }).protectedBranches)}: it is no longer supported, because GitHub lets every branch deploy when the repository has no branch protection rule; list the branches that may deploy in deploymentBranches (e.g. ["main"]) instead`,
            );
        }
        const checkNames = (key: string, given: Record<string, unknown>, expected: readonly string[]) => {
            for (const missing of expected.filter((n) => given[n] === undefined)) {
                problems.push(`${key}.${missing} is missing: every one of ${expected.join(", ")} is required`);
            }
            for (const unknown of Object.keys(given).filter((n) => !expected.includes(n))) {
                problems.push(`${key}.${unknown} is not a known name: expected one of ${expected.join(", ")} (githubConstants.ts holds the one list)`);
            }
        };
        checkNames("secrets", args.secrets, GITHUB_SECRET_NAMES);
        checkNames("variables", args.variables, GITHUB_VARIABLE_NAMES);
        return problems;
    }
}
