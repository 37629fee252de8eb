import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { classifyFailure, githubListPath, podStateFromJson, PodState } from "../commands/verify/adapters";
import { discoveryUrl } from "../commands/verify/checks";
import {
    aadstsError,
    CheckResult,
    classifyCheckAcr,
    classifyPodOutcome,
    compareSubjects,
    describeDifference,
    PodOutcome,
    WorkloadExpectation,
} from "../commands/verify/classify";
import { parseArgs } from "../commands/verify/main";
import { parseStackOutputs, StackOutputError } from "../commands/verify/outputs";
import { formatSeconds, PropagationWait, retryWhilePropagating } from "../commands/verify/propagation";
import { buildReport, formatTable } from "../commands/verify/report";
import { POD_SCRIPT, testPodManifest, testPodName } from "../commands/verify/workloadCheck";
import { healthyScenario } from "./verifyHarness";

/** The pure rules behind verify, without tools. */

describe("verify rules: string differences", () => {
    const cases: Array<[string, string, string]> = [
        ["https://a/b/", "https://a/b/", "identical"],
        ["https://a/b/", "https://a/b", "the trailing '/' is missing"],
        ["https://a/b", "https://a/b/", "it has an extra trailing '/'"],
        ["repo:contoso/x", "repo:Contoso/x", "they differ only in letter case"],
        ["https://a/b/", "https://a/c/", "they differ from character 11 on"],
    ];
    for (const [expected, actual, text] of cases) {
        it(`${expected} vs ${actual}: ${text}`, () => assert.strictEqual(describeDifference(expected, actual), text));
    }

    it("builds the discovery URL with exactly one slash before .well-known", () => {
        assert.strictEqual(discoveryUrl("https://i/t/c/"), "https://i/t/c/.well-known/openid-configuration");
        assert.strictEqual(discoveryUrl("https://i/t/c"), "https://i/t/c/.well-known/openid-configuration");
    });
});

describe("verify rules: subjects", () => {
    it("matches exactly, and reports case-only differences apart from missing and unexpected ones", () => {
        assert.deepStrictEqual(compareSubjects(["a:x", "a:Y", "a:z"], ["a:x", "a:y", "a:w"]), {
            missing: ["a:z"],
            unexpected: ["a:w"],
            caseOnly: [{ expected: "a:Y", actual: "a:y" }],
        });
        assert.deepStrictEqual(compareSubjects(["a"], ["a"]), { missing: [], unexpected: [], caseOnly: [] });
    });
});

