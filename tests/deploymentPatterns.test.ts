import * as assert from "assert";
import { deploymentBranchPolicySetting, deploymentPatternRule } from "../components/deploymentPatterns";

describe("deploymentPatterns: the rule of a branch or tag pattern", () => {
    const accepted = ["main", "release/*", "release/*/*", "v*", "v[0-9]*", "feature/x.y", "hotfix-2026"];
    for (const pattern of accepted) {
        it(`accepts ${JSON.stringify(pattern)}`, () => assert.strictEqual(deploymentPatternRule(pattern), undefined));
    }
    const refused: [string, string][] = [
        ["", 'must be a branch or tag name pattern such as "main" or "release/*", not empty'],
        ["ma in", "must not contain whitespace, '~', '^', ':' or '\\' (Git allows none of them in branch and tag names)"],
        ["main:prod", "must not contain whitespace, '~', '^', ':' or '\\' (Git allows none of them in branch and tag names)"],
        ["release\\*", "must not contain whitespace, '~', '^', ':' or '\\' (Git allows none of them in branch and tag names)"],
        ["/main", "must not start or end with '/' or contain '//' (Git branch and tag name rules)"],
        ["release//x", "must not start or end with '/' or contain '//' (Git branch and tag name rules)"],
        ["a..b", "must not contain '..' or '@{', or be '@' (Git branch and tag name rules)"],
        ["main@{1}", "must not contain '..' or '@{', or be '@' (Git branch and tag name rules)"],
        ["release/.hidden", "must not have a '/'-separated part that starts with '.' or ends with '.lock', nor end with '.' (Git branch and tag name rules)"],
        ["main.lock", "must not have a '/'-separated part that starts with '.' or ends with '.lock', nor end with '.' (Git branch and tag name rules)"],
        ["v[0-9", "must close every '[' with ']' (a File.fnmatch character class such as \"v[0-9]*\")"],
        [
            "refs/pull/*/merge",
            'must name the branch or tag ("main", "v*"), not the full ref: leave out "refs/heads/" or "refs/tags/"; a pull request ref ("refs/pull/*/merge") would let code that is not merged deploy',
        ],
    ];
    for (const [pattern, rule] of refused) {
        it(`refuses ${JSON.stringify(pattern)}`, () => assert.strictEqual(deploymentPatternRule(pattern), rule));
    }
});

describe("deploymentPatterns: the environment's setting", () => {
    it("custom branch policies as soon as there is one pattern, never protected branches", () => {
        const custom = { protectedBranches: false, customBranchPolicies: true };
        assert.deepStrictEqual(deploymentBranchPolicySetting({ branches: ["main"] }), custom);
        assert.deepStrictEqual(deploymentBranchPolicySetting({ tags: ["v*"] }), custom);
        assert.strictEqual(deploymentBranchPolicySetting({}), undefined);
        assert.strictEqual(deploymentBranchPolicySetting({ branches: [], tags: [] }), undefined);
    });
});
