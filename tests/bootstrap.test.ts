import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { BootstrapConfig, parseBootstrapConfig, RawBootstrapConfig } from "../bootstrap/config";
import { bootstrapGitHubConfig } from "../bootstrap/github";
import { createBootstrap, PLAN_ROLES, STACK_ASSIGNABLE_ROLE_IDS } from "../bootstrap/program";
import { readStackConfig } from "../commands/plan/main";
import { resolveGitHub } from "../stack/githubPreflight";
import { main } from "../commands/plan/main";
import { FAKE_GRAPH_SERVICE_PRINCIPAL as FAKE_GRAPH } from "../commands/plan/fakes";
import { PipelineIdentity } from "../components/pipelineIdentity";
import { INFRA_APPLY_SECRET_NAMES, INFRA_APPLY_VARIABLE_NAMES, INFRA_PLAN_SECRET_NAMES, PULUMI_TEAM_VARIABLE } from "../components/pipelineNames";
import { constrainRolesCondition } from "../components/rbacCondition";
import { BUILT_IN_ROLES, resolveRoleId } from "../components/roles";
import { scopesOverlap } from "../policy/pipelinePolicies";
import { fromRecorded, mandatoryViolations, runPolicies } from "../policy/runOffline";
import { deploymentPatternRule } from "../components/deploymentPatterns";
import { ConfigError } from "../stack/config";
import { FAKE, ofType, one, Recorded, rejectionMessage, runUnderMocks } from "./harness";
import { contextNames, parseWorkflow } from "./workflowChecks";

const ROOT = path.join(__dirname, "..");
const FIXTURE = path.join(__dirname, "fixtures", "plan-root", "bootstrap", "Pulumi.test.yaml");
const PROJECT = "credless-aks-bootstrap";

function fixtureRaw(): RawBootstrapConfig {
    const config: Record<string, unknown> = parse(readFileSync(FIXTURE, "utf8")).config;
    return {
        stack: "test",
        location: config["azure-native:location"],
        github: config[`${PROJECT}:github`],
        keyVaultName: config[`${PROJECT}:keyVaultName`],
        environments: config[`${PROJECT}:environments`],
    };
}

/** The bootstrap without GitHub: config's spelling and subject format assumed, as with no token. */
async function runBootstrap(config: BootstrapConfig) {
    const github = resolveGitHub(bootstrapGitHubConfig(config), undefined).resolved;
    return runUnderMocks(() => createBootstrap(config, { githubBaseUrl: "https://api.github.com/" }, github), { project: PROJECT, stack: "test" });
}

const DEV_SCOPE = "/subscriptions/0d1e2f3a-4b5c-4d6e-8f70-112233445566/resourceGroups/rg-platform-dev";
const PROD_SCOPE = "/subscriptions/9a8b7c6d-5e4f-4a3b-9c2d-665544332211/resourceGroups/rg-platform-prod";

/** The principal id of the managed identity created by PipelineIdentity `name`. */
function principalOf(resources: Recorded[], name: string): string {
    return one(resources, "azure-native:managedidentity:UserAssignedIdentity", `${name}-identity`).state.principalId;
}

