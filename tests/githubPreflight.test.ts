import * as assert from "assert";
import { parseStackConfig } from "../stack/config";
import { GitHubApiError, gitHubGet } from "../stack/githubApi";
import { GitHubObservation, resolveGitHub } from "../stack/githubPreflight";

/** A validated github config from raw `credless-aks:github` values. */
function github(raw: Record<string, unknown> = {}) {
    return parseStackConfig({ stack: "dev", location: "westeurope", github: { repository: "contoso/geofencing", ...raw }, registry: { namePrefix: "contosogeo" } }).github;
}

function observed(subject: GitHubObservation["subject"], more: Partial<GitHubObservation> = {}): GitHubObservation {
    return {
        repository: { fullName: "contoso/geofencing", id: 681234567, ownerId: 9919, ownerLogin: "contoso", ownerType: "Organization", visibility: "public", enterprise: false },
        subject,
        ...more,
    };
}

describe("GitHub preflight: resolving what GitHub said (pure)", () => {
    it("takes format and ids from GitHub, the ids from the repository", () => {
        const { resolved, problems, warnings } = resolveGitHub(github(), observed({ useDefault: true, subClaimPrefix: "repo:contoso@9919/geofencing@681234567" }));
        assert.deepStrictEqual([problems, warnings], [[], []]);
        assert.deepStrictEqual(resolved, { fullName: "contoso/geofencing", subjectFormat: "immutable", subjectClaimKeys: undefined, ownerId: 9919, repositoryId: 681234567 });
    });

    it("refuses configured ids that are not GitHub's", () => {
        const { problems } = resolveGitHub(github({ subjectFormat: "immutable", ownerId: 1, repositoryId: 681234567 }), observed({ useDefault: true, useImmutableSubject: true }));
        assert.deepStrictEqual(problems, ["credless-aks:github.ownerId is 1, but GitHub's id of contoso is 9919: remove it from config or correct it"]);
    });

    it("refuses a sub_claim_prefix it cannot read, or one that names other ids", () => {
        for (const prefix of ["repo:contoso@1/geofencing@2", "repository_owner:contoso"]) {
            const { problems } = resolveGitHub(github(), observed({ useDefault: true, subClaimPrefix: prefix }));
            assert.deepStrictEqual(problems, [
                `GitHub's sub_claim_prefix for contoso/geofencing is "${prefix}", which is neither "repo:contoso/geofencing" nor "repo:contoso@9919/geofencing@681234567": credless-aks cannot tell which subjects GitHub sends; please report it`,
            ]);
        }
    });

    it("says so when the organization's template decides and cannot be read", () => {
        const { problems } = resolveGitHub(github(), observed({ useDefault: false }, { organizationClaimKeys: "unreadable" }));
        assert.deepStrictEqual(problems, [
            "GitHub's OIDC subject setting of contoso/geofencing is use_default false without keys of its own, so it follows the template of organization contoso, which this token may not read: give the token read access to the organization's OIDC settings, or set credless-aks:github.subjectClaimKeys to that template",
        ]);
    });

    it("an unreadable organization template is taken from config, with a warning", () => {
        const { resolved, problems, warnings } = resolveGitHub(github({ subjectClaimKeys: ["repo", "context"] }), observed({ useDefault: false }, { organizationClaimKeys: "unreadable" }));
        assert.deepStrictEqual(problems, []);
        assert.deepStrictEqual(resolved.subjectClaimKeys, ["repo", "context"]);
        assert.deepStrictEqual(warnings, [
            'credless-aks:github.subjectClaimKeys is ["repo","context"]: contoso/geofencing follows the subject template of organization contoso, which this token may not read, so it was not checked',
        ]);
    });

    it("a forced template GitHub contradicts names both", () => {
        const { problems } = resolveGitHub(github({ subjectClaimKeys: ["repo", "context"] }), observed({ useDefault: true }));
        assert.deepStrictEqual(problems, [
            'credless-aks:github.subjectClaimKeys is ["repo","context"], but GitHub\'s subject template for contoso/geofencing is its default: remove credless-aks:github.subjectClaimKeys to follow GitHub, or change the repository\'s template first',
        ]);
    });

    it("without GitHub, an immutable format needs the ids from config", () => {
        const { problems } = resolveGitHub(github({ subjectFormat: "immutable" }), undefined);
        assert.deepStrictEqual(problems, [
            'credless-aks:github.subjectFormat is "immutable" without ownerId and repositoryId, and no GitHub token is at hand to look them up: set GITHUB_TOKEN (or pulumi config set --secret github:token) or put both ids in config',
        ]);
    });
});

describe("GitHub preflight: the REST client", () => {
    it("turns a refused connection into a GitHubApiError naming the URL", async () => {
        const get = gitHubGet("http://127.0.0.1:9/api/v3", "not-a-real-token", () => Promise.reject(new Error("connect ECONNREFUSED")));
        await assert.rejects(get("repos/contoso/geofencing"), (e: unknown) => {
            assert.ok(e instanceof GitHubApiError);
            assert.strictEqual(e.message, "GET http://127.0.0.1:9/api/v3/repos/contoso/geofencing failed: connect ECONNREFUSED");
            return true;
        });
    });
});
