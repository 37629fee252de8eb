import * as assert from "assert";
import { Report } from "../commands/verify/report";
import { createAdapters, missingToolError, ToolError } from "../commands/verify/adapters";
import { rejectionOf } from "./harness";
import { Call, healthyProcessesRun, healthyScenario, runVerify, RunVerifyOptions, Scenario, VerifyRun, withFakeExecutables, withSecondWorkload } from "./verifyHarness";


/**
 * `npm run verify` end to end, against fake tools. Each broken link fails its
 * own check with its own message; the others keep passing. Most runs call the
 * fake in-process; the tests marked "(processes)" spawn it as executables on
 * PATH, so the real spawn path (stdin, exit codes, ENOENT) stays covered, and
 * one test shows both ways record the same calls.
 */

async function runJson(scenario: Scenario, extra: string[] = [], options: RunVerifyOptions = {}): Promise<{ run: VerifyRun; report: Report }> {
    const run = await runVerify(scenario, ["dev", "--format", "json", ...extra], options);
    return { run, report: JSON.parse(run.out) as Report };
}

function check(report: Report, name: string) {
    const found = report.checks.find((c) => c.name === name);
    assert.ok(found, `no check named ${name}: ${report.checks.map((c) => c.name).join(", ")}`);
    return found;
}

const ISSUER = "OIDC issuer discovery";
const ACR = "cluster pulls from the registry (az aks check-acr)";
const ADMIN = "registry admin user is off";
const API = "workload geofencing-api: token exchange";
const WORKER = "workload geofencing-worker: token exchange";
const FIC = "GitHub app federated credentials";
const SECRETS = "GitHub secrets and variables";
const API_POD = "credless-verify-geofencing-api-f00d42";

const callsOf = (calls: Call[], tool: string) => calls.filter((c) => c.tool === tool);
const kubectlVerbs = (calls: Call[]) => callsOf(calls, "kubectl").map((c) => c.args.slice(2, 5).join(" "));

function failingNames(report: Report): string[] {
    return report.checks.filter((c) => c.status !== "pass").map((c) => c.name);
}

