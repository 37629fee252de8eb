import * as assert from "assert";
import * as github from "@pulumi/github";
import { deploymentBranchPolicySetting } from "../components/deploymentPatterns";
import { GitHubDeploymentBranchPolicy } from "../components/gitHubDeploymentBranchPolicy";
import { ofType, one, runUnderMocks } from "./harness";
import { TYPES } from "./resourceTypes";

describe("GitHubDeploymentBranchPolicy", () => {
    it("restricts any environment, with its own GitHub provider, as the docs ask: the setting on the environment, one policy per pattern", async () => {
        const { resources: recorded } = await runUnderMocks(() => {
            const provider = new github.Provider("github", { owner: "contoso" });
            const patterns = { branches: ["main"], tags: ["v*"] };
            const environment = new github.RepositoryEnvironment(
                "plan",
                { repository: "geofencing", environment: "plan", deploymentBranchPolicy: deploymentBranchPolicySetting(patterns) },
                { provider },
            );
            return new GitHubDeploymentBranchPolicy("plan-refs", { repository: environment.repository, environment: environment.environment, ...patterns, provider });
        });
        const environment = one(recorded, TYPES.repositoryEnvironment);
        const provider = one(recorded, "pulumi:providers:github");
        assert.deepStrictEqual(environment.inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
        const policies = ofType(recorded, TYPES.environmentDeploymentPolicy);
        assert.deepStrictEqual(
            policies.map((p) => [p.name, p.inputs]),
            [
                ["plan-refs-branch-main", { repository: "geofencing", environment: "plan", branchPattern: "main" }],
                ["plan-refs-tag-v*", { repository: "geofencing", environment: "plan", tagPattern: "v*" }],
            ],
        );
        for (const p of policies) {
            assert.ok(p.provider.startsWith(`${provider.urn}::`), p.provider);
            assert.deepStrictEqual(p.propertyDependencies.environment, [environment.urn]);
        }
    });

    const refused: [string, { branches?: string[]; tags?: string[] }, string][] = [
        ["no pattern at all", {}, "branches and tags are both empty: list at least one pattern, or create no policy to let every branch deploy"],
        ["a tag listed twice", { tags: ["v*", "v*"] }, 'tags[1] is "v*": is listed twice; GitHub keeps one deployment policy per pattern'],
        ["a bad branch", { branches: ["main branch"] }, "branches[0] is \"main branch\": must not contain whitespace, '~', '^', ':' or '\\' (Git allows none of them in branch and tag names)"],
    ];
    for (const [title, patterns, message] of refused) {
        it(`refuses ${title}`, async () => {
            await assert.rejects(
                runUnderMocks(() => new GitHubDeploymentBranchPolicy("refs", { repository: "geofencing", environment: "prod", ...patterns })),
                (e: Error) => e.message === `GitHubDeploymentBranchPolicy "refs" has invalid arguments:\n  - ${message}`,
            );
        });
    }
});
