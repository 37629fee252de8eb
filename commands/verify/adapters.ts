import { spawn } from "child_process";
import { externalSecretState, ExternalSecretState, SecretShape } from "./externalSecretState";

/**
 * Every call the verify command makes to the outside world: the `pulumi`,
 * `az`, `kubectl`, `gh` and `curl` executables, spawned with an explicit
 * environment and no terminal. Nothing else in commands/verify spawns or
 * fetches. A missing executable or a missing login becomes a ToolError that
 * names the tool and the fix, never a stack trace.
 */

export type Tool = "pulumi" | "az" | "kubectl" | "gh" | "curl";

/** Why a tool call failed: not installed, not logged in, or the command itself failed. */
export type ToolErrorKind = "missing" | "login" | "failed";

export class ToolError extends Error {
    constructor(
        readonly tool: Tool,
        readonly kind: ToolErrorKind,
        message: string,
        readonly fix?: string,
    ) {
        super(message);
        this.name = "ToolError";
    }
}

/** One federated identity credential as `az ad app federated-credential list` prints it. */
export interface FederatedCredential {
    name: string;
    issuer: string;
    subject: string;
    audiences: string[];
}

/** What verify needs to know about a pod: its phase, the env var names the webhook injected, and why it is stuck. */
export interface PodState {
    phase: string;
    /** Names (never values) of the env vars of the first container, after admission. */
    envNames: string[];
    /** containerStatuses[0].state.waiting.reason, e.g. ErrImagePull. */
    waitingReason?: string;
    waitingMessage?: string;
    /** containerStatuses[0].state.terminated.exitCode. */
    exitCode?: number;
}

export interface HttpResult {
    ok: boolean;
    body: string;
    /** The transport or HTTP error, when not ok. */
    error?: string;
}

/** check-acr prints the canipull pod's log; its exit code alone does not say which step failed. */
export interface CheckAcrResult {
    exitCode: number;
    output: string;
}

/** The Pod object verify creates; see workloadCheck.ts. */
export interface PodManifest {
    apiVersion: "v1";
    kind: "Pod";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: Record<string, unknown>;
}

/** The ports the checks use. Tests drive them through a fake ToolRunner, or fake executables on PATH. */
export interface Adapters {
    stackOutputs(stack: string): Promise<Record<string, unknown>>;
    httpGet(url: string): Promise<HttpResult>;
    aksCheckAcr(resourceGroup: string, clusterName: string, loginServer: string): Promise<CheckAcrResult>;
    acrAdminUserEnabled(resourceGroup: string, registryName: string): Promise<boolean>;
    federatedCredentials(appClientId: string): Promise<FederatedCredential[]>;
    githubSecretNames(repository: string, environment: string | null): Promise<string[]>;
    githubVariableNames(repository: string, environment: string | null): Promise<string[]>;
    /** The service account's annotations, or null if it does not exist. */
    serviceAccountAnnotations(namespace: string, name: string): Promise<Record<string, string> | null>;
    createPod(manifest: PodManifest): Promise<void>;
    /** The pod's state, or null if it does not exist. */
    getPod(namespace: string, name: string): Promise<PodState | null>;
    podLogs(namespace: string, name: string): Promise<string>;
    deletePod(namespace: string, name: string): Promise<void>;
    /** On kube context `context`: an ExternalSecret's spec and status, or null if it does not exist. */
    externalSecret(context: string, namespace: string, name: string): Promise<ExternalSecretState | null>;
    /** On kube context `context`: a Secret's type and data key names (never values), or null if it does not exist. */
    secretShape(context: string, namespace: string, name: string): Promise<SecretShape | null>;
}

export interface AdapterOptions {
    /** The environment every tool runs with (PATH included). main.ts passes process.env. */
    env: NodeJS.ProcessEnv;
    /** kubeconfig context for kubectl; defaults to the current context. */
    kubeContext?: string;
    /** Per-command time limit in milliseconds; default 120000. check-acr gets five times that. */
    commandTimeoutMs?: number;
    /**
     * Optional: runs one tool call; default spawnTool, which starts the executable found on env.PATH.
     * Tests pass an in-process fake; everything else in the adapters (arguments, environment,
     * time limits, failure classification, parsing) stays the same.
     */
    runTool?: ToolRunner;
}

/** How a tool call ended. timedOut means it was stopped after timeoutMs; code is then whatever the killed process returned. */
export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
    timedOut: boolean;
}

/**
 * Runs `tool` with `args` and the environment `env`, stopping it after timeoutMs,
 * with `input` on stdin if given. Rejects only when the tool cannot be started
 * (missingToolError when it is not installed); a non-zero exit resolves.
 */