describe("verify: a healthy environment (processes)", () => {
    let run: VerifyRun;
    let report: Report;
    before(async () => {
        run = await healthyProcessesRun();
        report = JSON.parse(run.out) as Report;
    });

    it("records the same calls, output and pods in-process as with the fake executables", async () => {
        const inProcess = await runVerify(withSecondWorkload(healthyScenario()), ["dev", "--format", "json"]);
        assert.ok(run.calls.length > 0);
        assert.deepStrictEqual(inProcess.calls, run.calls);
        assert.deepStrictEqual(
            [inProcess.code, inProcess.out, inProcess.err, inProcess.podsLeft, inProcess.sleeps],
            [run.code, run.out, run.err, run.podsLeft, run.sleeps],
        );
    });

    it("passes every check and exits 0", () => {
        assert.strictEqual(run.code, 0);
        assert.deepStrictEqual(failingNames(report), []);
        assert.deepStrictEqual(report.checks.map((c) => c.name), [ISSUER, ACR, ADMIN, API, WORKER, FIC, SECRETS]);
        assert.deepStrictEqual(report.summary, { passed: 7, failed: 0, skipped: 0 });
    });

    it("reads the stack's outputs without secrets", () => {
        assert.deepStrictEqual(callsOf(run.calls, "pulumi").map((c) => c.args), [["stack", "output", "--json", "--stack", "dev"]]);
        assert.ok(run.calls.every((c) => !c.args.includes("--show-secrets")));
    });

    it("fetches the discovery document under the issuer", () => {
        const urls = callsOf(run.calls, "curl").map((c) => c.args[c.args.length - 1]);
        assert.deepStrictEqual(urls, [
            "https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-00000000aaaa/11111111-2222-3333-4444-555555555555/.well-known/openid-configuration",
        ]);
    });

    it("runs az aks check-acr with the login server and a non-interactive kubelogin", () => {
        const [call] = callsOf(run.calls, "az").filter((c) => c.args[1] === "check-acr");
        assert.deepStrictEqual(call.args, [
            "aks",
            "check-acr",
            "--resource-group",
            "rg-geofencing-dev",
            "--name",
            "aks-geofencing-dev",
            "--acr",
            "crcontosogeodev.azurecr.io",
        ]);
        assert.strictEqual(call.env.AAD_LOGIN_METHOD, "azurecli");
    });

    it("creates one labelled pod per workload with its service account, and deletes each", () => {
        const creates = callsOf(run.calls, "kubectl").filter((c) => c.args.includes("create"));
        const pods = creates.map((c) => JSON.parse(c.stdin ?? "{}"));
        assert.deepStrictEqual(
            pods.map((p) => [p.metadata.namespace, p.metadata.name, p.spec.serviceAccountName, p.metadata.labels["azure.workload.identity/use"]]),
            [
                ["geofencing", API_POD, "geofencing-api", "true"],
                ["geofencing", "credless-verify-geofencing-worker-f00d42", "geofencing-worker", "true"],
            ],
        );
        assert.strictEqual(pods[0].spec.restartPolicy, "Never");
        assert.deepStrictEqual(
            kubectlVerbs(run.calls).filter((v) => v.startsWith("delete")),
            [`delete pod ${API_POD}`, "delete pod credless-verify-geofencing-worker-f00d42"],
        );
        assert.deepStrictEqual(run.podsLeft, []);
    });

    it("uses the cluster's kubeconfig context for every kubectl call", () => {
        const kubectl = callsOf(run.calls, "kubectl");
        assert.ok(kubectl.length > 0);
        assert.ok(kubectl.every((c) => c.args[0] === "--context" && c.args[1] === "aks-geofencing-dev"));
    });

    it("lists the environment's secret and variable names, never their values", () => {
        const gh = callsOf(run.calls, "gh").map((c) => [c.args.find((a) => a.startsWith("/repos/")), c.args[c.args.indexOf("--jq") + 1]]);
        assert.deepStrictEqual(gh, [
            ["/repos/contoso/geofencing/environments/dev/secrets", ".secrets[].name"],
            ["/repos/contoso/geofencing/environments/dev/variables", ".variables[].name"],
        ]);
    });

    it("prints a table for people, with the plain summary line", async () => {
        const table = await runVerify(healthyScenario(), ["dev", "--context", "my-ctx"]);
        assert.strictEqual(table.code, 0);
        assert.match(table.out, /^PASS {4}OIDC issuer discovery/m);
        assert.match(table.out, /^6 passed, 0 failed, 0 skipped$/m);
        assert.ok(callsOf(table.calls, "kubectl").every((c) => c.args[1] === "my-ctx"));
    });
});

