/**
 * The stack program, run by Pulumi's Node.js host through index.ts: reads
 * and validates config, settles the GitHub side with GitHub's REST API, and
 * only then registers resources. The host awaits the returned promise; the
 * object it resolves to holds the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { readExistingResources } from "./existing";
import { checkGitHub } from "./githubPreflight";
import { loadStackConfig, readExternalKubeconfigs, readStackEnvironment } from "./loadConfig";
import { createStack } from "./program";

/** What the program takes from its host; Pulumi passes nothing, the offline plan and the tests pass their own. */
export interface StackHost {
    /** The process environment. Defaults to process.env; the offline plan passes none, so it never reaches GitHub. */
    env?: NodeJS.ProcessEnv;
    /** Where warnings go. Defaults to pulumi.log.warn (shown by preview and up). */
    warn?: (message: string) => void;
    /** The fetch used for GitHub's REST API. Defaults to Node's. */
    fetch?: typeof fetch;
}

export async function runStack(host: StackHost = {}): Promise<ReturnType<typeof createStack>> {
    // Config is read and validated, GitHub asked, and an existing cluster and registry read and
    // checked, before a single resource is registered.
    const config = loadStackConfig();
    const env = { ...readStackEnvironment(host.env ?? process.env), externalKubeconfigs: readExternalKubeconfigs(config) };
    const warn = host.warn ?? ((message: string) => pulumi.log.warn(message));
    const github = await checkGitHub(config.github, {
        token: env.githubToken,
        baseUrl: env.githubBaseUrl,
        dryRun: pulumi.runtime.isDryRun(),
        warn,
        fetch: host.fetch,
    });
    const existing = await readExistingResources(config, warn);
    return createStack(config, env, github, existing);
}
