import { randomBytes } from "crypto";
import { createAdapters, ToolError, ToolRunner } from "./adapters";
import { runChecks } from "./checks";
import { parseStackOutputs, StackOutputError } from "./outputs";
import { PropagationWait } from "./propagation";
import { buildReport, formatJson, formatTable } from "./report";
import { DEFAULT_IMAGE, PodRunOptions } from "./workloadCheck";

/**
 * `npm run verify -- <stack> [--format table|json] [--context NAME] [--image IMAGE] [--pod-timeout SECONDS] [--propagation-wait SECONDS]`
 * Exit codes: 0 every check passed, 1 a check failed, 2 verify could not run.
 */

/**
 * Default bound of the propagation retries: a federated credential propagates
 * in "a couple of minutes", a role assignment in "up to 10 minutes" (sources in
 * classify.ts). Five minutes covers the first and most of the second; right
 * after creating the stack, pass --propagation-wait 600.
 */
export const DEFAULT_PROPAGATION_WAIT_SECONDS = 300;

/** Pause between two tries of a check that fails while something propagates. */
export const PROPAGATION_RETRY_INTERVAL_MS = 15_000;

export const USAGE = `usage: npm run verify -- <stack> [options]

Checks each link of the deployed trust chain from the stack's outputs.

options:
  --format table|json    output format (default: table)
  --context NAME         kubeconfig context (default: the cluster name, as az aks get-credentials names it)
  --image IMAGE          Azure CLI image for the test pods (default: ${DEFAULT_IMAGE})
  --pod-timeout SECONDS  how long a test pod may take (default: 180)
  --propagation-wait SECONDS
                         how long to keep retrying a token exchange or registry pull that
                         fails the way it does while a new federated credential or role
                         assignment propagates (AADSTS70021, AADSTS700213, registry 401/403)
                         before reporting the link as broken; 0: no retry (default: ${DEFAULT_PROPAGATION_WAIT_SECONDS})
  --help                 show this text`;

export interface CliArgs {
    stack: string;
    format: "table" | "json";
    context?: string;
    image: string;
    podTimeoutSeconds: number;
    propagationWaitSeconds: number;
}

/** Parses the arguments, or returns the problem. Pure. */
export function parseArgs(argv: string[]): CliArgs | { error: string } | "help" {
    const positional: string[] = [];
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") {
            return "help";
        }
        if (arg.startsWith("--")) {
            const [key, inline] = arg.slice(2).split("=", 2);
            if (!["format", "context", "image", "pod-timeout", "propagation-wait"].includes(key)) {
                return { error: `unknown option --${key}` };
            }
            const value = inline ?? argv[++i];
            if (value === undefined || value === "") {
                return { error: `--${key} needs a value` };
            }
            values[key] = value;
        } else {
            positional.push(arg);
        }
    }
    if (positional.length !== 1) {
        return { error: positional.length === 0 ? "name the stack to verify, e.g. npm run verify -- dev" : `expected one stack, got ${positional.join(" ")}` };
    }
    const format = values.format ?? "table";
    if (format !== "table" && format !== "json") {
        return { error: `--format must be table or json, got ${format}` };
    }
    const timeout = Number(values["pod-timeout"] ?? "180");
    if (!Number.isInteger(timeout) || timeout < 10 || timeout > 3600) {
        return { error: `--pod-timeout must be a whole number of seconds from 10 to 3600, got ${values["pod-timeout"]}` };
    }
    const wait = Number(values["propagation-wait"] ?? String(DEFAULT_PROPAGATION_WAIT_SECONDS));
    if (!Number.isInteger(wait) || wait < 0 || wait > 3600) {
        return { error: `--propagation-wait must be a whole number of seconds from 0 to 3600, got ${values["propagation-wait"]}` };
    }
    return { stack: positional[0], format, context: values.context, image: values.image ?? DEFAULT_IMAGE, podTimeoutSeconds: timeout, propagationWaitSeconds: wait };
}

export interface MainDeps {
    env: NodeJS.ProcessEnv;
    out: (text: string) => void;
    err: (text: string) => void;
    pollIntervalMs?: number;
    sleep?: (ms: number) => Promise<void>;
    /** Optional: the clock in milliseconds; default Date.now. Tests pass one that their sleep advances. */
    now?: () => number;
    randomSuffix?: () => string;
    /** Optional: runs the tool calls; default: spawn the executables on env.PATH (see AdapterOptions.runTool). */
    runTool?: ToolRunner;
}

export async function main(argv: string[], deps: MainDeps): Promise<number> {
    const args = parseArgs(argv);
    if (args === "help") {
        deps.out(USAGE);
        return 0;
    }
    if ("error" in args) {
        deps.err(`verify: ${args.error}\n\n${USAGE}`);
        return 2;
    }
    const cannotRun = (message: string, fix?: string): number => {
        if (args.format === "json") {
            deps.out(JSON.stringify({ stack: args.stack, ok: false, error: message, fix }, null, 2));
        } else {
            deps.err(`verify: ${message}${fix ? `\nfix: ${fix}` : ""}`);
        }
        return 2;
    };

    let outputs;
    try {
        outputs = parseStackOutputs(args.stack, await createAdapters({ env: deps.env, runTool: deps.runTool }).stackOutputs(args.stack));
    } catch (e) {
        if (e instanceof ToolError) {
            return cannotRun(`cannot read the outputs of stack ${args.stack}: ${e.message}`, e.fix);
        }
        if (e instanceof StackOutputError) {
            return cannotRun(e.message, "run pulumi up with this version of the program, then verify again");
        }
        throw e;
    }

    const adapters = createAdapters({ env: deps.env, kubeContext: args.context ?? outputs.clusterName, runTool: deps.runTool });
    const pod: PodRunOptions = {
        image: args.image,
        timeoutSeconds: args.podTimeoutSeconds,
        pollIntervalMs: deps.pollIntervalMs ?? 3000,
        sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        randomSuffix: deps.randomSuffix ?? (() => randomBytes(3).toString("hex")),
    };
    const wait: PropagationWait = {
        waitSeconds: args.propagationWaitSeconds,
        intervalMs: PROPAGATION_RETRY_INTERVAL_MS,
        now: deps.now ?? Date.now,
        sleep: pod.sleep,
        // On stderr, so that --format json keeps stdout to the report.
        progress: deps.err,
    };
    const report = buildReport(args.stack, await runChecks(adapters, outputs, pod, wait));
    deps.out(args.format === "json" ? formatJson(report) : formatTable(report));
    return report.ok ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2), {
        env: process.env,
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
    }).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            process.stderr.write(`verify: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exitCode = 2;
        },
    );
}
