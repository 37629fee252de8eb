/**
 * Loaded by mocha before the test files (.mocharc.json). It starts the
 * fixtures that other processes build (the type-check, the packed library,
 * the policy pack's host) as soon as it is loaded, so that they run beside
 * the tests instead of before the tests that need them, and publishes their
 * outcomes for the workers (tests/earlyFixture.ts). The files that await them
 * run last (.mocharc.json).
 *
 * Loaded, not in mocha's global set-up: the set-up runs only after every test
 * file has been loaded, about a second in which mocha's process uses one core
 * and the fixtures can have the other. Measured on this repository's 2-core
 * machine, npm test's command under /usr/bin/time, ten runs alternating with
 * the fixtures started by the set-up: a median of 6.1 s against 6.5 s, faster
 * in 7 of the 10 pairs. So this module imports nothing heavy before it
 * starts them.
 *
 * Mocha loads this module in its workers too (--parallel); they find the
 * fixtures' folder in the environment they inherit and start nothing. Verify's
 * run through its fake executables runs in mocha's own process, so the global
 * set-up starts it. The global teardown stops them all.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES_ENV } from "./earlyFixture";
import { packedLibrary, removePackedLibrary } from "./packedLibrary";
import { policyHost, stopPolicyHost } from "./policyHost";
import { typeCheck } from "./typeCheck";

/** The folder this process publishes its fixtures in; undefined in a worker. */
let folder: string | undefined;

if (!process.env[FIXTURES_ENV]) {
    const started = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-fixtures-"));
    folder = started;
    // Set before mocha forks its workers, which inherit the environment.
    process.env[FIXTURES_ENV] = started;
    void typeCheck.startHere(started);
    void policyHost.startHere(started);
    void packedLibrary.startHere(started);
    // If mocha ends without its teardown (a test file that fails to load), the folder goes anyway.
    process.on("exit", () => fs.rmSync(started, { recursive: true, force: true }));
}

/** Loaded here, after the other fixtures have started: it brings the verify scripts with it. */
function verifyHarness(): typeof import("./verifyHarness") {
    return require("./verifyHarness") as typeof import("./verifyHarness");
}

export function mochaGlobalSetup(): void {
    if (folder) {
        void verifyHarness().healthyProcessesRun.startHere(folder);
    }
}

export async function mochaGlobalTeardown(): Promise<void> {
    await Promise.all([removePackedLibrary(), stopPolicyHost(), typeCheck.takeLocal(), verifyHarness().healthyProcessesRun.takeLocal()]);
    if (folder) {
        fs.rmSync(folder, { recursive: true, force: true });
        delete process.env[FIXTURES_ENV];
    }
}
