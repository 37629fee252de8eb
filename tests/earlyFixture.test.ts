/**
 * The early fixtures' processes run at a lower CPU priority than the tests
 * (tests/earlyFixture.ts), and the setting that changes it rejects bad values.
 */
import * as assert from "assert";
import * as os from "os";
import { execBesideTests, fixtureNiceness, NICENESS_ENV } from "./earlyFixture";

describe("early fixtures: their processes' priority", () => {
    it("starts a fixture's command at niceness 10 unless told otherwise", async () => {
        // Processes the command starts inherit it from the kernel (fork keeps the niceness).
        const running = execBesideTests(process.execPath, ["-e", "setInterval(() => undefined, 1000)"], { encoding: "utf8" });
        try {
            assert.strictEqual(os.getPriority(running.child.pid), fixtureNiceness(process.env[NICENESS_ENV]));
        } finally {
            running.child.kill();
            await running.catch(() => undefined);
        }
    });

    it("takes 10 when unset and any whole number from 0 to 19", () => {
        assert.deepStrictEqual([undefined, "", "0", "7", "19"].map(fixtureNiceness), [10, 10, 0, 7, 19]);
    });

    for (const bad of ["-1", "20", "2.5", "low"]) {
        it(`rejects ${NICENESS_ENV}=${bad}, naming the setting, the value and the range`, () => {
            assert.throws(() => fixtureNiceness(bad), {
                message: `${NICENESS_ENV}=${JSON.stringify(bad)}: must be a whole number from 0 (normal priority) to 19 (lowest)`,
            });
        });
    }
});
