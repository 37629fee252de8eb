/**
 * A slow fixture that another process builds (the packed library, the policy
 * pack's host), shared by every mocha process of one run. tests/startEarly.ts
 * starts each in mocha's main process before the tests start and writes its
 * result to a file in the folder named by CREDLESS_AKS_TEST_FIXTURES, which
 * the workers inherit; the test that needs it awaits that file. A test file
 * run without that set-up starts the fixture itself.
 */
import * as fs from "fs";
import * as path from "path";

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
