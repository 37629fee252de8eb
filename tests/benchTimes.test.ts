/**
 * npm run bench reads CPU time from the shell's `times` (dev/bench/times.ts).
 */
import * as assert from "assert";
import { childrenCpuMs, timeCommand } from "../dev/bench/times";

describe("bench: CPU time from the shell's times", () => {
    it("adds the children's user and system time, in bash's and dash's formats", () => {
        assert.strictEqual(childrenCpuMs("0m0.010s 0m0.000s\n1m2.500s 0m0.330s\n"), 62830);
        assert.strictEqual(childrenCpuMs("0m0.000000s 0m0.000000s\n0m1.210000s 0m0.330000s"), 1540);
    });

    it("rejects output whose last line is not a times line, quoting it", () => {
        assert.throws(() => childrenCpuMs("npm warn something\n"), { message: /got "npm warn something"$/ });
    });

    it("counts the CPU of a process the command waited for, and not the time it slept", () => {
        // Spins until it has used 100 ms of CPU itself (user plus system, start-up included), however
        // busy the machine is. The shell counts in clock ticks (10 ms here) and reads a little less.
        const spin = "while (Object.values(process.cpuUsage()).reduce((a, b) => a + b) < 100000) {}";
        // node runs under a shell the command starts: a grandchild of the measuring shell.
        const busy = timeCommand(process.cwd(), "sh", ["-c", `"${process.execPath}" -e "${spin}"`]);
        const idle = timeCommand(process.cwd(), "sleep", ["0.05"]);
        assert.ok(busy.cpuMs >= 70, `100 ms of CPU in a grandchild: ${JSON.stringify(busy)}`);
        assert.ok(idle.ms >= 50 && idle.cpuMs < 30, `sleeping 50 ms: ${JSON.stringify(idle)}`);
    });
});
