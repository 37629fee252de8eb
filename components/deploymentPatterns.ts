/**
 * Deployment branch and tag patterns of a GitHub environment, as pure logic:
 * the rule a pattern must follow and the environment setting that makes
 * GitHub enforce the patterns.
 *
 * Why patterns and not "protected branches only": with that setting, "If no
 * branch protection rules are defined for any branch in the repository, then
 * all branches can deploy". With "Selected branches and tags", only branches
 * and tags that match a pattern can deploy, whatever the repository's branch
 * protection. Patterns are matched against the workflow run's GITHUB_REF with
 * Ruby's File.fnmatch; "Wildcard characters will not match `/`"; branch and
 * tag patterns are configured separately.
 * Source: docs.github.com/actions/reference/workflows-and-actions/deployments-and-environments#deployment-branches-and-tags
 * (checked 2026-11-30).
 */

/** Which refs may deploy to an environment. Both unset: every branch and tag may. */
export interface DeploymentRefPatterns {
    /** Optional. Branch name patterns (e.g. "main", "release/*"). Defaults to none. */
    branches?: string[];
    /** Optional. Tag name patterns (e.g. "v*"). Defaults to none. */
    tags?: string[];
}

/**
 * The environment's `deployment_branch_policy` that makes GitHub enforce the
 * patterns ("Selected branches and tags"), or undefined (no restriction) when
 * there are none. GitHub requires exactly one of the two flags to be true.
 * Source: docs.github.com/rest/deployments/environments#create-or-update-an-environment
 * (deployment_branch_policy: "if protected_branches is false, custom_branch_policies must be true").
 */
export function deploymentBranchPolicySetting(patterns: DeploymentRefPatterns): { protectedBranches: false; customBranchPolicies: true } | undefined {
    const count = (patterns.branches?.length ?? 0) + (patterns.tags?.length ?? 0);
    return count > 0 ? { protectedBranches: false, customBranchPolicies: true } : undefined;
}

/**
 * The rule one branch or tag pattern breaks, or undefined. A pattern is a Git
 * ref name (git-scm.com/docs/git-check-ref-format) in which `*`, `?` and
 * `[...]` are File.fnmatch wildcards; it names the branch or tag ("main"),
 * not the full ref ("refs/heads/main").
 */
export function deploymentPatternRule(pattern: string): string | undefined {
    if (pattern.length === 0) {
        return 'must be a branch or tag name pattern such as "main" or "release/*", not empty';
    }
    if (/[\s~^:\\\x00-\x1f\x7f]/.test(pattern)) {
        return "must not contain whitespace, '~', '^', ':' or '\\' (Git allows none of them in branch and tag names)";
    }
    if (pattern.startsWith("/") || pattern.endsWith("/") || pattern.includes("//")) {
        return "must not start or end with '/' or contain '//' (Git branch and tag name rules)";
    }
    if (pattern.includes("..") || pattern.includes("@{") || pattern === "@") {
        return "must not contain '..' or '@{', or be '@' (Git branch and tag name rules)";
    }
    if (pattern.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock")) || pattern.endsWith(".")) {
        return "must not have a '/'-separated part that starts with '.' or ends with '.lock', nor end with '.' (Git branch and tag name rules)";
    }
    if (/\[[^\]]*$/.test(pattern)) {
        return "must close every '[' with ']' (a File.fnmatch character class such as \"v[0-9]*\")";
    }
    if (pattern.startsWith("refs/")) {
        return 'must name the branch or tag ("main", "v*"), not the full ref: leave out "refs/heads/" or "refs/tags/"; a pull request ref ("refs/pull/*/merge") would let code that is not merged deploy';
    }
    return undefined;
}

/**
 * Every problem of a set of patterns, each naming key, value and rule: bad
 * patterns and patterns listed twice (GitHub keeps one policy per pattern and
 * answers a second with 303). `keys` names the two lists for the messages.
 */
export function deploymentPatternProblems(patterns: DeploymentRefPatterns, keys: { branches: string; tags: string }): string[] {
    const problems: string[] = [];
    for (const [key, list] of [
        [keys.branches, patterns.branches ?? []],
        [keys.tags, patterns.tags ?? []],
    ] as const) {
        list.forEach((pattern, i) => {
            const rule = deploymentPatternRule(pattern);
            if (rule) {
                problems.push(`${key}[${i}] is ${JSON.stringify(pattern)}: ${rule}`);
            } else if (list.indexOf(pattern) !== i) {
                problems.push(`${key}[${i}] is ${JSON.stringify(pattern)}: is listed twice; GitHub keeps one deployment policy per pattern`);
            }
        });
    }
    return problems;
}
