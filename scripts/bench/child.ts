/**
 * One measured run, in its own process so that module caches and memory
 * start cold: `floor` imports only the SDK modules the program uses; `plan`
 * runs the offline plan for a config. Prints one JSON line.
 */
import * as fs from "fs";
import { performance } from "perf_hooks";

async function run(): Promise<void> {
    const [mode, arg, stack] = process.argv.slice(2);
    const t0 = performance.now();
    if (mode === "floor") {
        for (const mod of JSON.parse(arg) as string[]) {
            require(mod);
        }
        const ms = performance.now() - t0;
        process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }) + "\n");
        return;
    }
    const { planStack } = await import("../plan/main");
    const config = JSON.parse(fs.readFileSync(arg, "utf8")) as Record<string, string>;
    const plan = await planStack(stack, config);
    const ms = performance.now() - t0;
    process.stdout.write(
        JSON.stringify({
            ms,
            maxRssKb: process.resourceUsage().maxRSS,
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
