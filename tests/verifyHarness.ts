import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../scripts/verify/main";

/**
 * Runs `verify` in-process against fake pulumi, az, kubectl, gh and curl
 * executables: a temporary bin directory is the whole PATH, so no real tool
 * can be reached. The fakes answer from a scenario (tests/fixtures/verify/healthy.json,
 * changed per test) and record every call.
 */

export const FIXTURES = path.join(__dirname, "fixtures", "verify");
export const FAKE_TOOLS = ["pulumi", "az", "kubectl", "gh", "curl"] as const;

// The scenario is test data shaped by tests/fixtures/verify/fake-tool.js; tests edit it freely.
export type Scenario = any;

export interface Call {
    tool: string;
    args: string[];
    stdin?: string;
    env: { AAD_LOGIN_METHOD?: string };
}

export interface VerifyRun {
    code: number;
    out: string;
    err: string;
    calls: Call[];
    /** Pods the fake cluster still holds after the run. */
    podsLeft: string[];
    sleeps: number[];
}

export function healthyScenario(): Scenario {
    return JSON.parse(fs.readFileSync(path.join(FIXTURES, "healthy.json"), "utf8"));
}

export async function runVerify(scenario: Scenario, argv: string[] = ["dev"], options: { without?: string[] } = {}): Promise<VerifyRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-verify-"));
    try {
        const bin = path.join(dir, "bin");
        const state = path.join(dir, "state");
        fs.mkdirSync(bin);
        fs.mkdirSync(state);
        for (const tool of FAKE_TOOLS.filter((t) => !(options.without ?? []).includes(t))) {
            const wrapper = path.join(bin, tool);
            fs.writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${path.join(FIXTURES, "fake-tool.js")}" ${tool} "$@"\n`);
            fs.chmodSync(wrapper, 0o755);
        }
        const scenarioFile = path.join(dir, "scenario.json");
        const callsFile = path.join(dir, "calls.jsonl");
        fs.writeFileSync(scenarioFile, JSON.stringify(scenario));
        fs.writeFileSync(callsFile, "");
        let out = "";
        let err = "";
        const sleeps: number[] = [];
        const code = await main(argv, {
            env: { PATH: bin, HOME: dir, VERIFY_FAKE_SCENARIO: scenarioFile, VERIFY_FAKE_CALLS: callsFile, VERIFY_FAKE_STATE: state },
            out: (t) => (out += `${t}\n`),
            err: (t) => (err += `${t}\n`),
            pollIntervalMs: 1000,
            sleep: async (ms) => {
                sleeps.push(ms);
            },
            randomSuffix: () => "f00d42",
        });
        const calls = fs
            .readFileSync(callsFile, "utf8")
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as Call);
        return { code, out, err, calls, podsLeft: fs.readdirSync(state), sleeps };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
