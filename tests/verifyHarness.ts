import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { missingToolError, ToolRunner } from "../commands/verify/adapters";
import { main, MainDeps } from "../commands/verify/main";
import { FakeCall, fakeTool, filePodStore, memoryCounters, PodStore } from "./fixtures/verify/fake-tool";

/**
 * Runs `verify` in-process against fake pulumi, az, kubectl, gh and curl
 * (tests/fixtures/verify/fake-tool.js). The fakes answer from a scenario
 * (tests/fixtures/verify/healthy.json, changed per test) and record every call.
 *
 * Two modes, one fake:
 * - "in-process" (default): the fake is verify's ToolRunner; no process starts.
 *   A tool in `without` fails the way spawning a missing executable does.
 * - "processes": the real spawn path. A temporary bin directory holding a
 *   wrapper per tool that runs `node fake-tool.js <tool> ...` is the whole PATH,
 *   so no real tool can be reached; a tool in `without` has no wrapper.
 */

export const FIXTURES = path.join(__dirname, "fixtures", "verify");
/** The clock of every verify run in the tests. */
export const VERIFY_NOW = "2026-11-30T12:00:00Z";

export const FAKE_TOOLS = ["pulumi", "az", "kubectl", "gh", "curl"] as const;

// The scenario is test data shaped by tests/fixtures/verify/fake-tool.js; tests edit it freely.
export type Scenario = any;

export type Call = FakeCall;

export interface VerifyRun {
    code: number;
    out: string;
    err: string;
    calls: Call[];
    /** Pods the fake cluster still holds after the run, as "<namespace>/<name>". */
    podsLeft: string[];
    sleeps: number[];
}

export interface RunVerifyOptions {
    /** Tools that are not installed. */
    without?: string[];
    /** Default "in-process"; "processes" spawns the fake executables through the real runner. */
    mode?: "in-process" | "processes";
}

export function healthyScenario(): Scenario {
    return JSON.parse(fs.readFileSync(path.join(FIXTURES, "healthy.json"), "utf8"));
}

/** The fixture has one workload; the dev stack has a second, with its own identity. */
export function withSecondWorkload(s: Scenario): Scenario {
    s.outputs.workloads["geofencing-worker"] = {
        clientId: "66666666-0000-0000-0000-000000000001",
        principalId: "66666666-0000-0000-0000-000000000002",
        namespace: "geofencing",
        serviceAccount: "geofencing-worker",
    };
    s.serviceAccounts["geofencing/geofencing-worker"] = { "azure.workload.identity/client-id": "66666666-0000-0000-0000-000000000001" };
    s.pods["geofencing/geofencing-worker"] = {
        ...s.pods["geofencing/geofencing-api"],
        logs: "credless-verify: client-id=66666666-0000-0000-0000-000000000001\ncredless-verify: token-ok\n",
    };
    return s;
}

/**
 * `verify dev --format json` against the healthy scenario with two workloads,
 * through the fake executables: the one full run of the real spawn path.
 */
export function healthyProcessesRun(): Promise<VerifyRun> {
    return runVerify(withSecondWorkload(healthyScenario()), ["dev", "--format", "json"], { mode: "processes" });
}

/** The deps of one run, besides env and runTool; the same in both modes. */
function baseDeps(): { deps: Omit<MainDeps, "env">; out: () => string; err: () => string; sleeps: number[] } {
    let out = "";
    let err = "";
    const sleeps: number[] = [];
    // A fake clock that only the injected sleep moves: nothing in a run waits for real time.
    let clock = Date.parse(VERIFY_NOW);
    return {
        deps: {
            out: (t) => (out += `${t}\n`),
            err: (t) => (err += `${t}\n`),
            pollIntervalMs: 1000,
            sleep: async (ms) => {
                sleeps.push(ms);
                clock += ms;
            },
            now: () => clock,
            randomSuffix: () => "f00d42",
        },
        out: () => out,
        err: () => err,
        sleeps,
    };
}

