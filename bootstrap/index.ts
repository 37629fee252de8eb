/**
 * The bootstrap program (bootstrap/Pulumi.yaml's main), shaped like the
 * stack's index.ts: Pulumi's Node.js host calls the exported function and
 * awaits it; the offline plan calls it with a host of its own (no
 * environment, so it never reaches GitHub). Outputs: resourceGroupName,
 * keyVaultName, environments (per environment its scope, GitHub
 * environments, client ids, subjects and the key upload command).
 */
import * as pulumi from "@pulumi/pulumi";
import { readStackEnvironment } from "../stack/loadConfig";
import { StackHost } from "../stack/run";
import { parseBootstrapConfig } from "./config";
import { checkBootstrapGitHub } from "./github";
import { createBootstrap } from "./program";

async function runBootstrap(host: StackHost = {}): Promise<ReturnType<typeof createBootstrap>> {
    // Config is read and validated before a single resource is registered.
    const own = new pulumi.Config("credless-aks-bootstrap");
    const config = parseBootstrapConfig({
        stack: pulumi.getStack(),
        location: new pulumi.Config("azure-native").get("location"),
        github: own.getObject<unknown>("github"),
        identityKind: own.get("identityKind"),
        resourceGroup: own.get("resourceGroup"),
        keyVaultName: own.get("keyVaultName"),
        environments: own.getObject<unknown>("environments"),
        pulumiCloud: own.getObject<unknown>("pulumiCloud"),
    });
    const env = readStackEnvironment(host.env ?? process.env);
    // The repository's spelling, ids and subject format, from GitHub where a token is at hand (as the stack does).
    const github = await checkBootstrapGitHub(config, {
        token: env.githubToken,
        baseUrl: env.githubBaseUrl,
        dryRun: pulumi.runtime.isDryRun(),
        warn: host.warn ?? ((message) => pulumi.log.warn(message)),
        fetch: host.fetch,
    });
    return createBootstrap(config, env, github);
}

export = runBootstrap;
