/**
 * One measured floor run, in its own process: imports exactly the SDK files
 * that a plan run loaded (listed in a JSON file), and nothing else. Prints one
 * JSON line.
 */
import * as fs from "fs";
import { performance } from "perf_hooks";

const t0 = performance.now();
for (const file of JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as string[]) {
    require(file);
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }) + "\n");
