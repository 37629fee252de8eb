/**
 * A slow fixture that another process builds (the packed library, the policy
 * pack's host), shared by every mocha process of one run. tests/startEarly.ts
 * starts each in mocha's main process before the tests start and writes its
 * result to a file in the folder named by CREDLESS_AKS_TEST_FIXTURES, which
 * the workers inherit; the test that needs it awaits that file. A test file
 * run without that set-up starts the fixture itself.
 */
import { ChildProcess, execFile, ExecFileOptions } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

export const FIXTURES_ENV = "CREDLESS_AKS_TEST_FIXTURES";

type Outcome<T> = { value: T } | { error: string };

export class EarlyFixture<T> {
    private local: Promise<T> | undefined;

    constructor(
        private readonly name: string,
        private readonly start: () => Promise<T>,
    ) {}

    /** Starts the fixture in this process and, when `folder` is given, publishes its outcome there. */
    startHere(folder?: string): Promise<T> {
        this.local ??= this.start();
        this.local.catch(() => undefined); // a test that awaits it reports the failure
        if (folder) {
            this.local.then(
                (value) => publish<T>(path.join(folder, `${this.name}.json`), { value }),
                (e) => publish<T>(path.join(folder, `${this.name}.json`), { error: e instanceof Error ? e.message : String(e) }),
            );
        }
        return this.local;
    }

    /** The fixture: this process's own, else the one mocha's main process published, else started here. */
    get(): Promise<T> {
        if (this.local) {
            return this.local;
        }
        const folder = process.env[FIXTURES_ENV];
        return folder ? awaitPublished<T>(path.join(folder, `${this.name}.json`)) : this.startHere();
    }

    /** This process's own fixture, forgotten so that `stop` runs once; undefined when it has none. */
    async takeLocal(): Promise<T | undefined> {
        const local = this.local;
        this.local = undefined;
        return local?.catch(() => undefined);
    }
}

function publish<T>(file: string, outcome: Outcome<T>): void {
    // Written whole, then renamed: a reader never sees half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(outcome));
    fs.renameSync(`${file}.tmp`, file);
}

async function awaitPublished<T>(file: string): Promise<T> {
    while (!fs.existsSync(file)) {
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const outcome = JSON.parse(fs.readFileSync(file, "utf8")) as Outcome<T>;
    if ("error" in outcome) {
        throw new Error(outcome.error);
    }
    return outcome.value;
}

/**
 * The niceness of the fixtures' processes (and the processes they start):
 * lower priority than mocha's own process, whose tests are the longest
 * chain of the run. With more busy processes than cores, the tests keep
 * their core and the fixtures take what is left, instead of the scheduler
 * splitting every core evenly between them (npm run bench measures both).
 * CREDLESS_AKS_FIXTURE_NICENESS=0 runs them at normal priority.
 */
export const NICENESS_ENV = "CREDLESS_AKS_FIXTURE_NICENESS";
const FIXTURE_NICENESS = fixtureNiceness(process.env[NICENESS_ENV]);

/** The niceness `value` asks for: 10 when unset, else an integer from 0 (normal) to 19 (lowest). */
export function fixtureNiceness(value: string | undefined): number {
    if (value === undefined || value === "") {
        return 10;
    }
    const niceness = Number(value);
    if (!Number.isInteger(niceness) || niceness < 0 || niceness > 19) {
        throw new Error(`${NICENESS_ENV}=${JSON.stringify(value)}: must be a whole number from 0 (normal priority) to 19 (lowest)`);
    }
    return niceness;
}

/** Lowers `child`'s CPU priority to FIXTURE_NICENESS; processes it starts afterwards inherit it. */
export function runBesideTests(child: ChildProcess): void {
    if (child.pid !== undefined) {
        try {
            os.setPriority(child.pid, FIXTURE_NICENESS);
        } catch {
            // Not permitted here: the fixture runs at normal priority, only slower beside the tests.
        }
    }
}

const execFileAsync = promisify(execFile);

/** execFile for a fixture's command: resolves with its output, rejects as execFile does, at fixture priority. */
export function execBesideTests(
    file: string,
    args: string[],
    options: ExecFileOptions & { encoding: "utf8" },
): Promise<{ stdout: string; stderr: string }> & { child: ChildProcess } {
    const running = execFileAsync(file, args, options);
    runBesideTests(running.child);
    return running;
}
