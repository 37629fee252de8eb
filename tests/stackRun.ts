/**
 * Runs the real program (index.ts) for a stack config under mocks, the way
 * `npm run plan` does, keeping what it registered even when it fails.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { FIXTURE_STACKS, readStackConfig } from "../commands/plan/main";
import type { StackHost } from "../stack/run";
import { FakeAzure, RunResult, runUnderMocks } from "./harness";

const PROGRAM = path.join(__dirname, "..", "index.ts");

export interface ProgramRun extends RunResult<Record<string, pulumi.Output<unknown>> | undefined> {
    error?: unknown;
    /** What the program warned about (pulumi.log.warn under the engine). */
    warnings: string[];
}

export interface ProgramOptions {
    /** The process environment the program sees. Defaults to none: no GITHUB_TOKEN of the machine running the tests. */
    env?: NodeJS.ProcessEnv;
    /** Config keys set with --secret. */
    secretKeys?: string[];
    /** False runs it as `pulumi up`. Defaults to true, a preview. */
    preview?: boolean;
    /** Existing clusters and registries the get invokes find, with their settings. */
    azure?: FakeAzure;
}

export async function runProgram(
    stack: string,
    config: Record<string, string> = readStackConfig(stack, FIXTURE_STACKS),
    options: ProgramOptions = {},
): Promise<ProgramRun> {
    let error: unknown;
    const warnings: string[] = [];
    const run = await runUnderMocks(
        async () => {
            delete require.cache[require.resolve(PROGRAM)];
            try {
                const program = require(PROGRAM) as (host: StackHost) => Promise<Record<string, pulumi.Output<unknown>>>;
                return await program({ env: options.env ?? {}, warn: (m) => warnings.push(m) });
            } catch (e) {
                error = e;
                return undefined;
            }
        },
        { stack, config, preview: options.preview ?? true, secretKeys: options.secretKeys, azure: options.azure },
    );
    return { ...run, error, warnings };
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
