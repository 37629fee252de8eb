import * as assert from "assert";
import fc from "fast-check";
import {
    formatGitHubTrigger,
    githubCredentialName,
    githubRepositoryClaim,
    githubSubject,
    GitHubTrigger,
    githubTriggerProblems,
    parseGitHubTrigger,
    parseSubjectClaimPrefix,
    subjectTemplateProblems,
} from "../components/subjects";
import { githubOwnerRule, githubRepositoryNameRule } from "../components/validation";

const repo = { owner: "contoso", name: "geofencing", ownerId: 9919, repositoryId: 681234567 };

describe("subjects: GitHub subject per trigger", () => {
    // Expected values spelled out as GitHub documents them (docs.github.com ... openid-connect#example-subject-claims,
    // learn.microsoft.com/entra/workload-id/workload-identities-github-immutable-subjects).
    const cases: [GitHubTrigger, string, string][] = [
        [{ kind: "environment", name: "dev" }, "repo:contoso/geofencing:environment:dev", "repo:contoso@9919/geofencing@681234567:environment:dev"],
        [{ kind: "branch", name: "main" }, "repo:contoso/geofencing:ref:refs/heads/main", "repo:contoso@9919/geofencing@681234567:ref:refs/heads/main"],
        [{ kind: "branch", name: "release/1.2" }, "repo:contoso/geofencing:ref:refs/heads/release/1.2", "repo:contoso@9919/geofencing@681234567:ref:refs/heads/release/1.2"],
        [{ kind: "tag", name: "v1.0.0" }, "repo:contoso/geofencing:ref:refs/tags/v1.0.0", "repo:contoso@9919/geofencing@681234567:ref:refs/tags/v1.0.0"],
        [{ kind: "pull_request" }, "repo:contoso/geofencing:pull_request", "repo:contoso@9919/geofencing@681234567:pull_request"],
    ];
    for (const [trigger, byName, immutable] of cases) {
        it(`${formatGitHubTrigger(trigger)}: name and immutable format`, () => {
            assert.strictEqual(githubSubject(repo, "name", trigger), byName);
            assert.strictEqual(githubSubject(repo, "immutable", trigger), immutable);
        });
    }

    it("keeps the case of owner, repository and names as given", () => {
        const mixed = { owner: "Contoso-Labs", name: "GeoFencing.API", ownerId: 1, repositoryId: 2 };
        assert.strictEqual(githubSubject(mixed, "name", { kind: "environment", name: "Prod" }), "repo:Contoso-Labs/GeoFencing.API:environment:Prod");
        assert.strictEqual(githubSubject(mixed, "immutable", { kind: "branch", name: "Main" }), "repo:Contoso-Labs@1/GeoFencing.API@2:ref:refs/heads/Main");
    });

    it("refuses the immutable format without both ids", () => {
        assert.throws(
            () => githubRepositoryClaim({ owner: "contoso", name: "geofencing", ownerId: 9919 }, "immutable"),
            {
                message:
                    "the immutable subject format needs the owner id and repository id of contoso/geofencing; set them in config or look them up with the GitHub provider",
            },
        );
        // The name format never needs them.
        assert.strictEqual(githubRepositoryClaim({ owner: "contoso", name: "geofencing" }, "name"), "repo:contoso/geofencing");
    });

    it("refuses ids that are not positive whole numbers", () => {
        assert.throws(() => githubRepositoryClaim({ ...repo, ownerId: 0 }, "immutable"), {
            message: "ownerId of contoso/geofencing is 0: must be a positive whole number (GitHub's numeric id)",
        });
        assert.throws(() => githubRepositoryClaim({ ...repo, repositoryId: 1.5 }, "immutable"), {
            message: "repositoryId of contoso/geofencing is 1.5: must be a positive whole number (GitHub's numeric id)",
        });
    });
});