export type ToolRunner = (tool: Tool, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, input?: string) => Promise<RunResult>;

const INSTALL_HINTS: Record<Tool, string> = {
    pulumi: "install the Pulumi CLI (https://www.pulumi.com/docs/install/) and run pulumi login",
    az: "install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli) and run az login",
    kubectl: "install kubectl and kubelogin (az aks install-cli), then run kubelogin convert-kubeconfig -l azurecli",
    gh: "install the GitHub CLI (https://cli.github.com) and set GITHUB_TOKEN (or run gh auth login)",
    curl: "install curl",
};

/** The error for a tool that is not installed: what spawnTool rejects with on ENOENT. */
export function missingToolError(tool: Tool): ToolError {
    return new ToolError(tool, "missing", `${tool} was not found on PATH`, INSTALL_HINTS[tool]);
}

/** The default ToolRunner: spawns the executable. */
const spawnTool: ToolRunner = (tool, args, env, timeoutMs, input) =>
    new Promise((resolve, reject) => {
        // No shell, no terminal: every argument is passed verbatim and nothing can prompt.
        const child = spawn(tool, args, { env, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
        }, timeoutMs);
        child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", (err: NodeJS.ErrnoException) => {
            clearTimeout(timer);
            if (err.code === "ENOENT") {
                reject(missingToolError(tool));
            } else {
                reject(new ToolError(tool, "failed", `${tool} could not be started: ${err.message}`));
            }
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code: code ?? -1, stdout, stderr, timedOut });
        });
        if (input !== undefined && child.stdin) {
            child.stdin.end(input);
        }
    });

/** The first meaningful line of a tool's error output, for a one-line detail. */
export function firstLine(text: string): string {
    return (
        text
            .split(/\r?\n/)
            .map((l) => l.trim())
            .find((l) => l !== "" && !/^WARNING:/.test(l)) ?? ""
    );
}

/** A short name for a command in messages: `gh api <path>`, or the tool and its first three arguments after --context. */
export function describeCommand(tool: Tool, args: string[]): string {
    if (tool === "gh") {
        return `gh api ${args.find((a) => a.startsWith("/")) ?? ""}`.trim();
    }
    const rest = args[0] === "--context" ? args.slice(2) : args;
    return `${tool} ${rest.slice(0, 3).join(" ")}`;
}

/**
 * Turns a failed run into the clearest ToolError we can name: not logged in
 * (with the login command), an interactive prompt, or the tool's own message.
 * Pure, so each pattern has a test.
 */
export function classifyFailure(tool: Tool, args: string[], result: RunResult, kubeContext?: string): ToolError {
    const text = `${result.stderr}\n${result.stdout}`;
    const command = describeCommand(tool, args);
    switch (tool) {
        case "pulumi":
            if (/PULUMI_ACCESS_TOKEN|pulumi login|not logged in/i.test(text)) {
                return new ToolError(tool, "login", "pulumi is not logged in", "run pulumi login (or set PULUMI_ACCESS_TOKEN)");
            }
            if (/no stack named/i.test(text)) {
                return new ToolError(tool, "failed", firstLine(text), "pass a stack that exists: pulumi stack ls");
            }
            break;
        case "az":
            // Azure CLI: "Please run 'az login' to setup account." and "Interactive authentication is needed. Please run: az login".
            if (/az login/i.test(text)) {
                return new ToolError(tool, "login", "az is not logged in", "run az login");
            }
            break;
        case "gh":
            // gh exits 4 when authentication is required (gh help exit-codes).
            if (result.code === 4 || /gh auth login|GH_TOKEN/i.test(text)) {
                return new ToolError(tool, "login", "gh is not logged in", "set GITHUB_TOKEN (or GH_TOKEN) or run gh auth login");
            }
            if (/HTTP 40[34]/.test(text)) {
                return new ToolError(
                    tool,
                    "failed",
                    `${command} failed: ${firstLine(text)}`,
                    "check that the repository and environment exist and that the token may read their secrets and variables (fine-grained: Secrets and Variables read; classic: repo)",
                );
            }
            break;
        case "kubectl":
            if (/kubelogin/i.test(text) && /not found|no such file/i.test(text)) {
                return new ToolError(tool, "missing", "kubelogin was not found on PATH (kubectl needs it for Entra ID clusters)", INSTALL_HINTS.kubectl);
            }
            if (/devicelogin|use a web browser/i.test(text)) {
                return new ToolError(
                    tool,
                    "login",
                    "kubectl is waiting for an interactive login",
                    "run kubelogin convert-kubeconfig -l azurecli so kubectl uses your az login",
                );
            }
            if (result.timedOut) {
                return new ToolError(
                    tool,
                    "failed",
                    "kubectl did not answer in time",
                    "if your kubeconfig asks for a device code, run kubelogin convert-kubeconfig -l azurecli; otherwise check that the API server is reachable from here (authorized IP ranges)",
                );
            }
            if (/context .* does not exist/i.test(text)) {
                return new ToolError(
                    tool,
                    "login",
                    `kubectl has no context ${kubeContext ?? ""}`.trim(),
                    "run az aks get-credentials --resource-group <rg> --name <cluster>, then kubelogin convert-kubeconfig -l azurecli (or pass --context)",
                );
            }
            if (/Unauthorized|must be logged in/i.test(text)) {
                return new ToolError(
                    tool,
                    "login",
                    "kubectl is not logged in to the cluster",
                    "run az login, then kubelogin convert-kubeconfig -l azurecli",
                );
            }
            break;
        case "curl":
            break;
    }
    const detail = result.timedOut ? "timed out" : firstLine(text) || `exit code ${result.code}`;
    return new ToolError(tool, "failed", `${command} failed: ${detail}`);
}

