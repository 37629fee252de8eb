import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { main } from "../commands/plan/main";
import { GITHUB_OIDC_ISSUER } from "../components/githubConstants";
import { ConfigError } from "../stack/config";
import { ofType } from "./harness";
import { FakeAnswer, FakeGitHub, repositoryAnswer, startFakeGitHub } from "./fakeGitHub";
import { TYPES } from "./resourceTypes";
import { configMap, ProgramRun, runProgram } from "./stackRun";

/** The stack's own fixture (never the sample stacks): one workload, the dev environment. */
const FIXTURE = {
    "azure-native:location": "westeurope",
    "credless-aks:environment": "dev",
    "credless-aks:github": { repository: "contoso/geofencing" },
    "credless-aks:registry": { namePrefix: "contosogeo" },
    "credless-aks:workloads": [{ name: "api", namespace: "geofencing" }],
};
const TOKEN = "not-a-real-token";
const SUB = "repos/contoso/geofencing/actions/oidc/customization/sub";
const IMMUTABLE_PREFIX = "repo:contoso@9919/geofencing@681234567";
const WORKFLOW = "contoso/platform/.github/workflows/deploy.yml@refs/heads/main";

let server: FakeGitHub | undefined;
afterEach(async () => {
    await server?.close();
    server = undefined;
});

async function runAgainst(
    routes: Record<string, FakeAnswer>,
    github: Record<string, unknown> = {},
    options: { preview?: boolean; headers?: Record<string, string> } = {},
): Promise<ProgramRun> {
    server = await startFakeGitHub({ "repos/contoso/geofencing": repositoryAnswer(), ...routes }, options.headers);
    const config = configMap({
        ...FIXTURE,
        "credless-aks:github": { repository: "contoso/geofencing", ...github },
        "github:token": TOKEN,
        "github:baseUrl": server.baseUrl,
    });
    return runProgram("dev", config, { secretKeys: ["github:token"], preview: options.preview });
}

/** The subjects of the GitHub identity's federated credentials, as Entra ID receives them. */
function githubSubjects(run: ProgramRun): string[] {
    assert.strictEqual(run.error, undefined, String(run.error));
    return ofType(run.resources, TYPES.applicationFederatedCredential)
        .filter((c) => c.inputs.issuer === GITHUB_OIDC_ISSUER)
        .map((c) => c.inputs.subject)
        .sort();
}

/** The run stopped before registering anything, with a ConfigError that says `message`. */
function stoppedWith(run: ProgramRun, message: string): void {
    assert.ok(run.error instanceof ConfigError, `expected a ConfigError, got ${String(run.error)}`);
    assert.deepStrictEqual(run.error.problems, [message]);
    assert.deepStrictEqual(run.resources, []);
}

