/**
 * `npm run bench`: measures, on the machine it runs on, the offline plan
 * (dev, prod, and 1/10/50/100 workloads), the SDK import floor, `npm test`
 * (wall and CPU time; its type-check step alone; the same with mocha on 2
 * workers), CI's packed-library and TypeScript 5.9 steps, the naive
 * ts-node baseline (once), and the deployment's critical path. Prints
 * Markdown tables; medians over runs (3 unless --runs N).
 * A benchmark, not a test: it asserts nothing and is not part of `npm test`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { FIXTURE_STACKS, readStackConfig } from "../../commands/plan/main";
import { criticalPath, GraphNode, TYPICAL_SECONDS } from "./criticalPath";
import { Timed, timeCommand } from "./times";

const ROOT = path.join(__dirname, "..", "..");
const WORK = path.join(ROOT, ".bench");

interface Sample {
    wallMs: number;
    ms: number;
    importMs?: number;
    sdkFiles?: string[];
    maxRssKb: number;
    resources?: number;
    components?: number;
    graph?: GraphNode[];
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * The TypeScript loader `npm run plan` uses: sucrase, which only strips types
 * (no type-check, no TypeScript compiler to load). ts-node's transpile-only
 * mode is measured beside it.
 */
const LOADERS = { sucrase: "sucrase/register/ts", "ts-node": "ts-node/register/transpile-only" } as const;

function child(script: "floorChild" | "planChild" | "engineFloorChild", args: string[], loader: keyof typeof LOADERS = "sucrase"): Sample {
    const t0 = performance.now();
    const res = spawnSync(process.execPath, ["-r", LOADERS[loader], path.join(__dirname, `${script}.ts`), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GITHUB_TOKEN: "" },
    });
    const wallMs = performance.now() - t0;
    if (res.status !== 0) {
        throw new Error(`bench ${script} ${args.join(" ")} failed:\n${res.stderr}`);
    }
    return { wallMs, ...JSON.parse(res.stdout.trim().split("\n").pop()!) };
}

/** timeCommand in the repository's root. */
const time = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Timed => timeCommand(ROOT, cmd, args, env);

/** The dev config with its workloads replaced by `n` generated ones, each in its own namespace. */
export function configWithWorkloads(n: number): Record<string, string> {
    const config = readStackConfig("dev", FIXTURE_STACKS);
    const workloads = Array.from({ length: n }, (_, i) => {
        const name = `svc-${String(i + 1).padStart(3, "0")}`;
        return { name, namespace: name, serviceAccount: name };
    });
    return { ...config, "credless-aks:workloads": JSON.stringify(workloads) };
}

function planSamples(label: string, stack: string, config: Record<string, string>, runs: number, loader: keyof typeof LOADERS = "sucrase"): Sample[] {
    const file = path.join(WORK, `${label}.json`);
    fs.writeFileSync(file, JSON.stringify(config));
    return Array.from({ length: runs }, () => child("planChild", [file, stack], loader));
}

type Variant = "test" | "typecheck" | "parallel";

/** npm test's two steps, with mocha on 2 workers (CONTRIBUTING.md, Speed). */
const PARALLEL_TEST = "npm run -s typecheck && node node_modules/mocha/bin/mocha.js --parallel --jobs 2 'tests/*.test.ts'";
type Round = Record<Variant, Timed>;

/** The program's own cost per workload, which noise can put at or below zero when it is small. */
const ownShare = (ms: number) => (ms >= 0.05 ? `${ms.toFixed(1)} ms` : `${ms > -0.05 ? "0.0" : ms.toFixed(1)} ms, not above the floor in this run: within the noise between the two medians`);
const fmtMs = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtMb = (kb: number) => `${Math.round(kb / 1024)} MB`;