function parseJson<T>(tool: Tool, text: string): T {
    try {
        return JSON.parse(text) as T;
    } catch {
        throw new ToolError(tool, "failed", `${tool} printed output that is not JSON: ${firstLine(text).slice(0, 120)}`);
    }
}

/** Splits "owner/name"; the stack output is validated before it gets here. */
function repoPath(repository: string): string {
    const [owner, name] = repository.split("/");
    return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/**
 * The list endpoint for the secret or variable names of a GitHub environment
 * or repository. Sources: docs.github.com/rest/actions/secrets ("List
 * environment secrets": GET /repos/{owner}/{repo}/environments/{environment_name}/secrets,
 * "List repository secrets": GET /repos/{owner}/{repo}/actions/secrets) and
 * docs.github.com/rest/actions/variables (the same paths ending in /variables).
 */
export function githubListPath(kind: "secrets" | "variables", repository: string, environment: string | null): string {
    const base = repoPath(repository);
    return environment === null
        ? `${base}/actions/${kind}`
        : `${base}/environments/${encodeURIComponent(environment)}/${kind}`;
}

/** Reads the fields verify needs from `kubectl get pod -o json`. */
export function podStateFromJson(pod: unknown): PodState {
    const p = (pod ?? {}) as {
        status?: {
            phase?: string;
            containerStatuses?: Array<{
                state?: { waiting?: { reason?: string; message?: string }; terminated?: { exitCode?: number } };
            }>;
        };
        spec?: { containers?: Array<{ env?: Array<{ name?: string }> }> };
    };
    const state = p.status?.containerStatuses?.[0]?.state;
    return {
        phase: p.status?.phase ?? "Unknown",
        envNames: (p.spec?.containers?.[0]?.env ?? []).map((e) => e.name ?? "").filter((n) => n !== ""),
        waitingReason: state?.waiting?.reason,
        waitingMessage: state?.waiting?.message,
        exitCode: state?.terminated?.exitCode,
    };
}

export function createAdapters(options: AdapterOptions): Adapters {
    const timeoutMs = options.commandTimeoutMs ?? 120_000;
    const env = options.env;
    const run = options.runTool ?? spawnTool;

    async function call(tool: Tool, args: string[], extra: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
        const result = await run(tool, args, extra.env ?? env, extra.timeoutMs ?? timeoutMs, extra.input);
        if (result.code !== 0 || result.timedOut) {
            throw classifyFailure(tool, args, result, options.kubeContext);
        }
        return result.stdout;
    }

    const kubectlBase = (): string[] => (options.kubeContext ? ["--context", options.kubeContext] : []);
    const notFound = (e: unknown): boolean => e instanceof ToolError && e.kind === "failed" && /NotFound|not found/i.test(e.message);

    async function ghNames(kind: "secrets" | "variables", repository: string, environment: string | null): Promise<string[]> {
        // --jq keeps only the names: the variables endpoint also returns values, which verify never reads.
        const out = await call("gh", [
            "api",
            "--paginate",
            "-H",
            "Accept: application/vnd.github+json",
            githubListPath(kind, repository, environment),
            "--jq",
            `.${kind}[].name`,
        ]);
        return out.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
    }

    return {
        async stackOutputs(stack) {
            // Without --show-secrets, secret outputs print as "[secret]"; verify needs none of them.
            const out = await call("pulumi", ["stack", "output", "--json", "--stack", stack]);
            return parseJson<Record<string, unknown>>("pulumi", out);
        },

        async httpGet(url) {
            const result = await run("curl", ["--silent", "--show-error", "--fail", "--max-time", "30", url], env, timeoutMs);
            return result.code === 0
                ? { ok: true, body: result.stdout }
                : { ok: false, body: result.stdout, error: firstLine(result.stderr) || `curl exit code ${result.code}` };
        },

        async aksCheckAcr(resourceGroup, clusterName, loginServer) {
            // check-acr writes a temporary kubeconfig whose kubelogin would ask for a device code;
            // AAD_LOGIN_METHOD=azurecli makes kubelogin reuse the az login instead
            // (Azure/kubelogin: get-token reads AAD_LOGIN_METHOD from the environment). The user's own value wins.
            const args = ["aks", "check-acr", "--resource-group", resourceGroup, "--name", clusterName, "--acr", loginServer];
            const result = await run("az", args, { AAD_LOGIN_METHOD: "azurecli", ...env }, timeoutMs * 5);
            const output = `${result.stdout}\n${result.stderr}`;
            if (result.code !== 0 && /az login/i.test(output)) {
                throw classifyFailure("az", args, result);
            }
            return { exitCode: result.timedOut ? -1 : result.code, output };
        },

        async acrAdminUserEnabled(resourceGroup, registryName) {
            const out = await call("az", [
                "acr",
                "show",
                "--resource-group",
                resourceGroup,
                "--name",
                registryName,
                "--query",
                "adminUserEnabled",
                "--output",
                "json",
            ]);
            return parseJson<boolean | null>("az", out) === true;
        },

        async federatedCredentials(appClientId) {
            const out = await call("az", ["ad", "app", "federated-credential", "list", "--id", appClientId, "--output", "json"]);
            const list = parseJson<Array<Partial<FederatedCredential>>>("az", out);
            return list.map((c) => ({
                name: c.name ?? "",
                issuer: c.issuer ?? "",
                subject: c.subject ?? "",
                audiences: c.audiences ?? [],
            }));
        },

        githubSecretNames: (repository, environment) => ghNames("secrets", repository, environment),
        githubVariableNames: (repository, environment) => ghNames("variables", repository, environment),

        async serviceAccountAnnotations(namespace, name) {
            try {
                const out = await call("kubectl", [...kubectlBase(), "get", "serviceaccount", name, "--namespace", namespace, "--output", "json"]);
                const sa = parseJson<{ metadata?: { annotations?: Record<string, string> } }>("kubectl", out);
                return sa.metadata?.annotations ?? {};
            } catch (e) {
                if (notFound(e)) {
                    return null;
                }
                throw e;
            }
        },

        async createPod(manifest) {
            await call("kubectl", [...kubectlBase(), "create", "--filename", "-", "--output", "name"], { input: JSON.stringify(manifest) });
        },

        async getPod(namespace, name) {
            try {
                const out = await call("kubectl", [...kubectlBase(), "get", "pod", name, "--namespace", namespace, "--output", "json"]);
                return podStateFromJson(parseJson<unknown>("kubectl", out));
            } catch (e) {
                if (notFound(e)) {
                    return null;
                }
                throw e;
            }
        },

        podLogs: (namespace, name) => call("kubectl", [...kubectlBase(), "logs", name, "--namespace", namespace]),

        async deletePod(namespace, name) {
            await call("kubectl", [...kubectlBase(), "delete", "pod", name, "--namespace", namespace, "--ignore-not-found", "--wait=false"]);
        },

        async externalSecret(context, namespace, name) {
            try {
                const out = await call("kubectl", ["--context", context, "get", "externalsecret.external-secrets.io", name, "--namespace", namespace, "--output", "json"]);
                return externalSecretState(parseJson<unknown>("kubectl", out));
            } catch (e) {
                if (notFound(e) && !/resource type/i.test((e as Error).message)) {
                    return null;
                }
                throw e;
            }
        },

        async secretShape(context, namespace, name) {
            try {
                // The template prints the type and the data key names; no value leaves the cluster.
                const out = await call("kubectl", [
                    "--context",
                    context,
                    "get",
                    "secret",
                    name,
                    "--namespace",
                    namespace,
                    "--output",
                    "go-template={{.type}}{{range $k, $v := .data}} {{$k}}{{end}}",
                ]);
                const [type, ...keys] = out.trim().split(/\s+/);
                return { type: type ?? "", keys };
            } catch (e) {
                if (notFound(e)) {
                    return null;
                }
                throw e;
            }
        },
    };
}
