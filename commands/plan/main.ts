/**
 * `npm run -s plan -- <stack> [--format text|markdown|json] [--out FILE] [--dir DIR]`
 * (-s: without it, npm prints its own "> credless-aks plan" banner to stdout,
 * ahead of the plan, and `> plan.json` would not be JSON): runs the real
 * index.ts with Pulumi.<stack>.yaml under Pulumi's mock runtime and prints the
 * resource tree, the trust map and the policy results. No cloud account, no
 * Pulumi CLI, no network.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { collisions } from "../../stack/collisions";
import { ExistingResourceError } from "../../stack/existing";
import { ConfigError, parseStackConfig, rawConfigFromMap, StackConfig } from "../../stack/config";
import type { StackHost } from "../../stack/run";
import { directDependencies, FAKE, FakeAzure, runUnderMocks, valueOf } from "./mockRuntime";
import { makePlan, Plan, PlanResource, renderJson, renderMarkdown, renderText } from "./render";

export type { Plan } from "./render";
import { policies } from "../../policy/policies";
import { fromRecorded, runPolicies } from "../../policy/runOffline";

export const FORMATS = ["text", "markdown", "json"] as const;
export type Format = (typeof FORMATS)[number];

const ROOT = path.join(__dirname, "..", "..");
/** The project's own stack files (dev, prod): what its tests and the README's trust map run over, never the user's. */
export const FIXTURE_STACKS = path.join(ROOT, "tests", "fixtures", "stacks");

/**
 * The Pulumi projects the plan can run: the stack (the repository root) and
 * the bootstrap (bootstrap/, the pipeline's own identities).
 */
export const PROJECTS = {
    stack: { folder: ".", name: "credless-aks", environmentKey: "credless-aks:environment" },
    bootstrap: { folder: "bootstrap", name: "credless-aks-bootstrap", environmentKey: undefined },
} as const;
export type ProjectName = keyof typeof PROJECTS;

/** Pulumi.<stack>.yaml's `config:` block as the string map the Pulumi runtime holds. */
export function readStackConfig(stack: string, root = ROOT): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const stacks = stackNames(root);
        throw new Error(`no stack "${stack}": ${file} does not exist (stacks here: ${stacks.join(", ") || "none"})`);
    }
    const config: Record<string, unknown> = parse(fs.readFileSync(file, "utf8"))?.config ?? {};
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

/**
 * Keys of Pulumi.<stack>.yaml set with --secret (a `secure:` value). Offline
 * their ciphertext cannot be decrypted; it stands in for the value, marked
 * secret, so the program sees a secret where the stack has one.
 */
export function readSecretKeys(stack: string, root = ROOT): string[] {
    const config: Record<string, unknown> = parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8"))?.config ?? {};
    return Object.entries(config)
        .filter(([, value]) => typeof value === "object" && value !== null && "secure" in value)
        .map(([key]) => key);
}

/** The stack names of the Pulumi.<stack>.yaml files in `root`, sorted. */
export function stackNames(root: string): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * What `stack` would create that another stack file in `root` would create
 * too (stack/collisions.ts); stack files that do not parse are left to their
 * own plan.
 */
export function collisionsWithNeighbours(stack: string, root = ROOT): string[] {
    const configs: StackConfig[] = [];
    for (const name of stackNames(root)) {
        try {
            configs.push(parseStackConfig(rawConfigFromMap(name, readStackConfig(name, root))));
        } catch {
            // reported when that stack is planned or checked
        }
    }
    const own = configs.find((c) => c.stack === stack);
    return own ? collisions(own, configs) : [];
}

/** Runs the program for `stack` under mocks and returns the plan. Throws ConfigError or the program's error. */
export async function planStack(
    stack: string,
    config: Record<string, string>,
    programPath = path.join(ROOT, "index.ts"),
    azure?: FakeAzure,
    project: ProjectName = "stack",
    secretKeys: string[] = [],
): Promise<Plan> {
    delete require.cache[require.resolve(programPath)];
    // No environment: the offline plan never reaches GitHub, and says what it assumed instead.
    const notes: string[] = [];
    const program = () => (require(programPath) as (host: StackHost) => Promise<Record<string, pulumi.Output<unknown>>>)({ env: {}, warn: (m) => notes.push(m) });
    const run = await runUnderMocks(program, {
        azure,
        project: PROJECTS[project].name,
        stack,
        config,
        secretKeys,
        // A preview: the program behaves as under `pulumi preview` (no GitHub token needed).
        preview: true,
    });
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(run.value)) {
        outputs[key] = await valueOf(value);
    }
    const resources: PlanResource[] = run.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        id: r.id,
        parent: r.parent,
        custom: r.custom,
        provider: r.provider,
        dependencies: directDependencies(r),
        inputs: r.inputs,
        state: r.state,
    }));
    const environmentKey = PROJECTS[project].environmentKey;
    const environment = (environmentKey && config[environmentKey]) || stack;
    // Policies that do not apply throw an error each; their stack traces would cost more than the policies.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    const findings = runPolicies(fromRecorded(run.resources), { name: stack, environment });
    Error.stackTraceLimit = stackTraceLimit;
    // The API service principals the program looked up name the APIs and permissions of its app role assignments.
    const lookups = run.calls
        .filter((c) => c.token === "azuread:index/getServicePrincipal:getServicePrincipal")
        .map((c) => ({ objectId: c.result.objectId, displayName: c.result.displayName, appRoles: c.result.appRoles }));
    return makePlan(stack, resources, FAKE.deployerObjectId, { evaluated: policies.length, findings }, outputs, notes, lookups);
}

