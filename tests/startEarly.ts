/**
 * Loaded by mocha before the test files (.mocharc.json). Its global set-up
 * runs once, in mocha's main process, before any test: it starts the fixtures
 * that other processes build (the type-check, the packed library, the policy
 * pack's host, verify's run through its fake executables) so that they run
 * beside the tests instead of before the tests that need them, and publishes
 * their outcomes for the workers (tests/earlyFixture.ts). The files that
 * await them run last (.mocharc.json). The global teardown stops them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES_ENV } from "./earlyFixture";
import { packedLibrary, removePackedLibrary } from "./packedLibrary";
import { policyHost, stopPolicyHost } from "./policyHost";
import { typeCheck } from "./typeCheck";
import { healthyProcessesRun } from "./verifyHarness";

let folder: string | undefined;

export function mochaGlobalSetup(): void {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-fixtures-"));
    // Set before mocha forks its workers, which inherit the environment.
    process.env[FIXTURES_ENV] = folder;
    void typeCheck.startHere(folder);
    void packedLibrary.startHere(folder);
    void policyHost.startHere(folder);
    void healthyProcessesRun.startHere(folder);
}

export async function mochaGlobalTeardown(): Promise<void> {
    await Promise.all([removePackedLibrary(), stopPolicyHost(), typeCheck.takeLocal(), healthyProcessesRun.takeLocal()]);
    if (folder) {
        fs.rmSync(folder, { recursive: true, force: true });
    }
    delete process.env[FIXTURES_ENV];
}