describe("verify rules: the test pod", () => {
    const expectation: WorkloadExpectation = {
        clientId: "c-1",
        namespace: "ns",
        serviceAccount: "sa",
        image: "mcr.microsoft.com/azure-cli",
        timeoutSeconds: 60,
    };
    const webhookEnv = ["AZURE_CONFIG_DIR", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST"];
    const failed = (logs: string): PodOutcome => ({ state: { phase: "Failed", envNames: webhookEnv, exitCode: 4 }, logs, timedOut: false });

    it("extracts the AADSTS code and the first sentence of Entra's message", () => {
        assert.deepStrictEqual(aadstsError("ERROR: AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'x'."), {
            code: "70021",
            message: "No matching federated identity record found for presented assertion.",
        });
        assert.strictEqual(aadstsError("all good"), undefined);
    });

    const codes: Array<[string, RegExp]> = [
        ["70021", /^no federated credential on the identity matches/],
        ["70025", /^the identity has no federated credentials/],
        ["700211", /^issuer mismatch/],
        ["700212", /^audience mismatch/],
        ["700213", /^subject mismatch: no federated credential/],
        ["7002138", /^subject mismatch: Entra ID matches subjects case-sensitively/],
        ["700016", /^the client id is not an application or managed identity/],
        ["90002", /^Entra ID refused the exchange \(AADSTS90002: see https:\/\/login\.microsoftonline\.com\/error\?code=90002\)/],
    ];
    for (const [code, cause] of codes) {
        it(`AADSTS${code} has its own likely cause`, () => {
            const v = classifyPodOutcome(failed(`credless-verify: client-id=c-1\nERROR: AADSTS${code}: Something. More.`), expectation);
            assert.strictEqual(v.status, "fail");
            assert.strictEqual(v.detail, `token exchange for system:serviceaccount:ns:sa failed with AADSTS${code}: Something.`);
            assert.match(v.likelyCause ?? "", cause);
        });
    }

    it("only AADSTS70021 and AADSTS700213, what a propagating federated credential gives, are marked for retry", () => {
        const marked = codes
            .map(([code]) => [code, classifyPodOutcome(failed(`credless-verify: client-id=c-1\nERROR: AADSTS${code}: Something.`), expectation).propagating])
            .filter(([, why]) => why !== undefined);
        assert.deepStrictEqual(marked, [
            ["70021", "AADSTS70021: a federated credential created or changed by a recent pulumi up can take a few minutes to propagate in Entra ID"],
            ["700213", "AADSTS700213: a federated credential created or changed by a recent pulumi up can take a few minutes to propagate in Entra ID"],
        ]);
    });

    it("a pod acting as another client id points at the service account annotation", () => {
        const v = classifyPodOutcome(failed("credless-verify: client-id=c-2\nERROR: AADSTS70021: x."), expectation);
        assert.strictEqual(v.detail, "the pod ran as client id c-2, not the workload's c-1");
    });

    it("passes only when the pod succeeded and printed the token marker", () => {
        const ok = { phase: "Succeeded", envNames: webhookEnv, exitCode: 0 };
        assert.strictEqual(classifyPodOutcome({ state: ok, logs: "credless-verify: client-id=c-1\ncredless-verify: token-ok\n", timedOut: false }, expectation).status, "pass");
        assert.strictEqual(classifyPodOutcome({ state: ok, logs: "credless-verify: client-id=c-1\n", timedOut: false }, expectation).status, "fail");
    });

    it("an unrecognised failure shows the end of the log", () => {
        const v = classifyPodOutcome(failed("credless-verify: client-id=c-1\nline a\nline b\nline c"), expectation);
        assert.strictEqual(v.detail, "token exchange for system:serviceaccount:ns:sa failed (pod Failed, exit code 4): line a | line b | line c");
    });

    it("names pods within 63 DNS-1123 characters", () => {
        const name = testPodName("Geofencing_API.v2-with-a-very-long-name-that-goes-on-and-on-and-on", "abc123");
        assert.ok(name.length <= 63, name);
        assert.match(name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        assert.strictEqual(testPodName("api", "abc123"), "credless-verify-api-abc123");
    });

    it("labels the pod for the webhook, bounds its life, and runs the script", () => {
        const m = testPodManifest("p", { clientId: "c", principalId: "p", namespace: "ns", serviceAccount: "sa" }, { image: "img", timeoutSeconds: 120 });
        assert.deepStrictEqual(m.metadata.labels["azure.workload.identity/use"], "true");
        assert.strictEqual(m.spec.serviceAccountName, "sa");
        assert.strictEqual(m.spec.activeDeadlineSeconds, 180);
        assert.deepStrictEqual((m.spec.containers as Array<{ command: string[] }>)[0].command, ["/bin/sh", "-c", POD_SCRIPT]);
    });
});

describe("verify rules: the pod script, run by sh against a fake az", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-podscript-"));
        fs.writeFileSync(path.join(dir, "token"), "header.payload.signature");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function runScript(azExit: number, env: Record<string, string>) {
        const az = path.join(dir, "az");
        fs.writeFileSync(az, `#!/bin/sh\necho "$*" >> "${dir}/az-calls"\ncase "$*" in *get-access-token*) echo secret-access-token;; esac\nexit ${azExit}\n`);
        fs.chmodSync(az, 0o755);
        const r = spawnSync("/bin/sh", ["-c", POD_SCRIPT], { env: { PATH: `${dir}:/usr/bin:/bin`, ...env }, encoding: "utf8" });
        const calls = fs.existsSync(path.join(dir, "az-calls")) ? fs.readFileSync(path.join(dir, "az-calls"), "utf8") : "";
        return { code: r.status, out: r.stdout, calls };
    }

    it("without the webhook's env it says so and exits 3", () => {
        const r = runScript(0, {});
        assert.deepStrictEqual([r.code, r.out, r.calls], [3, "credless-verify: no-webhook-env\n", ""]);
    });

    it("exchanges the projected token and prints markers, never the access token", () => {
        const r = runScript(0, { AZURE_FEDERATED_TOKEN_FILE: path.join(dir, "token"), AZURE_CLIENT_ID: "c-1", AZURE_TENANT_ID: "t-1" });
        assert.strictEqual(r.code, 0);
        assert.strictEqual(r.out, "credless-verify: client-id=c-1\ncredless-verify: token-ok\n");
        assert.deepStrictEqual(r.calls.trim().split("\n"), [
            "login --service-principal --username c-1 --tenant t-1 --federated-token header.payload.signature --allow-no-subscriptions --output none",
            "account get-access-token --query expiresOn --output tsv",
        ]);
    });

    it("stops with exit code 4 when the exchange fails", () => {
        const r = runScript(1, { AZURE_FEDERATED_TOKEN_FILE: path.join(dir, "token"), AZURE_CLIENT_ID: "c-1", AZURE_TENANT_ID: "t-1" });
        assert.strictEqual(r.code, 4);
        assert.ok(!r.out.includes("token-ok"));
    });
});

describe("verify rules: check-acr output", () => {
    const ctx = { loginServer: "cr.azurecr.io", kubeletIdentityObjectId: "k", registryId: "/r" };
    it("a name that does not resolve is a DNS problem", () => {
        const v = classifyCheckAcr({ exitCode: 1, output: "[t] Checking host name resolution (cr.azurecr.io): FAILED\n" }, ctx);
        assert.strictEqual(v.detail, "the node cannot resolve cr.azurecr.io");
    });
    it("a kubelet identity without a token", () => {
        const v = classifyCheckAcr({ exitCode: 1, output: "[t] Validating managed identity existance: FAILED\n" }, ctx);
        assert.strictEqual(v.detail, "the node could not get a token for the kubelet identity");
    });
    it("a check-acr that could not run shows its message", () => {
        const v = classifyCheckAcr({ exitCode: 1, output: "ERROR: Can not find kubectl executable in PATH\n" }, ctx);
        assert.strictEqual(v.detail, "az aks check-acr did not confirm the pull (exit code 1): ERROR: Can not find kubectl executable in PATH");
    });
    const rejected = (status: string) =>
        `[t] Validating image pull permission: FAILED\n[t] ACR cr.azurecr.io rejected token exchange: ACR token exchange endpoint returned error status: ${status}. body: {}\n`;
    it("a registry answering 401 or 403 is marked as possibly propagating; other failures are not", () => {
        for (const status of ["401", "403"]) {
            assert.strictEqual(
                classifyCheckAcr({ exitCode: 1, output: rejected(status) }, ctx).propagating,
                `the registry answered ${status}: a role assignment made by a recent pulumi up can take up to 10 minutes to take effect`,
            );
        }
        assert.strictEqual(classifyCheckAcr({ exitCode: 1, output: rejected("500") }, ctx).propagating, undefined);
        assert.strictEqual(classifyCheckAcr({ exitCode: 1, output: "[t] Checking host name resolution (cr.azurecr.io): FAILED\n" }, ctx).propagating, undefined);
    });
    it("a success line for another registry is not a pass", () => {
        const v = classifyCheckAcr({ exitCode: 0, output: "Your cluster can pull images from other.azurecr.io!\n" }, ctx);
        assert.strictEqual(v.status, "fail");
    });
});

describe("verify rules: tool failures", () => {
    const failure = (stderr: string, code = 1, timedOut = false) => ({ code, stdout: "", stderr, timedOut });
    const cases: Array<[string, ReturnType<typeof failure>, string, string | undefined]> = [
        ["kubelogin missing", failure('exec: executable kubelogin not found\n'), "kubelogin was not found on PATH (kubectl needs it for Entra ID clusters)", "install kubectl and kubelogin (az aks install-cli), then run kubelogin convert-kubeconfig -l azurecli"],
        ["device code prompt", failure("To sign in, use a web browser to open the page https://microsoft.com/devicelogin"), "kubectl is waiting for an interactive login", "run kubelogin convert-kubeconfig -l azurecli so kubectl uses your az login"],
        ["missing context", failure('error: context "aks-x" does not exist'), "kubectl has no context aks-x", "run az aks get-credentials --resource-group <rg> --name <cluster>, then kubelogin convert-kubeconfig -l azurecli (or pass --context)"],
        ["unauthorized", failure("error: You must be logged in to the server (Unauthorized)"), "kubectl is not logged in to the cluster", "run az login, then kubelogin convert-kubeconfig -l azurecli"],
        ["anything else", failure("Error from server (NotFound): pods \"p\" not found"), 'kubectl get pod p failed: Error from server (NotFound): pods "p" not found', undefined],
    ];
    for (const [label, result, message, fix] of cases) {
        it(`kubectl: ${label}`, () => {
            const e = classifyFailure("kubectl", ["get", "pod", "p"], result, "aks-x");
            assert.deepStrictEqual([e.message, e.fix], [message, fix]);
        });
    }
    it("gh: a repository or environment the token cannot see", () => {
        const e = classifyFailure("gh", ["api", "--paginate", "-H", "Accept: application/vnd.github+json", "/repos/o/r/environments/dev/secrets"], failure("gh: Not Found (HTTP 404)\n"));
        assert.strictEqual(e.message, "gh api /repos/o/r/environments/dev/secrets failed: gh: Not Found (HTTP 404)");
        assert.match(e.fix ?? "", /^check that the repository and environment exist/);
    });
    it("kubectl: a timeout without a prompt", () => {
        const e = classifyFailure("kubectl", ["--context", "c", "get", "pod", "p"], failure("", -1, true), "c");
        assert.strictEqual(e.message, "kubectl did not answer in time");
        assert.match(e.fix ?? "", /authorized IP ranges/);
    });
    it("pulumi: an unknown stack", () => {
        const e = classifyFailure("pulumi", ["stack", "output"], failure("error: no stack named 'qa' found\n", 255));
        assert.deepStrictEqual([e.message, e.fix], ["error: no stack named 'qa' found", "pass a stack that exists: pulumi stack ls"]);
    });
    it("az: the interactive-authentication hint", () => {
        const e = classifyFailure("az", ["acr", "show"], failure("ERROR: Interactive authentication is needed. Please run:\naz login\n"));
        assert.deepStrictEqual([e.kind, e.message, e.fix], ["login", "az is not logged in", "run az login"]);
    });
});

describe("verify rules: adapters' pure parts", () => {
    it("builds GitHub list paths for both scopes, encoding the environment name", () => {
        assert.strictEqual(githubListPath("secrets", "contoso/geo", "Prod EU"), "/repos/contoso/geo/environments/Prod%20EU/secrets");
        assert.strictEqual(githubListPath("variables", "contoso/geo", null), "/repos/contoso/geo/actions/variables");
    });

    it("reads a pod's phase, env names (not values) and waiting reason", () => {
        const state: PodState = podStateFromJson({
            spec: { containers: [{ env: [{ name: "A", value: "secret" }, { name: "B" }] }] },
            status: { phase: "Pending", containerStatuses: [{ state: { waiting: { reason: "ErrImagePull", message: "m" } } }] },
        });
        assert.deepStrictEqual(state, { phase: "Pending", envNames: ["A", "B"], waitingReason: "ErrImagePull", waitingMessage: "m", exitCode: undefined });
        assert.deepStrictEqual(podStateFromJson({}), { phase: "Unknown", envNames: [], waitingReason: undefined, waitingMessage: undefined, exitCode: undefined });
    });
});

describe("verify rules: stack outputs", () => {
    const outputs = () => healthyScenario().outputs;

    it("parses the fixture's outputs", () => {
        const o = parseStackOutputs("dev", outputs());
        assert.strictEqual(o.githubEnvironment, "dev");
        assert.deepStrictEqual(Object.keys(o.workloads), ["geofencing-api"]);
    });

    it("reports every problem at once", () => {
        const raw = { ...outputs(), githubRepository: "contoso", githubSecretsScope: "org", githubSubjects: "x" };
        try {
            parseStackOutputs("dev", raw);
            assert.fail("expected the outputs to be rejected");
        } catch (e) {
            assert.ok(e instanceof StackOutputError);
            assert.deepStrictEqual(e.problems, [
                'githubSubjects: expected an array of strings, got "x"',
                'githubRepository: expected "owner/name", got "contoso"',
                'githubSecretsScope: expected "environment" or "repository", got "org"',
            ]);
        }
    });

    it("needs the environment name in environment scope", () => {
        assert.throws(() => parseStackOutputs("dev", { ...outputs(), githubEnvironment: null }), (e: StackOutputError) =>
            e.problems.includes('githubEnvironment: expected the environment name when githubSecretsScope is "environment", got null'),
        );
    });
});

describe("verify rules: arguments and report", () => {
    it("parses the stack and options", () => {
        assert.deepStrictEqual(parseArgs(["dev", "--format=json", "--context", "c", "--pod-timeout", "60"]), {
            stack: "dev",
            format: "json",
            context: "c",
            image: "mcr.microsoft.com/azure-cli",
            podTimeoutSeconds: 60,
            propagationWaitSeconds: 300,
        });
        assert.strictEqual((parseArgs(["dev", "--propagation-wait", "0"]) as { propagationWaitSeconds: number }).propagationWaitSeconds, 0);
        assert.strictEqual((parseArgs(["dev", "--propagation-wait=600"]) as { propagationWaitSeconds: number }).propagationWaitSeconds, 600);
        assert.strictEqual(parseArgs(["--help"]), "help");
    });

    const bad: Array<[string[], string]> = [
        [[], "name the stack to verify, e.g. npm run verify -- dev"],
        [["dev", "prod"], "expected one stack, got dev prod"],
        [["dev", "--format", "yaml"], "--format must be table or json, got yaml"],
        [["dev", "--pod-timeout", "5"], "--pod-timeout must be a whole number of seconds from 10 to 3600, got 5"],
        [["dev", "--propagation-wait", "-1"], "--propagation-wait must be a whole number of seconds from 0 to 3600, got -1"],
        [["dev", "--propagation-wait", "1.5"], "--propagation-wait must be a whole number of seconds from 0 to 3600, got 1.5"],
        [["dev", "--verbose"], "unknown option --verbose"],
        [["dev", "--context"], "--context needs a value"],
    ];
    for (const [argv, error] of bad) {
        it(`rejects ${JSON.stringify(argv)}`, () => assert.deepStrictEqual(parseArgs(argv), { error }));
    }

    it("prints the likely cause and fix under a failing check", () => {
        const table = formatTable(
            buildReport("dev", [
                { name: "a", status: "pass", detail: "fine" },
                { name: "b", status: "fail", detail: "broken", likelyCause: "cause", fix: "do this" },
                { name: "c", status: "skip", detail: "nothing to do" },
            ]),
        );
        assert.strictEqual(
            table,
            [
                "credless-aks verify: stack dev",
                "",
                "STATUS  CHECK  DETAIL",
                "PASS    a      fine",
                "FAIL    b      broken",
                "               likely cause: cause",
                "               fix: do this",
                "SKIP    c      nothing to do",
                "",
                "1 passed, 1 failed, 1 skipped",
            ].join("\n"),
        );
    });
});

describe("verify rules: propagation retries", () => {
    /** A fake clock that sleep advances, and a check that answers from a list, one answer per try. */
    function setUp(answers: CheckResult[], waitSeconds = 60, clockMoves = true) {
        let clock = 0;
        const sleeps: number[] = [];
        const lines: string[] = [];
        let tries = 0;
        const wait: PropagationWait = {
            waitSeconds,
            intervalMs: 15_000,
            now: () => clock,
            sleep: async (ms) => {
                sleeps.push(ms);
                clock += clockMoves ? ms : 0;
            },
            progress: (line) => lines.push(line),
        };
        const check = async () => answers[Math.min(tries++, answers.length - 1)];
        return { wait, check, sleeps, lines, tries: () => tries };
    }
    const propagating: CheckResult = { name: "w", status: "fail", detail: "AADSTS700213", propagating: "AADSTS700213: it propagates" };
    const passed: CheckResult = { name: "w", status: "pass", detail: "ok" };

    it("a propagation error that clears after two tries passes on the third, with a countdown line per retry", async () => {
        const t = setUp([propagating, propagating, passed]);
        assert.deepStrictEqual(await retryWhilePropagating(t.check, t.wait), { ...passed, tries: 3, waitedSeconds: 30 });
        assert.deepStrictEqual(t.sleeps, [15_000, 15_000]);
        assert.deepStrictEqual(t.lines, [
            "verify: w: failed on try 1 (AADSTS700213: it propagates); trying again in 15s, reporting it as broken in 1m",
            "verify: w: failed on try 2 (AADSTS700213: it propagates); trying again in 15s, reporting it as broken in 45s",
            "verify: w: passed on try 3, after 30s",
        ]);
    });

    it("one that never clears is reported broken when the wait is over, not before", async () => {
        const t = setUp([propagating], 40);
        assert.deepStrictEqual(await retryWhilePropagating(t.check, t.wait), { ...propagating, tries: 4, waitedSeconds: 40 });
        assert.deepStrictEqual(t.sleeps, [15_000, 15_000, 10_000]);
        assert.strictEqual(t.lines[t.lines.length - 1], "verify: w: still failing after 4 tries over 40s: reported as broken");
    });

    it("any other failure is reported at once", async () => {
        const other: CheckResult = { name: "w", status: "fail", detail: "AADSTS700211" };
        const t = setUp([other, passed]);
        assert.deepStrictEqual(await retryWhilePropagating(t.check, t.wait), other);
        assert.deepStrictEqual([t.tries(), t.sleeps, t.lines], [1, [], []]);
    });

    it("stops retrying when the failure changes to one that is not propagation", async () => {
        const other: CheckResult = { name: "w", status: "fail", detail: "AADSTS700211" };
        const t = setUp([propagating, other, passed]);
        assert.deepStrictEqual(await retryWhilePropagating(t.check, t.wait), { ...other, tries: 2, waitedSeconds: 15 });
    });

    it("--propagation-wait 0 does not retry", async () => {
        const t = setUp([propagating, passed], 0);
        assert.deepStrictEqual(await retryWhilePropagating(t.check, t.wait), propagating);
        assert.strictEqual(t.tries(), 1);
    });

    it("a clock that stands still cannot make it loop forever", async () => {
        const t = setUp([propagating], 60, false);
        await retryWhilePropagating(t.check, t.wait);
        assert.strictEqual(t.tries(), 5);
    });

    const durations: Array<[number, string]> = [
        [0, "0s"],
        [45, "45s"],
        [60, "1m"],
        [75, "1m15s"],
        [14.2, "15s"],
    ];
    for (const [seconds, text] of durations) {
        it(`formats ${seconds}s as ${text}`, () => assert.strictEqual(formatSeconds(seconds), text));
    }

    it("the table says how often a check was tried and why", () => {
        const table = formatTable(
            buildReport("dev", [
                { name: "a", status: "pass", detail: "fine", tries: 3, waitedSeconds: 30 },
                { name: "b", status: "fail", detail: "broken", propagating: "AADSTS70021: it propagates", tries: 21, waitedSeconds: 300 },
            ]),
        );
        assert.deepStrictEqual(table.split("\n").slice(3, 7), [
            "PASS    a      fine",
            "               tried 3 times over 30s; it failed while a recent change propagated, then passed",
            "FAIL    b      broken",
            "               tried 21 times over 5m; still failing: AADSTS70021: it propagates",
        ]);
    });
});