describe("bootstrap: config", () => {
    it("reads the fixture: two environments, managed identities, main-only deployments, prod previews from main only", () => {
        const config = parseBootstrapConfig(fixtureRaw());
        assert.strictEqual(config.identityKind, "managedIdentity");
        assert.strictEqual(config.resourceGroupName, "rg-credless-aks-pipeline");
        assert.deepStrictEqual(
            config.environments.map((e) => [e.name, e.deploymentBranches, e.planBranches, e.reviewerUserIds, e.reviewerTeamIds]),
            [
                ["dev", ["main"], undefined, [], []],
                ["prod", ["main"], ["main"], [4242], [77]],
            ],
        );
    });

    const problems = (change: (raw: RawBootstrapConfig) => void): string[] => {
        const raw = fixtureRaw();
        change(raw);
        try {
            parseBootstrapConfig(raw);
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            return e.problems;
        }
        return [];
    };
    const env = (raw: RawBootstrapConfig, i: number) => (raw.environments as Record<string, unknown>[])[i];
    const cases: [string, (raw: RawBootstrapConfig) => void, string[]][] = [
        ["no environments", (raw) => (raw.environments = undefined), ["credless-aks-bootstrap:environments is missing: it is required"]],
        ["empty environments", (raw) => (raw.environments = []), ["credless-aks-bootstrap:environments is []: list at least one environment"]],
        ["bad subscription", (raw) => (env(raw, 0).subscriptionId = "dev-sub"), ['credless-aks-bootstrap:environments[0].subscriptionId is "dev-sub": must be a GUID']],
        [
            "prod without reviewers",
            (raw) => delete env(raw, 1).reviewers,
            ['credless-aks-bootstrap:environments[1].reviewers is not set for "prod": list at least one user or team id whose approval infra-prod waits for'],
        ],
        [
            "two environments on one scope",
            (raw) => Object.assign(env(raw, 1), { subscriptionId: env(raw, 0).subscriptionId, resourceGroupName: undefined, scope: "subscription" }),
            ['credless-aks-bootstrap:environments[1] ("prod") shares its scope with environments[0] ("dev"): each environment needs its own resource group or subscription'],
        ],
        [
            "resource group scope without a group",
            (raw) => delete env(raw, 0).resourceGroupName,
            ['credless-aks-bootstrap:environments[0].resourceGroupName is missing: it is required with scope "resourceGroup" (the group the stack deploys into)'],
        ],
        ["duplicate name", (raw) => (env(raw, 1).name = "dev"), ['credless-aks-bootstrap:environments[1].name is "dev": is listed twice']],
        [
            "bad vault name",
            (raw) => (raw.keyVaultName = "kv--x"),
            ['credless-aks-bootstrap:keyVaultName is "kv--x": must be 3 to 24 letters, digits or \'-\', start with a letter, end with a letter or digit, and have no \'--\''],
        ],
        ["unknown identity kind", (raw) => (raw.identityKind = "servicePrincipal"), ['credless-aks-bootstrap:identityKind is "servicePrincipal": must be one of managedIdentity, application']],
        ["no deployment branch", (raw) => (env(raw, 0).deploymentBranches = []), ['credless-aks-bootstrap:environments[0].deploymentBranches is []: list at least one branch (default ["main"])']],
        [
            "no plan branch",
            (raw) => (env(raw, 1).planBranches = []),
            ["credless-aks-bootstrap:environments[1].planBranches is []: list at least one branch, or leave it out (non-prod: any branch; prod: main)"],
        ],
        [
            "a full ref as a branch pattern",
            (raw) => (env(raw, 1).deploymentBranches = ["refs/heads/main"]),
            ['credless-aks-bootstrap:environments[1].deploymentBranches[0] is "refs/heads/main": ' + String(deploymentPatternRule("refs/heads/main"))],
        ],
        [
            "a bad location",
            (raw) => (raw.location = "West Europe"),
            ['azure-native:location is "West Europe": must be an Azure region name such as "westeurope" (lower-case letters and digits)'],
        ],
        [
            "a bad pipeline resource group",
            (raw) => (raw.resourceGroup = "rg."),
            ['credless-aks-bootstrap:resourceGroup is "rg.": must be a resource group name: 1 to 90 letters, digits, \'_\', \'-\', \'.\', \'(\' or \')\', not ending in \'.\''],
        ],
        [
            "a bad environment resource group",
            (raw) => (env(raw, 0).resourceGroupName = "rg dev"),
            ['credless-aks-bootstrap:environments[0].resourceGroupName is "rg dev": must be a resource group name: 1 to 90 letters, digits, \'_\', \'-\', \'.\', \'(\' or \')\', not ending in \'.\''],
        ],
        [
            "a resource group with subscription scope",
            (raw) => (env(raw, 0).scope = "subscription"),
            ['credless-aks-bootstrap:environments[0].resourceGroupName is set with scope "subscription": leave it out, or use scope "resourceGroup"'],
        ],
    ];
    for (const [what, change, expected] of cases) {
        it(`refuses ${what}`, () => {
            assert.deepStrictEqual(problems(change), expected);
        });
    }
});