describe("verify: each broken link fails with its own message", () => {
    it("wrong issuer: the stack output lacks the trailing slash", async () => {
        const s = healthyScenario();
        s.outputs.oidcIssuerUrl = s.outputs.oidcIssuerUrl.replace(/\/$/, "");
        const { run, report } = await runJson(s);
        assert.strictEqual(run.code, 1);
        assert.deepStrictEqual(failingNames(report), [ISSUER]);
        const c = check(report, ISSUER);
        assert.match(c.detail, /the trailing '\/' is missing$/);
        assert.match(c.likelyCause ?? "", /^wrong issuer/);
    });

    it("wrong issuer: the issuer does not serve a discovery document", async () => {
        const s = healthyScenario();
        s.discovery = { exitCode: 6, error: "Could not resolve host: westeurope.oic.prod-aks.azure.com" };
        const { report } = await runJson(s);
        assert.deepStrictEqual(failingNames(report), [ISSUER]);
        assert.match(check(report, ISSUER).detail, /did not answer: curl: \(6\) Could not resolve host/);
    });

    it("missing AcrPull: check-acr's token exchange is rejected", async () => {
        const s = healthyScenario();
        s.checkAcr = { file: "check-acr-no-acrpull.txt", exitCode: 1 };
        const { run, report } = await runJson(s);
        assert.strictEqual(run.code, 1);
        assert.deepStrictEqual(failingNames(report), [ACR]);
        const c = check(report, ACR);
        assert.match(c.detail, /rejected token exchange: ACR token exchange endpoint returned error status: 403/);
        assert.match(c.likelyCause ?? "", /^missing AcrPull/);
        assert.match(c.fix ?? "", /--assignee 33333333-0000-0000-0000-000000000001 --scope \/subscriptions\/.*\/registries\/crcontosogeodev/);
    });

    it("the registry's admin user is on", async () => {
        const s = healthyScenario();
        s.adminUserEnabled = true;
        const { report } = await runJson(s);
        assert.deepStrictEqual(failingNames(report), [ADMIN]);
        assert.strictEqual(check(report, ADMIN).detail, "registry crcontosogeodev has adminUserEnabled=true");
    });

    it("a subject with different case", async () => {
        const s = healthyScenario();
        s.federatedCredentials[0].subject = "repo:Contoso/geofencing:environment:dev";
        const { run, report } = await runJson(s);
        assert.strictEqual(run.code, 1);
        assert.deepStrictEqual(failingNames(report), [FIC]);
        const c = check(report, FIC);
        assert.strictEqual(
            c.detail,
            "subject repo:Contoso/geofencing:environment:dev differs from the expected repo:contoso/geofencing:environment:dev only in letter case",
        );
        assert.match(c.likelyCause ?? "", /case-sensitively/);
    });

    it("a missing subject and an unexpected one", async () => {
        const s = healthyScenario();
        s.federatedCredentials[0].subject = "repo:contoso/geofencing:ref:refs/heads/main";
        const { report } = await runJson(s);
        const c = check(report, FIC);
        assert.strictEqual(
            c.detail,
            "no credential has subject repo:contoso/geofencing:environment:dev; unexpected credential with subject repo:contoso/geofencing:ref:refs/heads/main",
        );
        assert.match(c.likelyCause ?? "", /^subject mismatch: GitHub jobs/);
    });

    it("a missing secret", async () => {
        const s = healthyScenario();
        s.github.secrets = s.github.secrets.filter((n: string) => n !== "REGISTRY_LOGIN_SERVER");
        const { run, report } = await runJson(s);
        assert.strictEqual(run.code, 1);
        assert.deepStrictEqual(failingNames(report), [SECRETS]);
        assert.strictEqual(check(report, SECRETS).detail, "environment dev of contoso/geofencing lacks secret REGISTRY_LOGIN_SERVER");
    });

    it("a missing variable, in repository scope", async () => {
        const s = healthyScenario();
        s.outputs.githubSecretsScope = "repository";
        s.outputs.githubEnvironment = null;
        s.github.variables = ["AKS_CLUSTER_NAME"];
        const { run, report } = await runJson(s);
        assert.strictEqual(check(report, SECRETS).detail, "repository contoso/geofencing lacks variable AKS_RESOURCE_GROUP");
        const paths = callsOf(run.calls, "gh").map((c) => c.args.find((a) => a.startsWith("/repos/")));
        assert.deepStrictEqual(paths, ["/repos/contoso/geofencing/actions/secrets", "/repos/contoso/geofencing/actions/variables"]);
    });
});