describe("subjects: custom subject templates (GitHub's include_claim_keys)", () => {
    const workflow = "contoso/platform/.github/workflows/deploy.yml@refs/heads/main";
    // GitHub's documented example: include_claim_keys ["repo", "context", "job_workflow_ref"] gives
    // "repo:octo-org/octo-repo:environment:prod:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main"
    // (docs.github.com/actions/reference/security/oidc#example-requiring-a-reusable-workflow-and-other-claims).
    it("reproduces GitHub's documented example", () => {
        const example = "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main";
        assert.strictEqual(
            githubSubject({ owner: "octo-org", name: "octo-repo" }, "name", { kind: "environment", name: "prod" }, { claimKeys: ["repo", "context", "job_workflow_ref"], jobWorkflowRef: example }),
            `repo:octo-org/octo-repo:environment:prod:job_workflow_ref:${example}`,
        );
    });

    const cases: [string[], GitHubTrigger, string][] = [
        [["repo", "context"], { kind: "branch", name: "main" }, "repo:contoso@9919/geofencing@681234567:ref:refs/heads/main"],
        [["context", "repo"], { kind: "pull_request" }, "pull_request:repo:contoso@9919/geofencing@681234567"],
        [["repo", "environment"], { kind: "environment", name: "dev" }, "repo:contoso@9919/geofencing@681234567:environment:dev"],
        [["repo", "context", "job_workflow_ref"], { kind: "tag", name: "v1" }, `repo:contoso@9919/geofencing@681234567:ref:refs/tags/v1:job_workflow_ref:${workflow}`],
    ];
    for (const [claimKeys, trigger, subject] of cases) {
        it(`${JSON.stringify(claimKeys)} for ${formatGitHubTrigger(trigger)}, immutable ids in the repo claim`, () => {
            assert.strictEqual(githubSubject(repo, "immutable", trigger, { claimKeys, jobWorkflowRef: workflow }), subject);
        });
    }

    it("names every problem of a template it cannot build or must not trust", () => {
        const env: GitHubTrigger[] = [{ kind: "environment", name: "dev" }];
        assert.deepStrictEqual(subjectTemplateProblems({ claimKeys: ["repo", "context", "actor"] }, env), [
            'include_claim_keys ["repo","context","actor"]: credless-aks builds subjects from repo, context, environment, job_workflow_ref only, not from "actor"; use GitHub\'s default template for this repository, or a template of those claims',
        ]);
        assert.deepStrictEqual(subjectTemplateProblems({ claimKeys: ["context"] }, env), [
            'include_claim_keys ["context"]: has no "repo" claim, so the subjects would not name the repository and a job of another repository could present them',
        ]);
        assert.deepStrictEqual(subjectTemplateProblems({ claimKeys: ["repo"] }, env), [
            'include_claim_keys ["repo"]: has neither "context" nor "environment", so every job of the repository, on any branch or pull request, would present the same subject',
        ]);
        assert.deepStrictEqual(subjectTemplateProblems({ claimKeys: ["repo", "environment"] }, [{ kind: "branch", name: "main" }]), [
            'triggers[0] is "branch:main": include_claim_keys ["repo","environment"] has "environment", so only jobs that run in an environment get a token',
        ]);
        assert.deepStrictEqual(subjectTemplateProblems({ claimKeys: ["repo", "context", "repo"] }, env), ['include_claim_keys ["repo","context","repo"]: must list each claim once, and at least one']);
        assert.throws(() => githubSubject(repo, "name", env[0], { claimKeys: ["repo", "context", "job_workflow_ref"] }), /has "job_workflow_ref": set jobWorkflowRef/);
    });

    it("reads GitHub's sub_claim_prefix in both formats, and nothing else", () => {
        assert.deepStrictEqual(parseSubjectClaimPrefix("repo:contoso@9919/geofencing@681234567"), { format: "immutable", ...repo });
        assert.deepStrictEqual(parseSubjectClaimPrefix("repo:Contoso/geo.fencing"), { format: "name", owner: "Contoso", name: "geo.fencing" });
        for (const odd of ["repo:contoso", "repository:contoso/geofencing", "repo:contoso@x/geofencing@1", "repo:contoso/geofencing:ref:refs/heads/main", ""]) {
            assert.strictEqual(parseSubjectClaimPrefix(odd), undefined, odd);
        }
    });
});

const owners = fc.stringMatching(/^[A-Za-z0-9]{1,20}(-[A-Za-z0-9]{1,10})?$/);
const repositoryNames = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,30}$/);
const refNames = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,15}(\/[A-Za-z0-9_][A-Za-z0-9_-]{0,15})?$/);
const ids = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const triggers: fc.Arbitrary<GitHubTrigger> = fc.oneof(
    fc.record({ kind: fc.constant("environment" as const), name: refNames.filter((n) => !n.includes("/")) }),
    fc.record({ kind: fc.constant("branch" as const), name: refNames }),
    fc.record({ kind: fc.constant("tag" as const), name: refNames }),
    fc.constant({ kind: "pull_request" as const }),
);

