/**
 * Runs the real program (index.ts) for a stack config under mocks, the way
 * `npm run plan` does, keeping what it registered even when it fails.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { FIXTURE_STACKS, readStackConfig } from "../commands/plan/main";
import { FakeAzure, RunResult, runUnderMocks } from "./harness";

const PROGRAM = path.join(__dirname, "..", "index.ts");

export interface ProgramRun extends RunResult<Record<string, pulumi.Output<unknown>> | undefined> {
    error?: unknown;
}

export async function runProgram(
    stack: string,
    config: Record<string, string> = readStackConfig(stack, FIXTURE_STACKS),
    azure?: FakeAzure,
): Promise<ProgramRun> {
    let error: unknown;
    const run = await runUnderMocks(
        async () => {
            delete require.cache[require.resolve(PROGRAM)];
            try {
                // index.ts exports a promise of the outputs (it reads existing resources before registering any).
                return (await require(PROGRAM)) as Record<string, pulumi.Output<unknown>>;
            } catch (e) {
                error = e;
                return undefined;
            }
        },
        { stack, config, preview: true, azure },
    );
    return { ...run, error };
}

/** A raw config object (as in Pulumi.<stack>.yaml) as the string map the Pulumi runtime holds. */
export function configMap(raw: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw)) {
        if (value !== undefined) {
            out[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return out;
}