export interface PlanArgs {
    stack: string;
    format: Format;
    /** --out FILE: the plan goes to FILE instead of stdout. */
    out?: string;
    /** --dir DIR: the folder holding the Pulumi.<stack>.yaml files, instead of the project's. */
    dir?: string;
    /** --project stack|bootstrap: which Pulumi project; defaults to the stack. */
    project: ProjectName;
}

export function parseArgs(argv: string[]): PlanArgs | { error: string } {
    let stack: string | undefined;
    let format: Format = "text";
    const paths: { out?: string; dir?: string } = {};
    let project: ProjectName = "stack";
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--project" || arg.startsWith("--project=")) {
            const value = arg.includes("=") ? arg.slice("--project=".length) : argv[++i];
            if (!Object.keys(PROJECTS).includes(value)) {
                return { error: `--project is "${value}": must be one of ${Object.keys(PROJECTS).join(", ")}` };
            }
            project = value as ProjectName;
        } else if (arg === "--out" || arg === "--dir") {
            const value = argv[++i];
            if (value === undefined || value.startsWith("-")) {
                return { error: `${arg} needs a path` };
            }
            paths[arg === "--out" ? "out" : "dir"] = value;
        } else if (arg === "--format" || arg.startsWith("--format=")) {
            const value = arg.includes("=") ? arg.slice("--format=".length) : argv[++i];
            if (!FORMATS.includes(value as Format)) {
                return { error: `--format is "${value}": must be one of ${FORMATS.join(", ")}` };
            }
            format = value as Format;
        } else if (arg.startsWith("-")) {
            return { error: `unknown option ${arg}` };
        } else if (stack === undefined) {
            stack = arg;
        } else {
            return { error: `unexpected argument "${arg}": give one stack name` };
        }
    }
    return stack
        ? { stack, format, ...paths, project }
        : { error: "usage: npm run plan -- [--project stack|bootstrap] <stack> [--format text|markdown|json] [--out FILE] [--dir DIR]" };
}

export interface PlanIo {
    /** Folder holding the Pulumi.<stack>.yaml files. */
    root: string;
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

const PROCESS_IO: PlanIo = {
    root: ROOT,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

/**
 * Exit codes: 0 plan printed, 1 bad config or program error, 2 bad arguments,
 * 3 a mandatory policy failed, 4 another stack file beside it would create the
 * same resource group, app registration, registry or GitHub environment.
 */
export async function main(argv: string[], io: PlanIo = PROCESS_IO): Promise<number> {
    const args = parseArgs(argv);
    if ("error" in args) {
        io.stderr(`${args.error}\n`);
        return 2;
    }
    const folder = PROJECTS[args.project].folder;
    const root = args.dir ? path.resolve(args.dir) : path.join(io.root, folder);
    let plan: Plan;
    try {
        plan = await planStack(args.stack, readStackConfig(args.stack, root), path.join(ROOT, folder, "index.ts"), undefined, args.project, readSecretKeys(args.stack, root));
    } catch (e) {
        if (e instanceof ConfigError || e instanceof ExistingResourceError) {
            io.stderr(`${e.message}\n`);
        } else {
            io.stderr(`the program failed for stack "${args.stack}": ${e instanceof Error ? e.message : String(e)}\n`);
        }
        return 1;
    }
    const render = { text: renderText, markdown: renderMarkdown, json: renderJson }[args.format];
    if (args.out) {
        fs.writeFileSync(args.out, render(plan));
    } else {
        io.stdout(render(plan));
    }
    // Clashes between stack files concern the stack's own stacks; the bootstrap has one stack per tenant.
    const clashes = args.project === "stack" ? collisionsWithNeighbours(args.stack, root) : [];
    clashes.forEach((c) => io.stderr(`${c}\n`));
    return plan.policies.findings.some((f) => f.enforcementLevel === "mandatory") ? 3 : clashes.length > 0 ? 4 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
            process.exit(1);
        },
    );
}