describe("GitHub subjects: detected from GitHub, not assumed", function () {
    this.timeout(60000);

    it("name-based: subjects are repo:owner/name, as GitHub's sub_claim_prefix says", async () => {
        const run = await runAgainst({ [SUB]: { use_default: true, use_immutable_subject: false, sub_claim_prefix: "repo:contoso/geofencing" } });
        assert.deepStrictEqual(githubSubjects(run), ["repo:contoso/geofencing:environment:dev"]);
        // Asked with the stack's token, at the provider's base URL.
        assert.deepStrictEqual(server!.requests.map((r) => [r.path, r.authorization]), [
            ["repos/contoso/geofencing", `Bearer ${TOKEN}`],
            [SUB, `Bearer ${TOKEN}`],
        ]);
        assert.deepStrictEqual(run.warnings, []);
    });

    it("immutable: the sub_claim_prefix with ids wins over use_immutable_subject false (Azure/azure-dev#9382)", async () => {
        const run = await runAgainst({ [SUB]: { use_default: true, use_immutable_subject: false, sub_claim_prefix: IMMUTABLE_PREFIX } });
        assert.deepStrictEqual(githubSubjects(run), [`${IMMUTABLE_PREFIX}:environment:dev`]);
    });

    it("immutable without a prefix in the answer: use_immutable_subject decides, the ids come from the repository", async () => {
        const run = await runAgainst({ [SUB]: { use_default: true, use_immutable_subject: true } });
        assert.deepStrictEqual(githubSubjects(run), [`${IMMUTABLE_PREFIX}:environment:dev`]);
    });

    it("a custom template: each claim in GitHub's order, the repo segment with its ids", async () => {
        const run = await runAgainst(
            { [SUB]: { use_default: false, include_claim_keys: ["repo", "context", "job_workflow_ref"], use_immutable_subject: false, sub_claim_prefix: IMMUTABLE_PREFIX } },
            { jobWorkflowRef: WORKFLOW },
        );
        assert.deepStrictEqual(githubSubjects(run), [`${IMMUTABLE_PREFIX}:environment:dev:job_workflow_ref:${WORKFLOW}`]);
    });

    it("a repository that defers to its organization's template gets the organization's", async () => {
        const run = await runAgainst({
            [SUB]: { use_default: false, sub_claim_prefix: "repo:contoso/geofencing" },
            "orgs/contoso/actions/oidc/customization/sub": { include_claim_keys: ["environment", "repo"] },
        });
        assert.deepStrictEqual(githubSubjects(run), ["environment:dev:repo:contoso/geofencing"]);
    });

    it("a template with claims the stack cannot build stops the run, naming the template's keys", async () => {
        const run = await runAgainst({ [SUB]: { use_default: false, include_claim_keys: ["repository_owner", "repository_visibility"] } });
        assert.ok(run.error instanceof ConfigError, String(run.error));
        assert.strictEqual(
            run.error.problems[0],
            'GitHub\'s OIDC subject template for contoso/geofencing, include_claim_keys ["repository_owner","repository_visibility"]: credless-aks builds subjects from repo, context, environment, job_workflow_ref only, not from "repository_owner", "repository_visibility"; use GitHub\'s default template for this repository, or a template of those claims',
        );
        assert.deepStrictEqual(run.resources, []);
    });

    it("a forced format that GitHub contradicts stops the run before any resource, naming both", async () => {
        const run = await runAgainst({ [SUB]: { use_default: true, use_immutable_subject: false, sub_claim_prefix: IMMUTABLE_PREFIX } }, { subjectFormat: "name" });
        stoppedWith(
            run,
            `credless-aks:github.subjectFormat is "name", but GitHub sends immutable subjects for contoso/geofencing (sub_claim_prefix "${IMMUTABLE_PREFIX}"): ` +
                "remove credless-aks:github.subjectFormat to follow GitHub, or change the repository's OIDC setting first (docs/immutable-subjects.md)",
        );
    });

    it("while migrating (immutable forced, name subjects kept), GitHub may still send name-based subjects", async () => {
        const run = await runAgainst(
            { [SUB]: { use_default: true, use_immutable_subject: false, sub_claim_prefix: "repo:contoso/geofencing" } },
            { subjectFormat: "immutable", keepNameSubjects: true },
        );
        assert.deepStrictEqual(githubSubjects(run), ["repo:contoso/geofencing:environment:dev", `${IMMUTABLE_PREFIX}:environment:dev`]);
    });

    it("a spelling GitHub does not use stops the run before any resource", async () => {
        const run = await runAgainst({ [SUB]: { use_default: true }, "repos/contoso/geofencing": repositoryAnswer({ fullName: "Contoso/geofencing" }) });
        stoppedWith(
            run,
            'credless-aks:github.repository: repository "contoso/geofencing" is "Contoso/geofencing" on GitHub: GitHub puts "Contoso/geofencing" into the OIDC subject and Entra ID compares subjects exactly and case-sensitively; configure the repository exactly as GitHub spells it',
        );
    });

    it("pulumi up stops when GitHub cannot be read; a preview goes on and says what it assumed", async () => {
        const up = await runAgainst({ [SUB]: { status: 403 } }, {}, { preview: false });
        assert.ok(up.error instanceof ConfigError, String(up.error));
        assert.match(up.error.problems[0], /^credless-aks:github: GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/contoso\/geofencing\/actions\/oidc\/customization\/sub answered 403 Forbidden: the stack reads/);
        assert.deepStrictEqual(up.resources, []);
        await server!.close();
        server = undefined;
        const preview = await runAgainst({ [SUB]: { status: 403 } });
        assert.deepStrictEqual(githubSubjects(preview), ["repo:contoso/geofencing:environment:dev"]);
        assert.strictEqual(preview.warnings.length, 1);
        assert.match(preview.warnings[0], /^credless-aks:github: the subject format was not checked against GitHub \(GET .* answered 403 Forbidden: .*\): assumed name-based subjects, GitHub's default template, e\.g\. "repo:contoso\/geofencing:environment:dev"/);
    });
});

describe("GitHub subjects: without a token, the assumption is said", function () {
    this.timeout(60000);
    const ASSUMED =
        'credless-aks:github: the subject format was not checked against GitHub (no GitHub token): assumed name-based subjects, GitHub\'s default template, e.g. "repo:contoso/geofencing:environment:dev". ' +
        "Repositories created, renamed or transferred on github.com since 15 July 2026 send immutable subjects; with a GitHub token at hand the stack reads the repository's setting (docs/immutable-subjects.md)";

    it("a preview warns, once, and builds the assumed subjects", async () => {
        const run = await runProgram("dev", configMap(FIXTURE));
        assert.deepStrictEqual(run.warnings, [ASSUMED]);
        assert.deepStrictEqual(githubSubjects(run), ["repo:contoso/geofencing:environment:dev"]);
    });

    it("the offline plan prints the assumption", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-detect-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.fixture.yaml"), stringify({ config: { ...FIXTURE, "credless-aks:environment": "dev" } }));
            let out = "";
            const code = await main(["fixture"], { root: dir, stdout: (t) => (out += t), stderr: () => undefined });
            assert.strictEqual(code, 0);
            assert.ok(out.includes(`Notes:\n  ! ${ASSUMED}\n`), out.slice(0, 600));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("GitHub environments: private repositories on plans without them", function () {
    this.timeout(60000);
    const DEFAULT_SUB = { [SUB]: { use_default: true, sub_claim_prefix: "repo:contoso/geofencing" } };
    const PRIVATE = { ...DEFAULT_SUB, "repos/contoso/geofencing": repositoryAnswer({ visibility: "private" }) };

    it("GitHub Free: stops before anything, with the way out", async () => {
        const run = await runAgainst({ ...PRIVATE, "orgs/contoso": { login: "contoso", plan: { name: "free" } } });
        stoppedWith(
            run,
            'credless-aks:github.secretsScope is "environment", and contoso/geofencing is a private repository of organization contoso on GitHub\'s "free" plan, which has no environments for private repositories: ' +
                'set credless-aks:github.secretsScope to "repository" (repository secrets, no environment), make the repository public, or move contoso to a plan that has them (GitHub Pro, Team or Enterprise)',
        );
    });

    it("a personal account on GitHub Free, seen through its own token, stops too", async () => {
        const run = await runAgainst({
            ...DEFAULT_SUB,
            "repos/contoso/geofencing": repositoryAnswer({ visibility: "private", ownerType: "User" }),
            user: { login: "contoso", plan: { name: "free" } },
        });
        assert.ok(run.error instanceof ConfigError, String(run.error));
        assert.match(run.error.problems[0], /private repository of user contoso on GitHub's "free" plan/);
        assert.deepStrictEqual(run.resources, []);
    });

    it("a plan the token cannot see: a warning, not a failure", async () => {
        const run = await runAgainst({ ...PRIVATE, "orgs/contoso": { login: "contoso" } });
        assert.strictEqual(run.error, undefined, String(run.error));
        assert.strictEqual(run.warnings.length, 1);
        assert.match(run.warnings[0], /^credless-aks:github\.secretsScope is "environment", and contoso\/geofencing is a private repository of organization contoso, whose GitHub plan this token cannot see\. On GitHub Free .* If that is the plan, set credless-aks:github\.secretsScope to "repository"/);
        assert.strictEqual(ofType(run.resources, TYPES.repositoryEnvironment).length, 1);
    });

    it("GitHub Team: environments yes, required reviewers no", async () => {
        const team = { ...PRIVATE, "orgs/contoso": { login: "contoso", plan: { name: "team" } } };
        const plain = await runAgainst(team);
        assert.strictEqual(plain.error, undefined, String(plain.error));
        assert.deepStrictEqual(plain.warnings, []);
        await server!.close();
        server = undefined;
        const reviewed = await runAgainst(team, { reviewers: { teams: [4711042] } });
        assert.ok(reviewed.error instanceof ConfigError, String(reviewed.error));
        assert.match(reviewed.error.problems[0], /^credless-aks:github\.reviewers is set, and contoso\/geofencing is a private repository on GitHub's "team" plan, where environments have no required reviewers/);
        assert.deepStrictEqual(reviewed.resources, []);
    });

    it("repository scope, a public repository and GitHub Enterprise Server never ask for the plan", async () => {
        const asked = async (routes: Record<string, FakeAnswer>, github: Record<string, unknown>, headers?: Record<string, string>) => {
            const run = await runAgainst(routes, github, { headers });
            assert.strictEqual(run.error, undefined, String(run.error));
            assert.deepStrictEqual(run.warnings, []);
            const paths = server!.requests.map((r) => r.path);
            await server!.close();
            server = undefined;
            return paths;
        };
        assert.deepStrictEqual(await asked(PRIVATE, { secretsScope: "repository" }), ["repos/contoso/geofencing", SUB]);
        assert.deepStrictEqual(await asked(DEFAULT_SUB, {}), ["repos/contoso/geofencing", SUB]);
        assert.deepStrictEqual(await asked(PRIVATE, {}, { "X-GitHub-Enterprise-Version": "3.19.0" }), ["repos/contoso/geofencing", SUB]);
    });
});