function main(): void {
    const started = performance.now();
    const runsArg = process.argv.indexOf("--runs");
    const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
    fs.mkdirSync(WORK, { recursive: true });
    const out: string[] = [];
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    out.push(`credless-aks benchmark: ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; medians of ${runs} runs; load average ${os.loadavg()[0].toFixed(1)} at the start`);
    out.push("");

    const rows: { label: string; n: number; samples: Sample[] }[] = [];
    for (const stack of ["dev", "prod"]) {
        const config = readStackConfig(stack, FIXTURE_STACKS);
        const n = JSON.parse(config["credless-aks:workloads"] ?? "[]").length;
        rows.push({ label: stack, n, samples: planSamples(stack, stack, config, runs) });
    }
    for (const n of [1, 10, 50, 100]) {
        rows.push({ label: `dev, ${n} workloads`, n, samples: planSamples(`w${n}`, "dev", configWithWorkloads(n), runs) });
    }
    const devTsNode = planSamples("dev", "dev", readStackConfig("dev", FIXTURE_STACKS), runs, "ts-node");
    // The floor: the same SDK files the dev plan loaded, imported alone.
    const sdkFiles = rows[0].samples[0].sdkFiles!;
    const listFile = path.join(WORK, "sdk-files.json");
    fs.writeFileSync(listFile, JSON.stringify(sdkFiles));
    const floor = Array.from({ length: runs }, () => child("floorChild", [listFile]));
    const floorMs = median(floor.map((s) => s.ms));

    out.push("| offline plan | workloads | resources | in-process time | over import floor | process wall time | peak RSS |");
    out.push("|---|---|---|---|---|---|---|");
    out.push(`| import floor (the ${sdkFiles.length} SDK files the dev plan loads) | - | - | ${fmtMs(floorMs)} | - | ${fmtMs(median(floor.map((s) => s.wallMs)))} | ${fmtMb(median(floor.map((s) => s.maxRssKb)))} |`);
    for (const row of rows) {
        const ms = median(row.samples.map((s) => s.ms));
        out.push(
            `| ${row.label} | ${row.n} | ${row.samples[0].resources} | ${fmtMs(ms)} | ${fmtMs(ms - floorMs)} | ${fmtMs(median(row.samples.map((s) => s.wallMs)))} | ${fmtMb(median(row.samples.map((s) => s.maxRssKb)))} |`,
        );
    }
    const tsNodeMs = median(devTsNode.map((s) => s.ms));
    out.push(
        `| dev, loaded by ts-node transpile-only instead of sucrase | 2 | ${devTsNode[0].resources} | ${fmtMs(tsNodeMs)} | ${fmtMs(tsNodeMs - floorMs)} | ${fmtMs(median(devTsNode.map((s) => s.wallMs)))} | ${fmtMb(median(devTsNode.map((s) => s.maxRssKb)))} |`,
    );
    const scaled = rows.filter((r) => r.label.includes("workloads"));
    const first = scaled[0];
    const last = scaled[scaled.length - 1];
    const perWorkloadMs = (median(last.samples.map((s) => s.ms)) - median(first.samples.map((s) => s.ms))) / (last.n - first.n);
    const perWorkloadResources = (last.samples[0].resources! - first.samples[0].resources!) / (last.n - first.n);
    const linear = scaled.every((r) => r.samples[0].resources === first.samples[0].resources! + (r.n - first.n) * perWorkloadResources);
    // The engine floor per workload: the resources of the first and last plan registered again, bare.
    const floorOf = (label: string, config: Record<string, string>) => {
        const recordedFile = path.join(WORK, `${label}-recorded.json`);
        const configFile = path.join(WORK, `${label}.json`);
        fs.writeFileSync(configFile, JSON.stringify(config));
        child("planChild", [configFile, "dev", recordedFile]);
        return median(Array.from({ length: runs }, () => child("engineFloorChild", [recordedFile]).ms));
    };
    const engineFloorMs = (floorOf(`w${last.n}`, configWithWorkloads(last.n)) - floorOf(`w${first.n}`, configWithWorkloads(first.n))) / (last.n - first.n);
    out.push("");
    out.push(`Per extra workload: ${perWorkloadMs.toFixed(1)} ms and ${perWorkloadResources} resources; resource count ${linear ? "grows exactly linearly" : "does NOT grow linearly"} (${scaled.map((r) => `${r.n}: ${r.samples[0].resources}`).join(", ")}).`);
    out.push(
        `Engine floor per extra workload: ${engineFloorMs.toFixed(1)} ms, the same resources registered again with their recorded inputs, parents and providers through the same SDK classes and mock runtime, without credless-aks's code (dev/bench/engineFloorChild.ts); credless-aks's own share: ${ownShare(perWorkloadMs - engineFloorMs)} (component code, Outputs passed between resources, policies, trust map).`,
    );
    out.push("");
    if (process.argv.includes("--skip-tests")) {
        process.stdout.write(out.join("\n") + "\n");
        return;
    }

    const node = process.execPath;
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const mocha = "node_modules/mocha/bin/mocha.js";
    // The naive baseline: mocha through ts-node with type-checking (it type-checks what each file loads, so
    // it has no type-check step of its own), in one process, over the same test files. Run once: it is slow.
    const naiveArgs = [mocha, "--no-config", "--require", "ts-node/register", "--extension", "ts", "--timeout", "120000", "--reporter", "dot", "tests/*.test.ts"];
    // Every variant once per round, so that all of them see the machine in the same state:
    // this shared machine's speed drifts by a third within minutes. Each round starts one
    // variant later than the one before, so that no variant always runs first.
    const variants: [Variant, () => Timed][] = [
        ["test", () => time("npm", ["test", "--silent"])],
        ["typecheck", () => time("npm", ["run", "--silent", "typecheck"])],
        // npm test's command with mocha on 2 workers instead of one process.
        ["parallel", () => time("sh", ["-c", PARALLEL_TEST])],
    ];
    const rounds = Array.from({ length: runs }, (_, i) => {
        const round = {} as Round;
        for (let k = 0; k < variants.length; k++) {
            const [variant, run] = variants[(k + i) % variants.length];
            round[variant] = run();
        }
        return round;
    });
    const typecheckTs5 = time("npm", ["run", "--silent", "typecheck:ts5"]);
    const testPackage = time("npm", ["run", "--silent", "test:package"]);
    const naive = time(node, naiveArgs, { TS_NODE_TRANSPILE_ONLY: "false" });
    const cells = (samples: Timed[]) => `${fmtMs(median(samples.map((t) => t.ms)))} | ${fmtMs(median(samples.map((t) => t.cpuMs)))}`;
    const med = (pick: (r: Round) => Timed) => cells(rounds.map(pick));
    out.push(`| npm test and its steps (medians of ${runs} rounds) | wall time | CPU time, all its processes |`);
    out.push("|---|---|---|");
    out.push(`| npm test, as a whole (\`${scripts.test}\`) | ${med((r) => r.test)} |`);
    out.push(`| its type-check step alone (\`npm run typecheck\`: TypeScript 7's native compiler) | ${med((r) => r.typecheck)} |`);
    out.push(`| the same with mocha on 2 workers (\`${PARALLEL_TEST}\`) | ${med((r) => r.parallel)} |`);
    out.push("");
    out.push("| once | wall time | CPU time, all its processes |");
    out.push("|---|---|---|");
    out.push(`| CI's TypeScript 5.9 type-check (\`npm run typecheck:ts5\`) | ${cells([typecheckTs5])} |`);
    out.push(`| CI's packed-library check (\`npm run test:package\`: npm pack with its TypeScript 5.9 build, a consumer type-checked and run under mocks) | ${cells([testPackage])} |`);
    out.push(`| naive baseline: mocha in 1 process through ts-node with type-checking | ${cells([naive])} |`);
    out.push("");
    const testMs = median(rounds.map((r) => r.test.ms));
    out.push(`The naive baseline took ${(naive.ms / testMs).toFixed(1)}x npm test's median wall time.`);
    out.push("");

    const dev = rows[0].samples[0].graph!;
    const cp = criticalPath(dev);
    const clusterSeconds = TYPICAL_SECONDS["azure-native:containerservice:ManagedCluster"];
    out.push(`Deployment critical path (dev, typical provisioning times from dev/bench/criticalPath.ts): ${cp.seconds} s along ${cp.chain.length} resources, against ${cp.sequentialSeconds} s one after another (${(cp.sequentialSeconds / cp.seconds).toFixed(1)}x); the cluster alone is ${clusterSeconds} s.`);
    out.push(`Chain: ${cp.chain.map((n) => `${n.urn.split("::").pop()} (${n.type.split(":").pop()})`).join(" -> ")}`);
    out.push("");
    out.push(`The bench itself took ${fmtMs(performance.now() - started)}; load average ${os.loadavg()[0].toFixed(1)} at the end.`);
    process.stdout.write(out.join("\n") + "\n");
}

if (require.main === module) {
    main();
}
