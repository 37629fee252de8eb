/**
 * The project's type-check (npm run typecheck: TypeScript 7's native compiler,
 * tsconfig.check.json), run as an early fixture (tests/earlyFixture.ts): the
 * tests load their TypeScript with sucrase, which only strips types, so the
 * compiler runs beside them in its own process, single-threaded, and
 * tests/typeCheck.test.ts, the last file mocha runs, fails with the
 * compiler's output when it finds an error.
 */
import * as path from "path";
import { EarlyFixture, execBesideTests } from "./earlyFixture";

const ROOT = path.join(__dirname, "..");

/** TypeScript 7's native compiler, as this repository installs it (package.json: typescript7). */
export const NATIVE_TSC = path.join(ROOT, "node_modules", "typescript7", "bin", "tsc");

/** npm run typecheck's check, single-threaded because it runs beside the tests; run from the repository's root. */
export const TYPE_CHECK_ARGS = ["--noEmit", "-p", "tsconfig.check.json", "--singleThreaded"] as const;

/**
 * The environment the tests run TypeScript 7's native compiler in: Go's
 * garbage collector off until the heap nears 2 GiB (go.dev/doc/gc-guide,
 * "Memory limit"). A check of this tree peaks at about 350 MB either way;
 * without collections it takes about a third less CPU (npm run bench, on
 * 2026-11-23: 1.3 s against 2.0 s), which the tests running beside it get back.
 */
export const NATIVE_COMPILER_ENV = { GOGC: "off", GOMEMLIMIT: "2GiB" } as const;

export interface TypeCheck {
    /** Undefined when the compiler found no error, else its output. */
    errors?: string;
}

/** Run once per test run. */
export const typeCheck = new EarlyFixture<TypeCheck>("type-check", async () => {
    try {
        await execBesideTests(process.execPath, [NATIVE_TSC, ...TYPE_CHECK_ARGS], {
            cwd: ROOT,
            env: { ...process.env, ...NATIVE_COMPILER_ENV },
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        return {};
    } catch (e) {
        const failed = e as { stdout?: string; stderr?: string; message: string };
        return { errors: `${failed.stdout ?? ""}${failed.stderr ?? ""}` || failed.message };
    }
});
