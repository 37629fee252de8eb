/**
 * Pure helpers of ExternalClusterRegistryPull: the ABAC condition, the refresh
 * interval rule, and the External Secrets Operator manifests. No Pulumi runtime.
 */
import { ACR_REFRESH_TOKEN_LIFETIME_SECONDS, EXTERNAL_SECRET_API_VERSION, GENERATOR_API_VERSION, MAX_PULL_SECRET_REFRESH_SECONDS } from "./externalSecretsConstants";
import { WORKLOAD_IDENTITY } from "./microsoftConstants";

/**
 * The data actions of "Container Registry Repository Reader" that a repository
 * condition must name; any action left out would stay registry-wide. Source:
 * learn.microsoft.com/azure/container-registry/container-registry-rbac-abac-repository-permissions
 * (condition examples for the Reader role: repositories/content/read and repositories/metadata/read).
 */
export const REPOSITORY_READ_ACTIONS = [
    "Microsoft.ContainerRegistry/registries/repositories/content/read",
    "Microsoft.ContainerRegistry/registries/repositories/metadata/read",
] as const;

/** A repository prefix for a condition: a repository path without the trailing '/', which the condition adds. */
export function repositoryPrefixRule(value: string): string | undefined {
    // ACR repository names: lower-case letters, digits and . _ - separated by '/'.
    // Source: learn.microsoft.com/azure/container-registry/container-registry-best-practices ("Repository names").
    return /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(value)
        ? undefined
        : "must be a repository path such as \"team\" or \"team/app\": lower-case letters, digits, '.', '_' or '-' between '/'-separated parts, no leading or trailing '/' (the condition adds the '/' itself)";
}

/**
 * The ABAC condition that limits "Container Registry Repository Reader" to
 * repositories under the given prefixes (each matched as '<prefix>/', so "team"
 * never matches "team-b/app"). Shape as Microsoft documents it: unless the
 * request is one of the read actions the assignment grants them, otherwise the
 * repository name must start with one of the prefixes. Condition version 2.0.
 */
export function repositoryPrefixCondition(prefixes: readonly string[]): string {
    if (prefixes.length === 0) {
        throw new Error("repositoryPrefixCondition needs at least one prefix");
    }
    const actions = REPOSITORY_READ_ACTIONS.map((a) => `  !(ActionMatches{'${a}'})`).join("\n  AND\n");
    const names = prefixes
        .map((p) => `  @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase '${p}/'`)
        .join("\n  OR\n");
    return `(\n (\n${actions}\n )\n OR\n (\n${names}\n )\n)`;
}

/**
 * Seconds in a Go duration as ESO reads refreshInterval ("1h", "30m", "1h30m",
 * "90s"), or undefined when the text is not one. Only h, m and s: shorter units
 * make no sense for a pull secret. Source of the format: the refreshInterval
 * field's description in ESO's ExternalSecret CRD ("Golang Duration strings").
 */