export async function runVerify(scenario: Scenario, argv: string[] = ["dev"], options: RunVerifyOptions = {}): Promise<VerifyRun> {
    return options.mode === "processes" ? runWithProcesses(scenario, argv, options.without ?? []) : runInProcess(scenario, argv, options.without ?? []);
}

async function runInProcess(scenario: Scenario, argv: string[], without: string[]): Promise<VerifyRun> {
    // A snapshot, as the executables read the scenario file: edits after the start do not leak in.
    const frozen: Scenario = JSON.parse(JSON.stringify(scenario));
    const calls: Call[] = [];
    const podMap = new Map<string, string>();
    const counters = memoryCounters();
    const pods: PodStore = {
        get: (key) => podMap.get(key),
        set: (key, json) => void podMap.set(key, json),
        delete: (key) => void podMap.delete(key),
        list: () => [...podMap.keys()],
    };
    const runTool: ToolRunner = async (tool, args, env, _timeoutMs, input) => {
        if (without.includes(tool)) {
            throw missingToolError(tool);
        }
        // Round-tripped through JSON like the executables' calls file, so both modes record alike.
        const record = (call: Call) => calls.push(JSON.parse(JSON.stringify(call)) as Call);
        try {
            return { ...fakeTool(tool, args, { scenario: frozen, stdin: input, env, pods, record, counters }), timedOut: false };
        } catch (e) {
            // What node does when the fake executable throws: the stack on stderr, exit code 1.
            return { code: 1, stdout: "", stderr: `${e instanceof Error ? e.stack : String(e)}\n`, timedOut: false };
        }
    };
    const run = baseDeps();
    // No PATH entry exists: if anything bypassed runTool, it would find no tool rather than a real one.
    const code = await main(argv, { ...run.deps, env: { PATH: "/nonexistent/credless-verify-in-process" }, runTool });
    return { code, out: run.out(), err: run.err(), calls, podsLeft: pods.list(), sleeps: run.sleeps };
}

/**
 * A temporary bin directory with a fake executable for each of `tools`, and
 * the environment that makes it the whole PATH; `use` runs with that
 * environment. Returns what `use` returned, the calls recorded and the pods left.
 */
export async function withFakeExecutables<T>(
    scenario: Scenario,
    tools: readonly string[],
    use: (env: NodeJS.ProcessEnv) => Promise<T>,
): Promise<{ result: T; calls: Call[]; podsLeft: string[] }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-verify-"));
    try {
        const bin = path.join(dir, "bin");
        const state = path.join(dir, "state");
        fs.mkdirSync(bin);
        fs.mkdirSync(state);
        for (const tool of tools) {
            const wrapper = path.join(bin, tool);
            fs.writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${path.join(FIXTURES, "fake-tool.js")}" ${tool} "$@"\n`);
            fs.chmodSync(wrapper, 0o755);
        }
        const scenarioFile = path.join(dir, "scenario.json");
        const callsFile = path.join(dir, "calls.jsonl");
        fs.writeFileSync(scenarioFile, JSON.stringify(scenario));
        fs.writeFileSync(callsFile, "");
        const result = await use({ PATH: bin, HOME: dir, VERIFY_FAKE_SCENARIO: scenarioFile, VERIFY_FAKE_CALLS: callsFile, VERIFY_FAKE_STATE: state });
        const calls = fs
            .readFileSync(callsFile, "utf8")
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as Call);
        return { result, calls, podsLeft: filePodStore(state).list() };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

async function runWithProcesses(scenario: Scenario, argv: string[], without: string[]): Promise<VerifyRun> {
    const run = baseDeps();
    const { result: code, calls, podsLeft } = await withFakeExecutables(
        scenario,
        FAKE_TOOLS.filter((t) => !without.includes(t)),
        (env) => main(argv, { ...run.deps, env }),
    );
    return { code, out: run.out(), err: run.err(), calls, podsLeft, sleeps: run.sleeps };
}
