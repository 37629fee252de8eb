/**
 * One measured offline plan, in its own process so that module caches and
 * memory start cold. The clock starts before the plan machinery and the
 * program are imported. Prints one JSON line.
 */
import { performance } from "perf_hooks";
const t0 = performance.now();

import * as fs from "fs";
import { planStack } from "../../commands/plan/main";
import type { RecordedForFloor } from "./engineFloorChild";

const tImported = performance.now();

async function run(): Promise<void> {
    const [configFile, stack, recordedFile] = process.argv.slice(2);
    const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, string>;
    const plan = await planStack(stack, config);
    const ms = performance.now() - t0;
    if (recordedFile) {
        // What engineFloorChild registers again, bare.
        const recorded: RecordedForFloor[] = plan.resources.map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            parent: r.parent,
            custom: r.custom,
            provider: r.provider,
            inputs: r.inputs,
        }));
        fs.writeFileSync(recordedFile, JSON.stringify(recorded));
    }
    process.stdout.write(
        JSON.stringify({
            ms,
            importMs: tImported - t0,
            maxRssKb: process.resourceUsage().maxRSS,
            // The SDK files the program loaded: the floor run imports exactly these.
            sdkFiles: Object.keys(require.cache).filter((f) => /node_modules\/@pulumi\/(pulumi|azure-native|azuread|kubernetes|github)\//.test(f)),
            resources: plan.resources.filter((r) => r.custom).length,
            components: plan.resources.filter((r) => !r.custom).length,
            graph: plan.resources.map((r) => ({ urn: r.urn, type: r.type, custom: r.custom, dependencies: r.dependencies })),
        }) + "\n",
    );
}

run().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
});