describe("verify: a pod that cannot get a token", () => {
    function failingPod(s: Scenario, logs: string, webhookEnv?: string[]): Scenario {
        const pod = s.pods["geofencing/geofencing-api"];
        pod.phase = "Failed";
        pod.exitCode = 4;
        pod.logs = logs;
        if (webhookEnv) {
            pod.webhookEnv = webhookEnv;
        }
        return s;
    }

    it("subject mismatch (AADSTS700213): fails with Entra's message, and the pod is deleted", async () => {
        const s = failingPod(
            healthyScenario(),
            "credless-verify: client-id=55555555-0000-0000-0000-000000000001\nERROR: AADSTS700213: No matching federated identity record found for presented assertion subject 'system:serviceaccount:geofencing:geofencing-api'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.\n",
        );
        const { run, report } = await runJson(s);
        assert.strictEqual(run.code, 1);
        assert.deepStrictEqual(failingNames(report), [API]);
        const c = check(report, API);
        assert.strictEqual(
            c.detail,
            "token exchange for system:serviceaccount:geofencing:geofencing-api failed with AADSTS700213: No matching federated identity record found for presented assertion subject 'system:serviceaccount:geofencing:geofencing-api'.",
        );
        assert.match(c.likelyCause ?? "", /^subject mismatch/);
        assert.ok(kubectlVerbs(run.calls).includes(`delete pod ${API_POD}`));
        assert.deepStrictEqual(run.podsLeft, []);
    });

    it("issuer mismatch (AADSTS700211)", async () => {
        const s = failingPod(
            healthyScenario(),
            "credless-verify: client-id=55555555-0000-0000-0000-000000000001\nERROR: AADSTS700211: No matching federated identity record found for presented assertion issuer 'https://westeurope.oic.prod-aks.azure.com/x/y/'.\n",
        );
        const { report } = await runJson(s);
        assert.match(check(report, API).likelyCause ?? "", /^issuer mismatch/);
    });

    it("webhook not running: no token file is injected", async () => {
        const s = failingPod(healthyScenario(), "credless-verify: no-webhook-env\n", []);
        s.pods["geofencing/geofencing-api"].exitCode = 3;
        const { run, report } = await runJson(s);
        const c = check(report, API);
        assert.strictEqual(
            c.detail,
            "the workload identity webhook did not mutate the test pod (missing AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST)",
        );
        assert.match(c.likelyCause ?? "", /^webhook not running/);
        assert.deepStrictEqual(run.podsLeft, []);
    });

    it("a pod that never finishes: waits --pod-timeout with the injected sleep, then deletes it", async () => {
        const s = healthyScenario();
        s.pods["geofencing/geofencing-api"].phase = "Pending";
        const { run, report } = await runJson(s, ["--pod-timeout", "10"]);
        const c = check(report, API);
        assert.strictEqual(c.detail, "the test pod is Pending (ContainerCreating) after 10s");
        assert.deepStrictEqual(run.sleeps, Array(10).fill(1000));
        assert.strictEqual(kubectlVerbs(run.calls).filter((v) => v === `get pod ${API_POD}`).length, 10);
        assert.deepStrictEqual(run.podsLeft, []);
    });

    it("an image the cluster cannot pull stops the wait early", async () => {
        const s = healthyScenario();
        Object.assign(s.pods["geofencing/geofencing-api"], { phase: "Pending", waitingReason: "ImagePullBackOff" });
        const { run, report } = await runJson(s, ["--image", "example.invalid/azure-cli:1"]);
        assert.strictEqual(check(report, API).detail, "the test pod's image example.invalid/azure-cli:1 was not pulled (ImagePullBackOff)");
        assert.deepStrictEqual(run.sleeps, []);
        assert.deepStrictEqual(run.podsLeft, []);
    });

    it("a pod the API server rejects is still deleted", async () => {
        const s = healthyScenario();
        s.podCreateError =
            'Error from server (Forbidden): error when creating "STDIN": pods "x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true';
        const { run, report } = await runJson(s);
        assert.match(check(report, API).likelyCause ?? "", /^Pod Security admission in namespace geofencing/);
        assert.ok(kubectlVerbs(run.calls).includes(`delete pod ${API_POD}`));
    });

    it("a kubectl that fails while watching the pod: the check fails with kubectl's message and the pod is deleted", async () => {
        const s = healthyScenario();
        s.podGetError = "error: You must be logged in to the server (Unauthorized)";
        const { run, report } = await runJson(s);
        assert.deepStrictEqual([check(report, API).detail, check(report, API).fix], [
            "kubectl is not logged in to the cluster",
            "run az login, then kubelogin convert-kubeconfig -l azurecli",
        ]);
        assert.ok(kubectlVerbs(run.calls).includes(`delete pod ${API_POD}`));
        assert.deepStrictEqual(run.podsLeft, []);
    });

    it("a pod that cannot be deleted fails the check and says how to delete it", async () => {
        const s = healthyScenario();
        s.podDeleteError = "Error from server (Forbidden): pods is forbidden: User cannot delete resource";
        const { report } = await runJson(s);
        assert.strictEqual(check(report, API).status, "fail");
        assert.match(check(report, API).detail, /could not delete test pod geofencing\/credless-verify-geofencing-api-f00d42 .*: kubectl delete pod credless-verify-geofencing-api-f00d42 --namespace geofencing$/);
    });

    it("a service account without the client-id annotation fails before any pod is created", async () => {
        const s = withSecondWorkload(healthyScenario());
        s.serviceAccounts["geofencing/geofencing-api"] = {};
        const { run, report } = await runJson(s);
        assert.strictEqual(
            check(report, API).detail,
            "service account geofencing/geofencing-api has azure.workload.identity/client-id=(none), expected 55555555-0000-0000-0000-000000000001",
        );
        const created = callsOf(run.calls, "kubectl")
            .filter((c) => c.args.includes("create"))
            .map((c) => JSON.parse(c.stdin ?? "{}").spec.serviceAccountName);
        assert.deepStrictEqual(created, ["geofencing-worker"]);
    });
});

