/**
 * The cluster and registry a stack uses instead of creating its own
 * (credless-aks:cluster.existing, credless-aks:registry.existing): read
 * through azure-native's get invokes and checked before a single resource is
 * registered, so that `pulumi up` stops with the `az` commands that fix them
 * instead of failing halfway through.
 */
import * as pulumi from "@pulumi/pulumi";
import { ExistingClusterFacts, existingClusterProblems, existingClusterWeakenings, readExistingCluster } from "../components/existingAksCluster";
import { ExistingRegistryFacts, existingRegistryProblems, existingRegistryWeakenings, readExistingRegistry } from "../components/existingContainerRegistry";
import { StackConfig } from "./config";

export interface ExistingResources {
    cluster?: ExistingClusterFacts;
    registry?: ExistingRegistryFacts;
}

/**
 * Every problem of the existing resources at once, one line each with the
 * `az` command that fixes it. A RunError: `pulumi up` prints it without a
 * stack trace, and registers nothing.
 */
export class ExistingResourceError extends pulumi.RunError {
    constructor(
        readonly problems: string[],
        file: string,
    ) {
        super(`${file}: the existing resources cannot carry the trust chain (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
        this.name = "ExistingResourceError";
    }
}

async function read<T>(what: string, key: string, attempt: () => Promise<T>, problems: string[]): Promise<T | undefined> {
    try {
        return await attempt();
    } catch (e) {
        problems.push(`${key}: cannot read ${what}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
    }
}

/**
 * Reads the existing cluster and registry of `config`, if any. Throws
 * ExistingResourceError for what the chain cannot work without; passes a
 * warning to `warn` for what only weakens it (the policy pack reports those
 * too, mandatory unless downgraded: docs/existing-cluster.md).
 */
export async function readExistingResources(config: StackConfig, warn: (message: string) => void): Promise<ExistingResources> {
    const problems: string[] = [];
    const c = config.cluster.existing;
    const g = config.registry.existing;
    const [cluster, registry] = await Promise.all([
        c ? read(`cluster "${c.name}" in resource group "${c.resourceGroup}"`, "credless-aks:cluster.existing", () => readExistingCluster(c.name, c.resourceGroup), problems) : undefined,
        g ? read(`registry "${g.name}" in resource group "${g.resourceGroup}"`, "credless-aks:registry.existing", () => readExistingRegistry(g.name, g.resourceGroup), problems) : undefined,
    ]);
    if (cluster) {
        problems.push(...existingClusterProblems(cluster));
    }
    if (registry) {
        problems.push(...existingRegistryProblems(registry));
    }
    if (problems.length > 0) {
        throw new ExistingResourceError(problems, `Pulumi.${config.stack}.yaml`);
    }
    for (const weakening of [...(cluster ? existingClusterWeakenings(cluster) : []), ...(registry ? existingRegistryWeakenings(registry) : [])]) {
        warn(weakening);
    }
    return { cluster, registry };
}
