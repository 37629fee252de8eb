import * as pulumi from "@pulumi/pulumi";
import { githubBaseUrl, githubToken, githubTokenProblem, plaintextTokenProblem } from "../components/githubProvider";
import { ConfigError, parseStackConfig, RawConfig, rawConfigFromMap, StackConfig } from "./config";
import { kubeconfigSecretProblem } from "./externalClusters";
import { StackEnvironment } from "./program";

/**
 * Reads the stack's Pulumi config (the only place that does) into the raw
 * shape parseStackConfig validates: every key, so that unknown ones are
 * reported, and without Config.getObject, which throws on a value that is not
 * JSON instead of saying which key, what was found and what is expected.
 */
export function readRawConfig(): RawConfig {
    return rawConfigFromMap(pulumi.getStack(), pulumi.runtime.allConfig());
}

/**
 * Whether config key `key` was set with --secret. The language plugin hands
 * the program the names of its secret keys in PULUMI_CONFIG_SECRET_KEYS
 * (@pulumi/pulumi 3.248.0, runtime/config.js: "the environment variable key
 * that the language plugin uses to set configuration keys that contain
 * secrets"), and pulumi.runtime.isConfigSecret reads them. It is on the SDK's
 * public entry point (pulumi.runtime re-exports runtime/config), but its
 * typings leave it out (@internal); should a later SDK drop it, the check is
 * skipped rather than guessed.
 */
function isConfigSecret(key: string): boolean {
    const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
    return typeof runtime.isConfigSecret === "function" ? runtime.isConfigSecret(key) : true;
}

export function loadStackConfig(): StackConfig {
    return parseStackConfig(readRawConfig());
}

/**
 * What the stack needs from the process environment: whether a GitHub token
 * is at hand (the GitHub provider reads GITHUB_TOKEN or github:token itself)
 * and the REST API's base URL (github:baseUrl, as the provider resolves it).
 * `pulumi up` without one fails here with a clear message instead of a
 * provider error halfway through; previews and the offline plan go on
 * without the GitHub lookups.
 */
export function readStackEnvironment(env: NodeJS.ProcessEnv = process.env): StackEnvironment {
    const githubConfig = new pulumi.Config("github");
    const configToken = githubConfig.get("token");
    // A plain-text token fails previews too: it is already stored where it should not be.
    const plaintext = plaintextTokenProblem(configToken, isConfigSecret("github:token"));
    if (plaintext) {
        throw new Error(plaintext);
    }
    const problem = githubTokenProblem(env, configToken);
    if (problem && !pulumi.runtime.isDryRun()) {
        throw new Error(problem);
    }
    return { githubToken: githubToken(env, configToken), githubBaseUrl: githubBaseUrl(env, githubConfig.get("baseUrl")) };
}

/**
 * The kubeconfig of each external cluster, by cluster name, read from the
 * secret config key its kubeconfigSecret names. Throws one ConfigError listing
 * every key that is unset, set in plain text, or holds a static credential
 * (kubeconfigSecretProblem). The values stay secrets.
 */
export function readExternalKubeconfigs(config: StackConfig): Record<string, pulumi.Output<string>> {
    const own = new pulumi.Config("credless-aks");
    const problems: string[] = [];
    const out: Record<string, pulumi.Output<string>> = {};
    config.externalClusters.forEach((c, i) => {
        const value = own.get(c.kubeconfigSecret);
        const problem = kubeconfigSecretProblem(c.kubeconfigSecret, `credless-aks:externalClusters[${i}]`, value, isConfigSecret(`credless-aks:${c.kubeconfigSecret}`));
        if (problem) {
            problems.push(problem);
        } else {
            out[c.name] = pulumi.secret(value!);
        }
    });
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return out;
}