describe("bootstrap: the program under mocks", () => {
    let resources: Recorded[];
    let calls: { token: string; inputs: Record<string, any> }[];
    before(async () => {
        ({ resources, calls } = await runBootstrap(parseBootstrapConfig(fixtureRaw())));
    });
    const assignmentsOf = (principalId: string) => ofType(resources, "azure-native:authorization:RoleAssignment").filter((r) => r.inputs.principalId === principalId);
    const roleIdOf = (r: Recorded) => String(r.inputs.roleDefinitionId).split("/").pop();

    it("gives dev's apply identity no role at, above or within prod's scope", () => {
        const dev = assignmentsOf(principalOf(resources, "dev-apply"));
        assert.ok(dev.length >= 3);
        assert.deepStrictEqual(dev.filter((r) => scopesOverlap(r.inputs.scope, PROD_SCOPE)), []);
        // What it has: Contributor and the conditioned RBAC Administrator on dev's group, and its own key.
        assert.deepStrictEqual(
            dev.map((r) => [roleIdOf(r), r.inputs.scope.split("/providers/Microsoft.KeyVault/")[1] ?? r.inputs.scope]),
            [
                [BUILT_IN_ROLES.Contributor, DEV_SCOPE],
                [BUILT_IN_ROLES["Role Based Access Control Administrator"], DEV_SCOPE],
                [BUILT_IN_ROLES["Key Vault Secrets User"], "vaults/kv-contoso-test/secrets/github-app-key-dev"],
            ],
        );
    });

    it("limits RBAC Administrator by the condition that lists the stack's non-privileged roles, version 2.0", () => {
        const rbac = ofType(resources, "azure-native:authorization:RoleAssignment").filter((r) => roleIdOf(r) === BUILT_IN_ROLES["Role Based Access Control Administrator"]);
        assert.strictEqual(rbac.length, 2);
        for (const r of rbac) {
            assert.strictEqual(r.inputs.condition, constrainRolesCondition(STACK_ASSIGNABLE_ROLE_IDS));
            assert.strictEqual(r.inputs.conditionVersion, "2.0");
        }
    });

    it("gives each plan identity exactly the read-only roles, at its own environment's scope", () => {
        for (const [name, scope] of [["dev-plan", DEV_SCOPE], ["prod-plan", PROD_SCOPE]]) {
            assert.deepStrictEqual(
                assignmentsOf(principalOf(resources, name)).map((r) => [roleIdOf(r), r.inputs.scope]),
                PLAN_ROLES.map((role) => [resolveRoleId(role), scope]),
            );
        }
    });

    it("grants Application.ReadWrite.OwnedBy on Microsoft Graph's service principal, the role id looked up by value", () => {
        const lookups = calls.filter((c) => c.token === "azuread:index/getServicePrincipal:getServicePrincipal");
        assert.ok(lookups.length > 0 && lookups.every((c) => c.inputs.clientId === "00000003-0000-0000-c000-000000000000"));
        const grants = ofType(resources, "azuread:index/appRoleAssignment:AppRoleAssignment");
        assert.deepStrictEqual(
            grants.map((g) => [g.inputs.principalObjectId, g.inputs.resourceObjectId, g.inputs.appRoleId]),
            ["dev-apply", "prod-apply"].map((n) => [principalOf(resources, n), FAKE_GRAPH.objectId, "18a4783c-866b-4cc7-a460-3d5e5662c884"]),
        );
    });

    it("trusts each identity from its own GitHub environment only", () => {
        const subjects = ofType(resources, "azure-native:managedidentity:FederatedIdentityCredential").map((c) => [c.name, c.inputs.subject]);
        assert.deepStrictEqual(subjects, [
            ["dev-plan-environment-infra-dev-plan", "repo:contoso/platform:environment:infra-dev-plan"],
            ["dev-apply-environment-infra-dev", "repo:contoso/platform:environment:infra-dev"],
            ["prod-plan-environment-infra-prod-plan", "repo:contoso/platform:environment:infra-prod-plan"],
            ["prod-apply-environment-infra-prod", "repo:contoso/platform:environment:infra-prod"],
        ]);
    });

    it("creates no password, client secret, certificate or Key Vault secret; the vault has RBAC and purge protection", () => {
        assert.deepStrictEqual(resources.filter((r) => /Password|Certificate|Secret$|keyvault:Secret|keyvault:Key\b/.test(r.type) && !r.type.startsWith("github:")), []);
        const vault = one(resources, "azure-native:keyvault:Vault");
        assert.strictEqual(vault.inputs.properties.enableRbacAuthorization, true);
        assert.strictEqual(vault.inputs.properties.enablePurgeProtection, true);
        assert.strictEqual(vault.protect, true);
    });

    it("protects infra-prod with reviewers and main only through a custom branch policy; infra-dev-plan is open to pull requests", () => {
        const environments = ofType(resources, "github:index/repositoryEnvironment:RepositoryEnvironment");
        const prod = environments.find((e) => e.inputs.environment === "infra-prod")!;
        assert.deepStrictEqual(prod.inputs.reviewers, [{ users: [4242], teams: [77] }]);
        assert.deepStrictEqual(prod.inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
        assert.strictEqual(prod.inputs.canAdminsBypass, false);
        const policies = ofType(resources, "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy");
        assert.deepStrictEqual(policies.map((p) => [p.inputs.environment, p.inputs.branchPattern]).sort(), [
            ["infra-dev", "main"],
            ["infra-prod", "main"],
            ["infra-prod-plan", "main"],
        ]);
        assert.strictEqual(environments.find((e) => e.inputs.environment === "infra-dev-plan")!.inputs.deploymentBranchPolicy, undefined);
    });

    it("passes every mandatory policy, and the plan prints the Pulumi Cloud advisory", () => {
        const results = runPolicies(fromRecorded(resources), { name: "test" });
        assert.deepStrictEqual(results.filter((r) => r.enforcementLevel === "mandatory"), []);
        assert.deepStrictEqual(results.map((r) => r.policy), ["pipeline-pulumi-cloud-tokens"]);
    });

    it("writes exactly the ids each workflow job reads, in the environment that job runs in, name for name", () => {
        const written = new Map<string, string[]>();
        for (const r of resources.filter((x) => x.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret" || x.type === "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable")) {
            const key = r.inputs.environment as string;
            written.set(key, [...(written.get(key) ?? []), r.inputs.secretName ?? r.inputs.variableName].sort());
        }
        assert.deepStrictEqual(written.get("infra-dev"), [...INFRA_APPLY_SECRET_NAMES, ...INFRA_APPLY_VARIABLE_NAMES].sort());
        assert.deepStrictEqual(written.get("infra-prod-plan"), [...INFRA_PLAN_SECRET_NAMES].sort());
        const REPOSITORY_VARIABLES = ["PULUMI_ORG", "INFRA_GITHUB_APP_CLIENT_ID", "APP_REPOSITORY_OWNER", "APP_REPOSITORY_NAME", "PROD_RUNS_ON"];
        let jobsInEnvironments = 0;
        for (const file of ["preview.yml", "deploy.yml"]) {
            const wf = parseWorkflow(readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8"));
            for (const [name, job] of Object.entries(wf.jobs ?? {})) {
                const body = JSON.stringify(job);
                // PULUMI_TEAM is written only when the bootstrap manages Pulumi Cloud (tested below).
                const read = [...contextNames(body, "secrets"), ...contextNames(body, "vars").filter((v) => !REPOSITORY_VARIABLES.includes(v) && v !== PULUMI_TEAM_VARIABLE)].sort();
                if (job.environment === undefined) {
                    assert.deepStrictEqual(read, [], `${file} job "${name}" reads environment ids outside an environment`);
                    continue;
                }
                jobsInEnvironments++;
                assert.deepStrictEqual(read, written.get(String(job.environment)), `${file} job "${name}" in ${String(job.environment)}`);
            }
        }
        assert.strictEqual(jobsInEnvironments, 4);
    });
});

describe("bootstrap: subjects follow what GitHub sends", () => {
    /** A GitHub API that knows one repository: its facts and its OIDC subject setting. */
    function fakeGitHub(subject: Record<string, unknown>): typeof fetch {
        const bodies: Record<string, unknown> = {
            "/repos/contoso/platform": { full_name: "contoso/platform", id: 681, visibility: "public", owner: { id: 99, login: "contoso", type: "Organization" } },
            "/repos/contoso/platform/actions/oidc/customization/sub": subject,
        };
        return (async (url: URL) => {
            const body = bodies[new URL(url).pathname];
            return new Response(JSON.stringify(body ?? { message: "Not Found" }), { status: body ? 200 : 404, headers: { "content-type": "application/json" } });
        }) as typeof fetch;
    }
    const runProgram = async (subject: Record<string, unknown>, extraConfig: Record<string, string> = {}) => {
        const config = { ...readStackConfig("test", path.dirname(FIXTURE)), ...extraConfig };
        const warnings: string[] = [];
        const programPath = require.resolve("../bootstrap/index");
        delete require.cache[programPath];
        const run = await runUnderMocks(
            () => (require(programPath) as (host: object) => Promise<unknown>)({ env: { GITHUB_TOKEN: "test-token" }, fetch: fakeGitHub(subject), warn: (m: string) => warnings.push(m) }),
            { project: PROJECT, stack: "test", config, preview: true },
        );
        const subjects = ofType(run.resources, "azure-native:managedidentity:FederatedIdentityCredential").map((c) => c.inputs.subject);
        return { subjects, warnings };
    };

    it("immutable subjects (use_immutable_subject), with the ids GitHub gave", async () => {
        const { subjects, warnings } = await runProgram({ use_default: true, use_immutable_subject: true });
        assert.deepStrictEqual(subjects, [
            "repo:contoso@99/platform@681:environment:infra-dev-plan",
            "repo:contoso@99/platform@681:environment:infra-dev",
            "repo:contoso@99/platform@681:environment:infra-prod-plan",
            "repo:contoso@99/platform@681:environment:infra-prod",
        ]);
        assert.deepStrictEqual(warnings, []);
    });

    it("a custom template (include_claim_keys repo, context)", async () => {
        const { subjects } = await runProgram({ use_default: false, include_claim_keys: ["repo", "context"] });
        assert.strictEqual(subjects[1], "repo:contoso/platform:environment:infra-dev");
    });

    it("a forced format that GitHub contradicts stops the run, naming the bootstrap's key", async () => {
        const message = await rejectionMessage(() => runProgram({ use_default: true, use_immutable_subject: true }, { "credless-aks-bootstrap:github": JSON.stringify({ repository: "contoso/platform", subjectFormat: "name" }) }), "the bootstrap");
        assert.match(message, /credless-aks-bootstrap:github\.subjectFormat is "name", but GitHub sends immutable subjects for contoso\/platform/);
    });

    it("without a token, says what it assumed", async () => {
        const config = readStackConfig("test", path.dirname(FIXTURE));
        const warnings: string[] = [];
        const programPath = require.resolve("../bootstrap/index");
        delete require.cache[programPath];
        await runUnderMocks(() => (require(programPath) as (host: object) => Promise<unknown>)({ env: {}, warn: (m: string) => warnings.push(m) }), {
            project: PROJECT,
            stack: "test",
            config,
            preview: true,
        });
        assert.strictEqual(warnings.length, 1);
        assert.match(warnings[0], /^credless-aks-bootstrap:github: the subject format was not checked against GitHub \(no GitHub token\): assumed name-based subjects/);
    });
});

describe("bootstrap: Pulumi Cloud, when config turns it on", () => {
    it("registers GitHub's issuer with a team token per exact subject: read-only for previews, one stack for deploys; no organization token", async () => {
        const config = { ...parseBootstrapConfig({ ...fixtureRaw(), pulumiCloud: { organization: "contoso" } }) };
        const { resources } = await runBootstrap(config);
        const issuer = one(resources, "pulumiservice:index:OidcIssuer");
        assert.strictEqual(issuer.inputs.url, "https://token.actions.githubusercontent.com");
        assert.deepStrictEqual(
            issuer.inputs.policies.map((p: { decision: string; tokenType: string; teamName: string; rules: { sub: string; aud: string } }) => [p.decision, p.tokenType, p.teamName, p.rules.sub, p.rules.aud]),
            [
                ["allow", "team", "credless-aks-dev-preview", "repo:contoso/platform:environment:infra-dev-plan", "urn:pulumi:org:contoso"],
                ["allow", "team", "credless-aks-dev-deploy", "repo:contoso/platform:environment:infra-dev", "urn:pulumi:org:contoso"],
                ["allow", "team", "credless-aks-prod-preview", "repo:contoso/platform:environment:infra-prod-plan", "urn:pulumi:org:contoso"],
                ["allow", "team", "credless-aks-prod-deploy", "repo:contoso/platform:environment:infra-prod", "urn:pulumi:org:contoso"],
            ],
        );
        assert.deepStrictEqual(
            ofType(resources, "pulumiservice:index:TeamStackPermission").map((p) => [p.inputs.team, `${p.inputs.project}/${p.inputs.stack}`, p.inputs.permission]),
            [
                ["credless-aks-dev-preview", "credless-aks/dev", 101],
                ["credless-aks-dev-deploy", "credless-aks/dev", 102],
                ["credless-aks-prod-preview", "credless-aks/prod", 101],
                ["credless-aks-prod-deploy", "credless-aks/prod", 102],
            ],
        );
        const teamVariables = ofType(resources, "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable")
            .filter((v) => v.inputs.variableName === PULUMI_TEAM_VARIABLE)
            .map((v) => [v.inputs.environment, v.inputs.value]);
        assert.deepStrictEqual(teamVariables.sort(), [
            ["infra-dev", "credless-aks-dev-deploy"],
            ["infra-dev-plan", "credless-aks-dev-preview"],
            ["infra-prod", "credless-aks-prod-deploy"],
            ["infra-prod-plan", "credless-aks-prod-preview"],
        ]);
        assert.deepStrictEqual(runPolicies(fromRecorded(resources), { name: "test" }), []);
    });

    it("refuses a bad organization name", () => {
        assert.throws(() => parseBootstrapConfig({ ...fixtureRaw(), pulumiCloud: { organization: "has space" } }), {
            message: /credless-aks-bootstrap:pulumiCloud\.organization is "has space": must be a Pulumi Cloud organization name/,
        });
    });
});

describe("bootstrap: app registrations instead of managed identities", () => {
    it("creates an app, its service principal and one credential per identity, with no password, and the same policies pass", async () => {
        const config = { ...parseBootstrapConfig(fixtureRaw()), identityKind: "application" as const };
        const { resources } = await runBootstrap(config);
        assert.strictEqual(ofType(resources, "azuread:index/application:Application").length, 4);
        assert.strictEqual(ofType(resources, "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential").length, 4);
        assert.strictEqual(ofType(resources, "azure-native:managedidentity:UserAssignedIdentity").length, 0);
        assert.deepStrictEqual(mandatoryViolations(fromRecorded(resources), { name: "test" }), []);
    });
});

describe("bootstrap: the policies catch the insecure variants", () => {
    const repository = { owner: "contoso", name: "platform" };
    const subscription = `/subscriptions/${FAKE.subscriptionId}`;
    const run = (program: () => void) => runUnderMocks(program, { project: PROJECT, stack: "test" });

    it("today's design, one apply identity for dev and prod with Contributor on the subscription: prod isolation fails", async () => {
        const { resources } = await run(() => {
            new PipelineIdentity("apply", {
                identityName: "id-apply",
                resourceGroupName: "rg",
                location: "westeurope",
                repository,
                triggers: [
                    { kind: "environment", name: "infra-dev" },
                    { kind: "environment", name: "infra-prod" },
                ],
                roleAssignments: [{ roleDefinitionIdOrName: "Contributor", scope: subscription }],
            });
        });
        const findings = mandatoryViolations(fromRecorded(resources), { name: "test" });
        assert.deepStrictEqual(
            findings.map((f) => [f.policy, f.message]),
            [
                [
                    "pipeline-prod-isolation",
                    `apply-identity can be obtained by jobs in the non-prod environment "dev" and holds Contributor at "${subscription}", which overlaps prod's scope "${subscription}": give each environment its own identity and scope`,
                ],
            ],
        );
    });

    it("a dev identity with Reader on prod's subscription, and an apply identity trusted by pull requests", async () => {
        const { resources } = await run(() => {
            new PipelineIdentity("prod-apply", {
                identityName: "id-prod",
                resourceGroupName: "rg",
                location: "westeurope",
                repository,
                triggers: [{ kind: "environment", name: "infra-prod" }],
                roleAssignments: [{ roleDefinitionIdOrName: "Contributor", scope: `${subscription}/resourceGroups/rg-prod` }],
            });
            new PipelineIdentity("dev-plan", {
                identityName: "id-dev-plan",
                resourceGroupName: "rg",
                location: "westeurope",
                repository,
                triggers: [{ kind: "pull_request" }],
                roleAssignments: [
                    { roleDefinitionIdOrName: "Reader", scope: subscription },
                    { roleDefinitionIdOrName: "Contributor", scope: `${subscription}/resourceGroups/rg-dev` },
                ],
            });
        });
        const findings = mandatoryViolations(fromRecorded(resources), { name: "test" });
        assert.deepStrictEqual(
            findings.map((f) => [f.policy, f.message]),
            [
                [
                    "pipeline-prod-isolation",
                    `dev-plan-identity can be obtained by pull requests and holds Reader at "${subscription}", which overlaps prod's scope "${subscription}/resourceGroups/rg-prod": give each environment its own identity and scope`,
                ],
                [
                    "pipeline-apply-not-pull-request",
                    `dev-plan-identity holds Contributor at "${subscription}/resourceGroups/rg-dev" and is trusted by "repo:contoso/platform:pull_request": an apply-time identity trusts only its protected environment`,
                ],
            ],
        );
    });

    it("an unconditioned or privilege-granting RBAC Administrator, and Owner, are refused by the component and by the policy", async () => {
        const attempt = (roleDefinitionIdOrName: string, condition?: string) =>
            run(() => {
                new PipelineIdentity("x", {
                    identityName: "id-x",
                    resourceGroupName: "rg",
                    location: "westeurope",
                    repository,
                    triggers: [{ kind: "environment", name: "infra-dev" }],
                    roleAssignments: [{ roleDefinitionIdOrName, scope: subscription, condition }],
                });
            }).then(
                () => "created",
                (e: Error) => e.message,
            );
        assert.match(
            await attempt("Role Based Access Control Administrator"),
            /roleAssignments\[0\]\.roleDefinitionIdOrName is "Role Based Access Control Administrator": Role Based Access Control Administrator must carry a condition that limits both roleAssignments\/write and roleAssignments\/delete to listed roles/,
        );
        assert.match(
            await attempt("Role Based Access Control Administrator", constrainRolesCondition([BUILT_IN_ROLES.Reader, BUILT_IN_ROLES.Owner])),
            /lets its holder assign the privileged role 8e3af657-a8ff-443c-a75c-2fe8c4bcb635/,
        );
        assert.match(await attempt("Owner"), /roleAssignments\[0\]\.roleDefinitionIdOrName is "Owner": is never granted to a pipeline identity/);
        // The policy holds for resources the component did not make.
        const urn = `urn:pulumi:test::${PROJECT}::azure-native:authorization:RoleAssignment::raw`;
        const findings = mandatoryViolations(
            [
                {
                    type: "azure-native:authorization:RoleAssignment",
                    name: "raw",
                    urn,
                    props: { scope: subscription, principalId: "p", principalType: "ServicePrincipal", roleDefinitionId: `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES["User Access Administrator"]}` },
                },
            ],
            { name: "test" },
        );
        assert.deepStrictEqual(findings.map((f) => f.policy), ["pipeline-identity-role-limits"]);
    });
});

describe("bootstrap: the offline plan", () => {
    it("npm run plan -- --project bootstrap <stack> shows identities, subjects, scopes, the Graph permission and the vault", async () => {
        let out = "";
        let err = "";
        const code = await main(["--project", "bootstrap", "test"], { root: path.join(__dirname, "fixtures", "plan-root"), stdout: (t) => (out += t), stderr: (t) => (err += t) });
        assert.strictEqual(err, "");
        assert.strictEqual(code, 0);
        for (const expected of [
            'managed identity "id-platform-dev-apply"',
            "obtained by: GitHub repo:contoso/platform:environment:infra-dev",
            'may: Contributor on resource group "rg-platform-dev"',
            `may: Role Based Access Control Administrator on resource group "rg-platform-dev" (may assign and remove only ${STACK_ASSIGNABLE_ROLE_IDS.length} listed roles, none of them privileged)`,
            'may: Key Vault Secrets User on secret "github-app-key-prod" of key vault "kv-contoso-test"',
            "may: Microsoft Graph Application.ReadWrite.OwnedBy (application permission, admin-consented)",
            "ADVISORY pipeline-pulumi-cloud-tokens",
        ]) {
            assert.ok(out.includes(expected), `plan output lacks ${expected}`);
        }
    });
});
