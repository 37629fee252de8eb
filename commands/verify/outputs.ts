/**
 * The stack outputs verify reads (`pulumi stack output --json`), checked once
 * into a typed object. No output verify reads is a secret.
 */

export interface WorkloadOutput {
    clientId: string;
    principalId: string;
    namespace: string;
    serviceAccount: string;
}

/** One entry of the stack output externalClusters (stack/program.ts ExternalClusterOutput). */
export interface ExternalClusterOutput {
    issuerUrl: string;
    namespaces: string[];
    clientId: string;
    principalId: string;
    secretName: string;
    refreshInterval: string;
    registryLoginServer: string;
}

export interface StackOutputs {
    resourceGroupName: string;
    clusterName: string;
    clusterId: string;
    /** The cluster's OIDC issuer; AKS issuers end with '/'. */
    oidcIssuerUrl: string;
    kubeletIdentityObjectId: string;
    registryName: string;
    registryId: string;
    registryLoginServer: string;
    githubClientId: string;
    githubPrincipalId: string;
    /** Subjects the GitHub app's federated credentials must list, exactly. */
    githubSubjects: string[];
    /** "owner/name". */
    githubRepository: string;
    /** The GitHub environment holding the secrets, or null in repository scope. */
    githubEnvironment: string | null;
    githubSecretsScope: "environment" | "repository";
    tenantId: string;
    subscriptionId: string;
    workloads: Record<string, WorkloadOutput>;
    /** Clusters the stack does not create; empty for a stack without (or from before) external clusters. */
    externalClusters: Record<string, ExternalClusterOutput>;
}

export class StackOutputError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: string[],
    ) {
        super(`stack ${stack}: its outputs are not what verify expects:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "StackOutputError";
    }
}

const STRING_KEYS = [
    "resourceGroupName",
    "clusterName",
    "clusterId",
    "oidcIssuerUrl",
    "kubeletIdentityObjectId",
    "registryName",
    "registryId",
    "registryLoginServer",
    "githubClientId",
    "githubPrincipalId",
    "githubRepository",
    "tenantId",
    "subscriptionId",
] as const;

const WORKLOAD_KEYS = ["clientId", "principalId", "namespace", "serviceAccount"] as const;

const EXTERNAL_CLUSTER_KEYS = ["issuerUrl", "clientId", "principalId", "secretName", "refreshInterval", "registryLoginServer"] as const;

const isNonEmptyString = (v: unknown): v is string => typeof v === "string" && v !== "";

/** Checks the raw outputs and reports every problem at once. */
export function parseStackOutputs(stack: string, raw: Record<string, unknown>): StackOutputs {
    const problems: string[] = [];
    for (const key of STRING_KEYS) {
        if (!isNonEmptyString(raw[key])) {
            problems.push(`${key}: expected a non-empty string, got ${JSON.stringify(raw[key])}`);
        }
    }
    const subjects = raw.githubSubjects;
    if (!Array.isArray(subjects) || !subjects.every(isNonEmptyString)) {
        problems.push(`githubSubjects: expected an array of strings, got ${JSON.stringify(subjects)}`);
    }
    const repository = raw.githubRepository;
    if (isNonEmptyString(repository) && !/^[^/\s]+\/[^/\s]+$/.test(repository)) {
        problems.push(`githubRepository: expected "owner/name", got ${JSON.stringify(repository)}`);
    }
    const scope = raw.githubSecretsScope;
    if (scope !== "environment" && scope !== "repository") {
        problems.push(`githubSecretsScope: expected "environment" or "repository", got ${JSON.stringify(scope)}`);
    }
    const environment = raw.githubEnvironment ?? null;
    if (scope === "environment" && !isNonEmptyString(environment)) {
        problems.push(`githubEnvironment: expected the environment name when githubSecretsScope is "environment", got ${JSON.stringify(environment)}`);
    }
    if (environment !== null && !isNonEmptyString(environment)) {
        problems.push(`githubEnvironment: expected a string or null, got ${JSON.stringify(environment)}`);
    }
    const workloads = raw.workloads;
    if (typeof workloads !== "object" || workloads === null || Array.isArray(workloads)) {
        problems.push(`workloads: expected an object keyed by workload name, got ${JSON.stringify(workloads)}`);
    } else {
        for (const [name, w] of Object.entries(workloads as Record<string, unknown>)) {
            const fields = (w ?? {}) as Record<string, unknown>;
            for (const key of WORKLOAD_KEYS) {
                if (!isNonEmptyString(fields[key])) {
                    problems.push(`workloads.${name}.${key}: expected a non-empty string, got ${JSON.stringify(fields[key])}`);
                }
            }
        }
    }
    const externalClusters = raw.externalClusters ?? {};
    if (typeof externalClusters !== "object" || Array.isArray(externalClusters)) {
        problems.push(`externalClusters: expected an object keyed by cluster name, got ${JSON.stringify(externalClusters)}`);
    } else {
        for (const [name, c] of Object.entries(externalClusters as Record<string, unknown>)) {
            const fields = (c ?? {}) as Record<string, unknown>;
            for (const key of EXTERNAL_CLUSTER_KEYS) {
                if (!isNonEmptyString(fields[key])) {
                    problems.push(`externalClusters.${name}.${key}: expected a non-empty string, got ${JSON.stringify(fields[key])}`);
                }
            }
            if (!Array.isArray(fields.namespaces) || fields.namespaces.length === 0 || !fields.namespaces.every(isNonEmptyString)) {
                problems.push(`externalClusters.${name}.namespaces: expected a non-empty array of strings, got ${JSON.stringify(fields.namespaces)}`);
            }
        }
    }
    if (problems.length > 0) {
        throw new StackOutputError(stack, problems);
    }
    return {
        ...(Object.fromEntries(STRING_KEYS.map((k) => [k, raw[k]])) as Record<(typeof STRING_KEYS)[number], string>),
        githubSubjects: subjects as string[],
        githubEnvironment: scope === "environment" ? (environment as string) : null,
        githubSecretsScope: scope as "environment" | "repository",
        workloads: workloads as Record<string, WorkloadOutput>,
        externalClusters: externalClusters as Record<string, ExternalClusterOutput>,
    };
}