describe("verify: right after pulumi up, propagation errors are retried for a bounded time", () => {
    const log = (code: string) =>
        `credless-verify: client-id=55555555-0000-0000-0000-000000000001\nERROR: AADSTS${code}: No matching federated identity record found for presented assertion subject 'system:serviceaccount:geofencing:geofencing-api'.\n`;
    const failedTry = (code: string) => ({ phase: "Failed", exitCode: 4, logs: log(code) });
    const podsCreated = (calls: Call[]) => callsOf(calls, "kubectl").filter((c) => c.args.includes("create")).length;

    it("a token exchange that fails with AADSTS700213, then AADSTS70021, passes on the third try, with the countdown on stderr", async () => {
        const s = healthyScenario();
        s.pods["geofencing/geofencing-api"].tries = [failedTry("700213"), failedTry("70021")];
        const { run, report } = await runJson(s);
        assert.strictEqual(run.code, 0);
        assert.deepStrictEqual(
            { status: check(report, API).status, tries: check(report, API).tries, waitedSeconds: check(report, API).waitedSeconds },
            { status: "pass", tries: 3, waitedSeconds: 30 },
        );
        const propagation = "a federated credential created or changed by a recent pulumi up can take a few minutes to propagate in Entra ID";
        assert.strictEqual(
            run.err,
            [
                `verify: ${API}: failed on try 1 (AADSTS700213: ${propagation}); trying again in 15s, reporting it as broken in 5m`,
                `verify: ${API}: failed on try 2 (AADSTS70021: ${propagation}); trying again in 15s, reporting it as broken in 4m45s`,
                `verify: ${API}: passed on try 3, after 30s`,
                "",
            ].join("\n"),
        );
        assert.deepStrictEqual(run.sleeps, [15_000, 15_000]);
        assert.strictEqual(podsCreated(run.calls), 3);
        assert.deepStrictEqual(run.podsLeft, []);
    });

    it("one that never clears is reported as broken once --propagation-wait is over", async () => {
        const s = healthyScenario();
        Object.assign(s.pods["geofencing/geofencing-api"], failedTry("700213"));
        const { run, report } = await runJson(s, ["--propagation-wait", "60"]);
        assert.strictEqual(run.code, 1);
        const c = check(report, API);
        assert.deepStrictEqual([c.status, c.tries, c.waitedSeconds], ["fail", 5, 60]);
        assert.match(c.likelyCause ?? "", /^subject mismatch/);
        assert.strictEqual(podsCreated(run.calls), 5);
        assert.deepStrictEqual(run.podsLeft, []);
        const lines = run.err.trim().split("\n");
        assert.strictEqual(lines.length, 5);
        assert.match(lines[3], /failed on try 4 .*; trying again in 15s, reporting it as broken in 15s$/);
        assert.strictEqual(lines[4], `verify: ${API}: still failing after 5 tries over 1m: reported as broken`);
    });

    it("an error that is not propagation (AADSTS700211) is reported at once", async () => {
        const s = healthyScenario();
        s.pods["geofencing/geofencing-api"].tries = [failedTry("700211")];
        const { run, report } = await runJson(s);
        assert.deepStrictEqual([check(report, API).status, check(report, API).tries], ["fail", undefined]);
        assert.deepStrictEqual([podsCreated(run.calls), run.sleeps, run.err], [1, [], ""]);
    });

    it("a registry answering 403 to the kubelet identity passes once the role assignment has propagated", async () => {
        const s = healthyScenario();
        s.checkAcr.tries = [{ file: "check-acr-no-acrpull.txt", exitCode: 1 }, { file: "check-acr-no-acrpull.txt", exitCode: 1 }];
        const { run, report } = await runJson(s);
        assert.deepStrictEqual([check(report, ACR).status, check(report, ACR).tries, check(report, ACR).waitedSeconds], ["pass", 3, 30]);
        assert.match(run.err, /^verify: cluster pulls from the registry \(az aks check-acr\): failed on try 1 \(the registry answered 403: a role assignment made by a recent pulumi up can take up to 10 minutes to take effect\); trying again in 15s, reporting it as broken in 5m$/m);
        assert.strictEqual(callsOf(run.calls, "az").filter((c) => c.args[1] === "check-acr").length, 3);
    });

    it("the table shows how often a retried check ran", async () => {
        const s = healthyScenario();
        s.pods["geofencing/geofencing-api"].tries = [failedTry("700213")];
        const run = await runVerify(s, ["dev"]);
        assert.match(run.out, /^ {10,}tried 2 times over 15s; it failed while a recent change propagated, then passed$/m);
    });
});

