import * as pulumi from "@pulumi/pulumi";
import * as github from "@pulumi/github";
import { ArgumentProblems } from "./argumentProblems";
import { deploymentBranchPolicySetting, deploymentPatternProblems } from "./deploymentPatterns";
import { GitHubDeploymentBranchPolicy } from "./gitHubDeploymentBranchPolicy";
import { MAX_ENVIRONMENT_REVIEWERS } from "./gitHubDeploymentSecrets";

export interface GitHubPipelineEnvironmentArgs {
    /** Required. The repository name (without owner: the GitHub provider's owner is the account). */
    repository: string;
    /** Required. The environment's name, e.g. "infra-prod". */
    environmentName: string;
    /**
     * Optional. The branches allowed to deploy, as custom branch policies
     * (one RepositoryEnvironmentDeploymentPolicy each; GitHub's fnmatch
     * patterns). Undefined lets any branch deploy. Defaults to undefined.
     */
    deploymentBranches?: string[];
    /** Optional. GitHub user and team ids of whom one must approve each job (at most 6 together). Defaults to none. */
    reviewers?: { userIds?: number[]; teamIds?: number[] };
    /** Optional. Reviewers may not approve jobs they triggered. Defaults to true when there are reviewers. */
    preventSelfReview?: boolean;
    /** Optional. Repository admins may bypass the rules. Defaults to false: the rules hold for everyone. */
    canAdminsBypass?: boolean;
    /** Required. Environment secrets by name: values from resource outputs (ids, not credentials). */
    secrets: Record<string, pulumi.Input<string>>;
    /** Optional. Environment variables by name. Defaults to none. */
    variables?: Record<string, pulumi.Input<string>>;
    /** Optional. The GitHub provider. Defaults to the one inherited from opts. */
    provider?: github.Provider;
}

/**
 * A GitHub environment of this repository's own pipeline: its protection
 * rules (reviewers, deployment branches through custom branch policies,
 * which hold with or without branch protection), and the ids its jobs log
 * in with. Source: docs.github.com/actions/reference/workflows-and-actions/deployments-and-environments
 * ("Deployment branches and tags": "Selected branches and tags").
 */
export class GitHubPipelineEnvironment extends pulumi.ComponentResource {
    readonly environmentName: pulumi.Output<string>;
    readonly secretNames: string[];
    readonly variableNames: string[];

    constructor(name: string, args: GitHubPipelineEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:pipeline:GitHubPipelineEnvironment", name, {}, opts);
        const userIds = args.reviewers?.userIds ?? [];
        const teamIds = args.reviewers?.teamIds ?? [];
        const hasReviewers = userIds.length + teamIds.length > 0;
        const branches = args.deploymentBranches;
        const problems = new ArgumentProblems("GitHubPipelineEnvironment", name);
        if (userIds.length + teamIds.length > MAX_ENVIRONMENT_REVIEWERS) {
            problems.add(`reviewers lists ${userIds.length + teamIds.length} users and teams: GitHub allows at most ${MAX_ENVIRONMENT_REVIEWERS}`);
        }
        deploymentPatternProblems({ branches: branches ?? [], tags: [] }, { branches: "deploymentBranches", tags: "deploymentTags" }).forEach((p) => problems.add(p));
        if (branches !== undefined && branches.length === 0) {
            problems.add("deploymentBranches is []: list at least one branch, or leave it out to let any branch deploy");
        }
        problems.throwIfAny(this);
        const childOpts = { parent: this, provider: args.provider };
        const environment = new github.RepositoryEnvironment(
            `${name}-environment`,
            {
                repository: args.repository,
                environment: args.environmentName,
                reviewers: hasReviewers ? [{ users: userIds.length > 0 ? userIds : undefined, teams: teamIds.length > 0 ? teamIds : undefined }] : undefined,
                preventSelfReview: args.preventSelfReview ?? hasReviewers,
                canAdminsBypass: args.canAdminsBypass ?? false,
                deploymentBranchPolicy: deploymentBranchPolicySetting({ branches: branches ?? [], tags: [] }),
            },
            childOpts,
        );
        if (branches !== undefined) {
            new GitHubDeploymentBranchPolicy(
                `${name}-deployment`,
                { repository: environment.repository, environment: environment.environment, branches, provider: args.provider },
                { parent: this },
            );
        }
        const secretOpts = { ...childOpts, deleteBeforeReplace: true };
        for (const [secretName, value] of Object.entries(args.secrets)) {
            new github.ActionsEnvironmentSecret(
                `${name}-${secretName.toLowerCase().replace(/_/g, "-")}`,
                { repository: environment.repository, environment: environment.environment, secretName, value: pulumi.secret(value) },
                secretOpts,
            );
        }
        for (const [variableName, value] of Object.entries(args.variables ?? {})) {
            new github.ActionsEnvironmentVariable(
                `${name}-${variableName.toLowerCase().replace(/_/g, "-")}`,
                { repository: environment.repository, environment: environment.environment, variableName, value },
                secretOpts,
            );
        }
        this.environmentName = environment.environment;
        this.secretNames = Object.keys(args.secrets);
        this.variableNames = Object.keys(args.variables ?? {});
        this.registerOutputs({ environmentName: this.environmentName, secretNames: this.secretNames, variableNames: this.variableNames });
    }
}
