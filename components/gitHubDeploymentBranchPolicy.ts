import * as pulumi from "@pulumi/pulumi";
import * as github from "@pulumi/github";
import { ArgumentProblems } from "./argumentProblems";
import { deploymentPatternProblems } from "./deploymentPatterns";

export interface GitHubDeploymentBranchPolicyArgs {
    /** Required. The repository name (without owner: the GitHub provider's owner is the account). */
    repository: pulumi.Input<string>;
    /**
     * Required. The GitHub environment the patterns restrict. Pass the
     * RepositoryEnvironment's `environment` output, so that the policies wait
     * for it, and create that environment with
     * `deploymentBranchPolicy: deploymentBranchPolicySetting(patterns)`:
     * GitHub accepts the policies only while the environment's
     * `custom_branch_policies` is true.
     */
    environment: pulumi.Input<string>;
    /** Optional. Branch name patterns that may deploy (File.fnmatch; `*` does not match `/`). Defaults to none. */
    branches?: string[];
    /** Optional. Tag name patterns that may deploy. Defaults to none. */
    tags?: string[];
    /** Optional. The GitHub provider. Defaults to the provider inherited from opts. */
    provider?: github.Provider;
}

/**
 * The branches and tags that may deploy to a GitHub environment: one
 * RepositoryEnvironmentDeploymentPolicy per pattern ("Selected branches and
 * tags"), which holds whether or not the repository has branch protection
 * rules. Source: docs.github.com/actions/reference/workflows-and-actions/deployments-and-environments#deployment-branches-and-tags;
 * inputs `branchPattern` / `tagPattern` of @pulumi/github 6.15.
 */
export class GitHubDeploymentBranchPolicy extends pulumi.ComponentResource {
    /** The branch patterns, as given. */
    readonly branchPatterns: string[];
    /** The tag patterns, as given. */
    readonly tagPatterns: string[];

    constructor(name: string, args: GitHubDeploymentBranchPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:github:GitHubDeploymentBranchPolicy", name, {}, opts);

        const branches = args.branches ?? [];
        const tags = args.tags ?? [];
        const problems = new ArgumentProblems("GitHubDeploymentBranchPolicy", name);
        deploymentPatternProblems({ branches, tags }, { branches: "branches", tags: "tags" }).forEach((p) => problems.add(p));
        if (branches.length + tags.length === 0) {
            problems.add("branches and tags are both empty: list at least one pattern, or create no policy to let every branch deploy");
        }
        problems.throwIfAny(this);

        // Named after the pattern, not its position, so reordering the list changes nothing.
        const childOpts = { parent: this, provider: args.provider };
        for (const pattern of branches) {
            new github.RepositoryEnvironmentDeploymentPolicy(
                `${name}-branch-${pattern}`,
                { repository: args.repository, environment: args.environment, branchPattern: pattern },
                childOpts,
            );
        }
        for (const pattern of tags) {
            new github.RepositoryEnvironmentDeploymentPolicy(`${name}-tag-${pattern}`, { repository: args.repository, environment: args.environment, tagPattern: pattern }, childOpts);
        }

        this.branchPatterns = [...branches];
        this.tagPatterns = [...tags];
        this.registerOutputs({ branchPatterns: this.branchPatterns, tagPatterns: this.tagPatterns });
    }
}