describe("verify: a stack without workloads", () => {
    it("skips the token exchange and creates no pod", async () => {
        const s = healthyScenario();
        s.outputs.workloads = {};
        const { run, report } = await runJson(s);
        assert.strictEqual(run.code, 0);
        assert.deepStrictEqual(check(report, "workload token exchange"), {
            name: "workload token exchange",
            status: "skip",
            detail: "the stack declares no workloads",
        });
        assert.deepStrictEqual(callsOf(run.calls, "kubectl"), []);
    });
});

describe("verify: missing tools and logins get a clear message", () => {
    it("a missing az fails the checks that need it, naming the tool and the fix", async () => {
        const { run, report } = await runJson(healthyScenario(), [], { without: ["az"] });
        assert.strictEqual(run.code, 1);
        assert.deepStrictEqual(failingNames(report), [ACR, ADMIN, FIC]);
        for (const name of [ACR, ADMIN, FIC]) {
            assert.strictEqual(check(report, name).detail, "az was not found on PATH");
            assert.match(check(report, name).fix ?? "", /install the Azure CLI .* and run az login/);
        }
    });

    it("spawning an executable that is not on PATH gives the same ToolError as the in-process runner (processes)", async () => {
        const { result } = await withFakeExecutables(healthyScenario(), [], (env) =>
            rejectionOf(() => createAdapters({ env }).acrAdminUserEnabled("rg-geofencing-dev", "crcontosogeodev"), "az acr show to reject without az"),
        );
        assert.ok(result instanceof ToolError);
        assert.deepStrictEqual([result.tool, result.kind, result.message, result.fix], ["az", "missing", missingToolError("az").message, missingToolError("az").fix]);
    });

    it("az not logged in", async () => {
        const s = healthyScenario();
        s.azNotLoggedIn = true;
        const { report } = await runJson(s);
        assert.deepStrictEqual([check(report, ADMIN).detail, check(report, ADMIN).fix], ["az is not logged in", "run az login"]);
        assert.deepStrictEqual([check(report, ACR).detail, check(report, ACR).fix], ["az is not logged in", "run az login"]);
    });

    it("a missing kubectl fails each workload check", async () => {
        const { report } = await runJson(withSecondWorkload(healthyScenario()), [], { without: ["kubectl"] });
        assert.deepStrictEqual(failingNames(report), [API, WORKER]);
        assert.strictEqual(check(report, API).detail, "kubectl was not found on PATH");
        assert.match(check(report, API).fix ?? "", /kubelogin convert-kubeconfig -l azurecli/);
    });

    it("gh not logged in: exit code 4", async () => {
        const s = healthyScenario();
        s.ghNotLoggedIn = true;
        const { report } = await runJson(s);
        assert.deepStrictEqual(failingNames(report), [SECRETS]);
        assert.deepStrictEqual(
            [check(report, SECRETS).detail, check(report, SECRETS).fix],
            ["gh is not logged in", "set GITHUB_TOKEN (or GH_TOKEN) or run gh auth login"],
        );
    });

    it("a spawned executable's exit code and stderr reach the classification: gh exiting 4 is not logged in (processes)", async () => {
        const s = healthyScenario();
        s.ghNotLoggedIn = true;
        const { result, calls } = await withFakeExecutables(s, ["gh"], (env) =>
            rejectionOf(() => createAdapters({ env }).githubSecretNames("contoso/geofencing", "dev"), "gh api to reject when gh is not logged in"),
        );
        assert.strictEqual(calls.length, 1);
        assert.ok(result instanceof ToolError);
        assert.deepStrictEqual([result.tool, result.kind, result.message], ["gh", "login", "gh is not logged in"]);
    });

    it("a missing pulumi stops verify with exit code 2 and the fix", async () => {
        const run = await runVerify(healthyScenario(), ["dev"], { without: ["pulumi"] });
        assert.strictEqual(run.code, 2);
        assert.strictEqual(
            run.err,
            "verify: cannot read the outputs of stack dev: pulumi was not found on PATH\nfix: install the Pulumi CLI (https://www.pulumi.com/docs/install/) and run pulumi login\n",
        );
    });

    it("pulumi not logged in, in JSON for CI", async () => {
        const s = healthyScenario();
        s.pulumiNotLoggedIn = true;
        const run = await runVerify(s, ["dev", "--format", "json"]);
        assert.strictEqual(run.code, 2);
        assert.deepStrictEqual(JSON.parse(run.out), {
            stack: "dev",
            ok: false,
            error: "cannot read the outputs of stack dev: pulumi is not logged in",
            fix: "run pulumi login (or set PULUMI_ACCESS_TOKEN)",
        });
    });

    it("stack outputs verify does not understand stop it with every problem listed", async () => {
        const s = healthyScenario();
        delete s.outputs.registryLoginServer;
        s.outputs.workloads["geofencing-api"].clientId = "";
        const run = await runVerify(s);
        assert.strictEqual(run.code, 2);
        assert.match(run.err, /registryLoginServer: expected a non-empty string, got undefined/);
        assert.match(run.err, /workloads\.geofencing-api\.clientId: expected a non-empty string, got ""/);
        assert.strictEqual(callsOf(run.calls, "az").length, 0);
    });
});
