/**
 * `npm run check-stacks [-- --dir DIR]`: validates every Pulumi.<stack>.yaml
 * in the project (or DIR) by running the program for it offline, as
 * `npm run plan` does. Passes for any valid configuration, whatever its
 * repository, names or number of stacks; fails, naming the file, for a
 * configuration the program rejects, and for two stacks that would create the
 * same resource group, app registration, registry or GitHub environment, and
 * for a Kubernetes version that AKS no longer supports on the day it runs
 * (stack/kubernetesVersions.ts). `npm test` and CI run it, so the project's
 * own tests never depend on the user's stack files.
 */
import * as fs from "fs";
import * as path from "path";
import { pinnedVersions, pinProblem } from "../../stack/kubernetesVersions";
import { collisionsWithNeighbours, planStack, readSecretKeys, readStackConfig, stackNames } from "../plan/main";

const ROOT = path.join(__dirname, "..", "..");

export interface CheckIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    /** Today, YYYY-MM-DD: the day a pinned Kubernetes version is judged by. Defaults to the clock's. */
    today?: string;
}

const PROCESS_IO: CheckIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Exit codes: 0 every stack file is valid (or there is none), 1 at least one is not, 2 bad arguments. */
export async function main(argv: string[], io: CheckIo = PROCESS_IO): Promise<number> {
    let dir = ROOT;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--dir" && argv[i + 1] !== undefined) {
            dir = path.resolve(argv[++i]);
        } else {
            io.stderr(`unexpected argument "${argv[i]}": usage: npm run check-stacks [-- --dir DIR]\n`);
            return 2;
        }
    }
    const stacks = stackNames(dir);
    if (stacks.length === 0) {
        io.stdout(`check-stacks: no Pulumi.<stack>.yaml in ${dir}; nothing to check\n`);
        return 0;
    }
    let failed = 0;
    for (const stack of stacks) {
        const file = `Pulumi.${stack}.yaml`;
        try {
            const plan = await planStack(stack, readStackConfig(stack, dir), undefined, undefined, "stack", readSecretKeys(stack, dir));
            const clashes = collisionsWithNeighbours(stack, dir);
            // A pinned version AKS has retired is valid YAML and plans offline, and fails the first pulumi up.
            const today = io.today ?? new Date().toISOString().slice(0, 10);
            const retired = pinnedVersions(file, fs.readFileSync(path.join(dir, file), "utf8")).flatMap((pin) => pinProblem(pin, today) ?? []);
            if (clashes.length + retired.length > 0) {
                failed++;
                [...clashes, ...retired].forEach((c) => io.stderr(`${c}\n`));
                continue;
            }
            io.stdout(`check-stacks: ${file} is valid (${plan.resources.length} resources planned)\n`);
        } catch (e) {
            failed++;
            const message = e instanceof Error ? e.message : String(e);
            // Config and existing-resource errors already start with the file's name.
            io.stderr(message.startsWith(`${file}: `) ? `${message}\n` : `${file}: ${message}\n`);
        }
    }
    return failed > 0 ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            process.stderr.write(`check-stacks: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exit(1);
        },
    );
}
