/**
 * Wall and CPU time of a command, for npm run bench. The CPU time is what the
 * POSIX shell builtin `times` reports for the shell's children: user plus
 * system time of the command and of every process it waited for, so npm
 * test's outside processes count as well as mocha's own.
 */
import { spawnSync } from "child_process";
import { performance } from "perf_hooks";

export interface Timed {
    /** Wall time, milliseconds. */
    ms: number;
    /** User plus system CPU time of the command and the processes it waited for, milliseconds. */
    cpuMs: number;
}

/** The shell runs the command, then writes `times` to stderr and exits with the command's status. */
const WRAPPER = '"$@"; status=$?; times >&2; exit $status';

export function timeCommand(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Timed {
    const t0 = performance.now();
    const res = spawnSync("sh", ["-c", WRAPPER, "sh", cmd, ...args], { cwd, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    const ms = performance.now() - t0;
    if (res.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} failed:\n${res.stdout}\n${res.stderr}`);
    }
    return { ms, cpuMs: childrenCpuMs(res.stderr) };
}

/**
 * The children's line of `times` output (its last line: user and system time,
 * "0m1.210s 0m0.330s" in bash, "0m1.210000s 0m0.330000s" in dash), in milliseconds.
 */
export function childrenCpuMs(stderr: string): number {
    const last = stderr.trimEnd().split("\n").pop() ?? "";
    const m = /^(\d+)m(\d+(?:\.\d+)?)s (\d+)m(\d+(?:\.\d+)?)s$/.exec(last.trim());
    if (!m) {
        throw new Error(`expected the children's line of the shell's times output, "<m>m<s>s <m>m<s>s", as the last line; got ${JSON.stringify(last)}`);
    }
    const [, userMin, userSec, sysMin, sysSec] = m.map(Number);
    return Math.round((userMin * 60 + userSec + sysMin * 60 + sysSec) * 1000);
}