describe("subjects: properties", () => {
    it("the generators produce valid GitHub names (so the properties below test what they claim)", () => {
        fc.assert(fc.property(owners, repositoryNames, (owner, name) => githubOwnerRule(owner) === undefined && githubRepositoryNameRule(name) === undefined));
    });

    it("the name subject is repo:<owner>/<name>: followed by the trigger's context, case preserved", () => {
        fc.assert(
            fc.property(owners, repositoryNames, triggers, (owner, name, trigger) => {
                const subject = githubSubject({ owner, name }, "name", trigger);
                const context =
                    trigger.kind === "environment"
                        ? `environment:${trigger.name}`
                        : trigger.kind === "branch"
                          ? `ref:refs/heads/${trigger.name}`
                          : trigger.kind === "tag"
                            ? `ref:refs/tags/${trigger.name}`
                            : "pull_request";
                assert.strictEqual(subject, `repo:${owner}/${name}:${context}`);
            }),
        );
    });

    it("the immutable subject is the name subject with @<id> appended to owner and repository", () => {
        fc.assert(
            fc.property(owners, repositoryNames, ids, ids, triggers, (owner, name, ownerId, repositoryId, trigger) => {
                const byName = githubSubject({ owner, name }, "name", trigger);
                const immutable = githubSubject({ owner, name, ownerId, repositoryId }, "immutable", trigger);
                assert.strictEqual(immutable, byName.replace(`repo:${owner}/${name}:`, `repo:${owner}@${ownerId}/${name}@${repositoryId}:`));
            }),
        );
    });

    it("formatting a trigger and parsing it back gives the same trigger", () => {
        fc.assert(fc.property(triggers, (trigger) => assert.deepStrictEqual(parseGitHubTrigger(formatGitHubTrigger(trigger)), { ...trigger })));
    });

    it("credential names are URL friendly, at most 120 characters, and distinct per trigger and format", () => {
        const longNames = fc.stringMatching(/^[a-z][a-z0-9./_-]{0,200}[a-z0-9]$/).filter((n) => gitRef(n));
        const anyTrigger = fc.oneof(triggers, fc.record({ kind: fc.constant("branch" as const), name: longNames }));
        fc.assert(
            fc.property(fc.uniqueArray(anyTrigger, { selector: formatGitHubTrigger, maxLength: 10 }), (list) => {
                const names = list.flatMap((t) => [githubCredentialName(t, "name"), githubCredentialName(t, "immutable")]);
                for (const n of names) {
                    assert.match(n, /^[A-Za-z0-9][A-Za-z0-9_-]*$/);
                    assert.ok(n.length <= 120, `${n} is ${n.length} characters`);
                }
                assert.strictEqual(new Set(names).size, names.length);
            }),
        );
    });
});

function gitRef(name: string): boolean {
    return "kind" in parseGitHubTrigger(`branch:${name}`);
}

describe("subjects: credential names", () => {
    it("reads like the trigger, with -immutable for the immutable format", () => {
        assert.strictEqual(githubCredentialName({ kind: "environment", name: "dev" }, "name"), "environment-dev");
        assert.strictEqual(githubCredentialName({ kind: "environment", name: "dev" }, "immutable"), "environment-dev-immutable");
        assert.strictEqual(githubCredentialName({ kind: "pull_request" }, "name"), "pull_request");
    });

    it("replaces characters Entra ID does not take and adds a hash so that release/1 and release-1 differ", () => {
        const slash = githubCredentialName({ kind: "branch", name: "release/1" }, "name");
        const dash = githubCredentialName({ kind: "branch", name: "release-1" }, "name");
        assert.match(slash, /^branch-release-1-[0-9a-f]{8}$/);
        assert.strictEqual(dash, "branch-release-1");
    });
});

describe("subjects: trigger problems", () => {
    it("accepts a valid list", () => {
        assert.deepStrictEqual(githubTriggerProblems([{ kind: "environment", name: "prod" }, { kind: "branch", name: "main" }, { kind: "pull_request" }]), []);
    });

    it("names every bad trigger with its index, text and rule", () => {
        assert.deepStrictEqual(
            githubTriggerProblems([
                { kind: "branch", name: "release/*" },
                { kind: "environment", name: "my env" },
                { kind: "tag", name: "v1..2" },
                { kind: "push", name: "main" } as unknown as GitHubTrigger,
                { kind: "pull_request" },
                { kind: "pull_request" },
            ]),
            [
                'triggers[0] is "branch:release/*": contains a wildcard character (*, ?, [ or ]): Entra ID matches federated-credential subjects exactly, with no wildcards',
                "triggers[1] is \"environment:my env\": has an environment name with whitespace or ':' or longer than 255 characters",
                "triggers[2] is \"tag:v1..2\": has a tag name that must be a valid git ref name (no spaces, ~ ^ : \\, '..', '@{', leading or trailing '/', or trailing '.' or '.lock')",
                'triggers[3] is "push:main": must be "environment:<name>", "branch:<name>", "tag:<name>" or "pull_request"',
                'triggers[5] is "pull_request": is listed twice; each subject can be trusted only once per identity',
            ],
        );
    });
});