export function durationSeconds(text: string): number | undefined {
    const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
    if (!match || text === "") {
        return undefined;
    }
    const [, h, m, s] = match;
    return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

/**
 * A pull secret's refresh interval: a duration from 1m to 1h. Zero would
 * create the secret once and never refresh it; more than an hour leaves too
 * little of the ACR refresh token's 3-hour life (ESO's own ACR example,
 * docs/snippets/generator-acr-example.yaml, refreshes every 3h: the token's
 * whole life, so any late refresh leaves an expired token in place).
 */
export function refreshIntervalRule(value: string): string | undefined {
    const seconds = durationSeconds(value);
    if (seconds === undefined) {
        return 'must be a duration such as "30m" or "1h" (hours, minutes, seconds: "1h", "45m", "1h30m")';
    }
    if (seconds < 60 || seconds > MAX_PULL_SECRET_REFRESH_SECONDS) {
        return `must be from 1m to 1h: the ACR refresh token in the secret lives ${ACR_REFRESH_TOKEN_LIFETIME_SECONDS / 3600} hours, and a refresh every hour or more often keeps a valid one in place even when a refresh fails`;
    }
    return undefined;
}

/**
 * The .dockerconfigjson template ESO renders with the generator's username and
 * password (template engine v2), shaped as ESO's own ACR example
 * (docs/snippets/generator-acr-example.yaml): username and password under the
 * login server, which kubelet reads. The token itself is never written here.
 */
export function dockerConfigTemplate(loginServer: string): string {
    return `{"auths":{${JSON.stringify(loginServer)}:{"username":"{{ .username }}","password":"{{ .password }}"}}}`;
}

/** The service-account annotations ESO's ACR generator reads (generators/v1/acr/acr.go: AnnotationClientID, AnnotationTenantID). */
export function pullerServiceAccountAnnotations<T>(clientId: T, tenantId: T): Record<string, T> {
    return { [WORKLOAD_IDENTITY.clientIdAnnotation]: clientId, [WORKLOAD_IDENTITY.tenantIdAnnotation]: tenantId };
}

export interface ClusterGeneratorOptions {
    /** The registry's login server, e.g. "contoso.azurecr.io". */
    loginServer: string;
    tenantId: string;
    /** Name of the service account, in each namespace of an ExternalSecret, whose token ESO exchanges. */
    serviceAccountName: string;
}

/**
 * The ClusterGenerator wrapping an ACRAccessToken spec with workload identity.
 * ESO looks the service account up in the namespace of the ExternalSecret that
 * uses the generator, whatever serviceAccountRef.namespace says
 * (generators/v1/acr/acr.go, accessTokenForWorkloadIdentity), so no namespace is set.
 * No scope: the generator then returns an ACR refresh token limited by the
 * identity's role assignment (ESO docs, docs/api/generator/acr.md, "Scope").
 */
export function acrClusterGeneratorSpec(options: ClusterGeneratorOptions): Record<string, unknown> {
    return {
        kind: "ACRAccessToken",
        generator: {
            acrAccessTokenSpec: {
                registry: options.loginServer,
                tenantId: options.tenantId,
                environmentType: "PublicCloud",
                auth: { workloadIdentity: { serviceAccountRef: { name: options.serviceAccountName } } },
            },
        },
    };
}

export interface PullSecretOptions {
    /** Name of the ClusterGenerator. */
    generatorName: string;
    /** Name of the Kubernetes Secret ESO writes. */
    secretName: string;
    loginServer: string;
    /** A duration that passes refreshIntervalRule. */
    refreshInterval: string;
}

/** The ExternalSecret spec that writes a kubernetes.io/dockerconfigjson Secret from the generator, refreshed every refreshInterval. */
export function pullSecretExternalSecretSpec(options: PullSecretOptions): Record<string, unknown> {
    return {
        refreshInterval: options.refreshInterval,
        target: {
            name: options.secretName,
            creationPolicy: "Owner",
            deletionPolicy: "Delete",
            template: {
                type: "kubernetes.io/dockerconfigjson",
                engineVersion: "v2",
                data: { ".dockerconfigjson": dockerConfigTemplate(options.loginServer) },
            },
        },
        dataFrom: [
            {
                sourceRef: {
                    generatorRef: { apiVersion: GENERATOR_API_VERSION, kind: "ClusterGenerator", name: options.generatorName },
                },
            },
        ],
    };
}

/** Whole manifests, for docs and tests: apiVersion, kind, metadata and spec. */
export function clusterGeneratorManifest(name: string, options: ClusterGeneratorOptions): Record<string, unknown> {
    return { apiVersion: GENERATOR_API_VERSION, kind: "ClusterGenerator", metadata: { name }, spec: acrClusterGeneratorSpec(options) };
}

export function externalSecretManifest(name: string, namespace: string, options: PullSecretOptions): Record<string, unknown> {
    return { apiVersion: EXTERNAL_SECRET_API_VERSION, kind: "ExternalSecret", metadata: { name, namespace }, spec: pullSecretExternalSecretSpec(options) };
}
