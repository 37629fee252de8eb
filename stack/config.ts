import { RunError } from "@pulumi/pulumi";
import {
    AksMaintenanceWindowArgs,
    AUTO_UPGRADE_CHANNELS,
    AutoUpgradeChannel,
    clusterNameRule,
    CLUSTER_TIERS,
    ClusterTier,
    NETWORK_POLICIES,
    NetworkPolicy,
    NODE_OS_UPGRADE_CHANNELS,
    NodeOsUpgradeChannel,
    maintenanceWindowProblems,
    upgradeChannelProblem,
} from "../components/aksCluster";
import { REGISTRY_SKUS, RegistrySku } from "../components/containerRegistry";
import { apiClientId, ApiPermissionRequest, apiRule, permissionNameRule, tenantTakeoverRule } from "../components/apiPermissions";
import { KUBELOGIN_MODES, KubeloginMode } from "../components/kubeconfig";
import { MAX_FEDERATED_CREDENTIALS } from "../components/microsoftConstants";
import { grantableRoleRule } from "../components/roles";
import { SECRET_SCOPES, SecretScope } from "../components/gitHubDeploymentSecrets";
import { deploymentPatternProblems } from "../components/deploymentPatterns";
import { formatGitHubTrigger, GitHubSubjectFormat, GitHubTrigger, parseGitHubTrigger, SUBJECT_FORMATS, subjectTemplateProblems } from "../components/subjects";
import {
    azureRegionRule,
    dnsLabelRule,
    dnsSubdomainRule,
    editDistance,
    environmentNameRule,
    githubRepositoryRule,
    guidRule,
    ipv4CidrRule,
    registryNameRule,
    registryPrefixRule,
    resourceGroupNameRule,
} from "../components/validation";
import { WORKLOAD_IDENTITY_TYPES } from "../components/workloadIdentityNaming";
import { ExternalClusterConfig, kubeconfigSecretKeys, readExternalClusters } from "./externalClusters";

/**
 * The stack's configuration: read once from Pulumi.<stack>.yaml by
 * stack/loadConfig.ts, validated here into one typed object, and handed to
 * the components. Components never read config themselves.
 */

export const DEPLOYER_PRINCIPAL_TYPES = ["User", "ServicePrincipal"] as const;

export type WorkloadIdentityType = (typeof WORKLOAD_IDENTITY_TYPES)[number];
export type DeployerPrincipalType = (typeof DEPLOYER_PRINCIPAL_TYPES)[number];

export interface GitHubConfig {
    /** "owner/name" exactly as given. */
    repository: string;
    owner: string;
    name: string;
    /** Forces the subject format; unset, the stack reads it from GitHub (stack/githubPreflight.ts). */
    subjectFormat?: GitHubSubjectFormat;
    /** Forces a custom subject template (GitHub's include_claim_keys); unset, the stack reads it from GitHub. */
    subjectClaimKeys?: string[];
    /** The reusable workflow the trusted jobs run, for templates with the job_workflow_ref claim. */
    jobWorkflowRef?: string;
    /** With subjectFormat "immutable": keep trusting the name-based subjects too, while migrating (docs/immutable-subjects.md). */
    keepNameSubjects: boolean;
    ownerId?: number;
    repositoryId?: number;
    /** Triggers whose subjects the app trusts; defaults to the stack's GitHub environment. */
    triggers: GitHubTrigger[];
    secretsScope: SecretScope;
    /** The GitHub environment the secrets go to and whose jobs are trusted. */
    environmentName: string;
    /** GitHub user ids that must approve a deployment to the environment. */
    reviewerUserIds: number[];
    /** GitHub team ids that must approve a deployment to the environment. */
    reviewerTeamIds: number[];
    /** Branch name patterns that alone may deploy to the environment; none: no branch restriction. */
    deploymentBranches: string[];
    /** Tag name patterns that may deploy to the environment. */
    deploymentTags: string[];
    /** Whoever started a deployment may not approve it. */
    preventSelfReview: boolean;
    /** Repository administrators may bypass the environment's protection rules. */
    canAdminsBypass: boolean;
    /** Namespaces the app may deploy to; defaults to the workloads' namespaces. */
    deployNamespaces: string[];
}

export interface NodePoolConfig {
    vmSize: string;
    count: number;
    /** With maxCount: the cluster autoscaler's bounds. */
    minCount?: number;
    maxCount?: number;
    availabilityZones: string[];
}

/** An Entra security group the stack creates; its members administer the cluster. */
export interface AdminGroupConfig {
    displayName: string;
    /** Object ids of the members (users, groups or service principals). */
    members: string[];
    /** Object ids of the owners; unset, the principal running `pulumi up` owns the group. */
    owners?: string[];
    /** Whether Entra directory roles may be assigned to the group (false unless asked). */
    assignableToRole: boolean;
}

/** A cluster or registry that exists already: the stack reads it and never changes or deletes it. */
export interface ExistingResourceConfig {
    name: string;
    resourceGroup: string;
}

export interface ClusterConfig {
    /** Use this cluster instead of creating one (the other cluster keys then do not apply). */
    existing?: ExistingResourceConfig;
    tier: ClusterTier;
    kubernetesVersion?: string;
    nodePool: NodePoolConfig;
    authorizedIpRanges: string[];
    adminGroupObjectIds: string[];
    /** A group to create whose object id joins adminGroupObjectIds. */
    adminGroup?: AdminGroupConfig;
    autoUpgradeChannel: AutoUpgradeChannel;
    nodeOsUpgradeChannel: NodeOsUpgradeChannel;
    networkPolicy: NetworkPolicy;
    deletionProtection: boolean;
    kubeloginMode: KubeloginMode;
    /** Azure CanNotDelete lock on the cluster (needs Owner or User Access Administrator to create). */
    managementLock: boolean;
    /** Weekly planned-maintenance window for both auto-upgrade channels. */
    maintenanceWindow?: AksMaintenanceWindowArgs;
    /**
     * Type of the principal that runs `pulumi up`. Unset, the role assignment
     * leaves it to ARM, which looks the existing principal up: what lets the
     * same stack run from a laptop (a user) and from CI (a service principal).
     */
    deployerPrincipalType?: DeployerPrincipalType;
}

export interface RegistryConfig {
    /** Use this registry instead of creating one (namePrefix, sku, retentionDays, zoneRedundancy then do not apply). */
    existing?: ExistingResourceConfig;
    /** "" with `existing`. */
    namePrefix: string;
    sku: RegistrySku;
    /** Days an untagged manifest is kept (Premium only; the component's default, 7, when unset). */
    retentionDays?: number;
    /** Zone redundancy (Premium only, where the region has zones). */
    zoneRedundancy: boolean;
    /** "abac": the registry is in RBAC Registry + ABAC Repository Permissions mode. */
    abacRepositoryPermissions: boolean;
}

export interface WorkloadRoleConfig {
    /** Built-in role name or role definition id. */
    role: string;
    /** "registry", "resourceGroup", or an ARM resource id. */
    scope: string;
}

export interface WorkloadConfig {
    name: string;
    namespace: string;
    serviceAccount: string;
    identityType: WorkloadIdentityType;
    createNamespace: boolean;
    tokenExpirationSeconds?: number;
    roles: WorkloadRoleConfig[];
    /** Application permissions of APIs, granted with admin consent. */
    apiPermissions: ApiPermissionRequest[];
}

export interface StackConfig {
    stack: string;
    environment: string;
    location: string;
    /** An existing resource group to use instead of creating one. */
    existingResourceGroupName?: string;
    github: GitHubConfig;
    cluster: ClusterConfig;
    registry: RegistryConfig;
    workloads: WorkloadConfig[];
    /** Clusters the stack does not create that pull from the registry (stack/externalClusters.ts). */
    externalClusters: ExternalClusterConfig[];
}

/** Everything read from Pulumi config, before validation. Values are as YAML gave them. */
export interface RawConfig {
    stack: string;
    location?: unknown;
    environment?: unknown;
    resourceGroup?: unknown;
    github?: unknown;
    cluster?: unknown;
    registry?: unknown;
    workloads?: unknown;
    externalClusters?: unknown;
    /** Problems found while reading the config map itself (unknown keys, a key set twice). */
    readProblems?: string[];
}

/**
 * All problems of a config at once, under the name of the stack file they are
 * in; none of the stack's resources is registered. A RunError, so that
 * `pulumi up` prints the message alone, without a stack trace
 * (@pulumi/pulumi errors.d.ts: RunError "results in a clean exit rather than
 * the usual verbose unhandled error logic").
 */
export class ConfigError extends RunError {
    constructor(
        readonly problems: string[],
        readonly file?: string,
    ) {
        super(`${file ? `${file}: ` : ""}invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

const PREFIX = "credless-aks:";

/** Collects problems while reading one config object; each message names key, value and rule. */
export class Reader {
    readonly problems: string[] = [];

    fail(key: string, value: unknown, rule: string): void {
        this.problems.push(`${key} is ${show(value)}: ${rule}`);
    }

    object(key: string, value: unknown, allowed: readonly string[], required: boolean): Record<string, unknown> | undefined {
        if (value === undefined || value === null) {
            if (required) {
                this.problems.push(`${key} is missing: it is required`);
            }
            return undefined;
        }
        if (typeof value !== "object" || Array.isArray(value)) {
            this.fail(key, value, `must be an object (a YAML mapping of keys to values), found ${kindOf(value)}`);
            return undefined;
        }
        const record = value as Record<string, unknown>;
        for (const k of Object.keys(record)) {
            if (!allowed.includes(k)) {
                this.problems.push(`${key}.${k} is not a known key: expected one of ${allowed.join(", ")}`);
            }
        }
        return record;
    }

    string(key: string, value: unknown, rule?: (v: string) => string | undefined): string | undefined {
        if (value === undefined || value === null) {
            return undefined;
        }
        if (typeof value !== "string") {
            this.fail(key, value, mustBeString(value));
            return undefined;
        }
        const broken = rule?.(value);
        if (broken) {
            this.fail(key, value, broken);
            return undefined;
        }
        return value;
    }

    requiredString(key: string, value: unknown, rule?: (v: string) => string | undefined): string | undefined {
        if (value === undefined || value === null || value === "") {
            this.problems.push(`${key} is missing: it is required`);
            return undefined;
        }
        return this.string(key, value, rule);
    }

    oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[], fallback: T): T {
        if (value === undefined || value === null) {
            return fallback;
        }
        if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
            this.fail(key, value, `must be one of ${allowed.join(", ")}`);
            return fallback;
        }
        return value as T;
    }

    boolean(key: string, value: unknown, fallback: boolean): boolean {
        if (value === undefined || value === null) {
            return fallback;
        }
        if (typeof value !== "boolean") {
            this.fail(key, value, "must be true or false");
            return fallback;
        }
        return value;
    }

    integer(key: string, value: unknown, min: number, max: number): number | undefined {
        if (value === undefined || value === null) {
            return undefined;
        }
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
            this.fail(key, value, `must be a whole number from ${min} to ${max}`);
            return undefined;
        }
        return value;
    }

    list(key: string, value: unknown): unknown[] {
        if (value === undefined || value === null) {
            return [];
        }
        if (!Array.isArray(value)) {
            this.fail(key, value, `must be a list (a YAML sequence, one "- " item per line), found ${kindOf(value)}`);
            return [];
        }
        return value;
    }

    stringList(key: string, value: unknown, rule?: (v: string) => string | undefined): string[] {
        const out: string[] = [];
        this.list(key, value).forEach((item, i) => {
            const s = this.string(`${key}[${i}]`, item, rule);
            if (s !== undefined) {
                out.push(s);
            }
        });
        return out;
    }
}

/** What a YAML value was read as, for "found ..." in messages. */
function kindOf(value: unknown): string {
    if (Array.isArray(value)) {
        return "a list";
    }
    if (value === null) {
        return "nothing";
    }
    return typeof value === "object" ? "an object" : typeof value === "string" ? "a string" : `a ${typeof value}`;
}

/**
 * The rule for a value that should have been a string. YAML reads unquoted
 * 1.30 as the number 1.3 and yes/true as booleans; quoting keeps the text.
 */
function mustBeString(value: unknown): string {
    if (typeof value === "number" || typeof value === "boolean") {
        return `must be a string, found ${kindOf(value)}: YAML reads an unquoted ${show(value)} as ${kindOf(value)} (1.30 becomes 1.3), so write the value in quotes, as in "1.30"`;
    }
    return `must be a string, found ${kindOf(value)}`;
}

function show(value: unknown): string {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
}

/**
 * Validates raw config into a StackConfig, or throws one ConfigError that
 * lists every problem. Pure: no Pulumi runtime, no environment, no clock.
 */
export function parseStackConfig(raw: RawConfig): StackConfig {
    const r = new Reader();

    const location = r.requiredString("azure-native:location", raw.location, azureRegionRule);
    r.problems.push(...(raw.readProblems ?? []));
    // Unset or empty (what `pulumi new` writes when its prompt is left empty): the stack's name.
    const unsetEnvironment = raw.environment === undefined || raw.environment === "";
    const environment = unsetEnvironment
        ? defaultEnvironment(r, raw.stack)
        : (r.string(`${PREFIX}environment`, raw.environment, environmentNameRule) ?? "invalid");

    const rg = r.object(`${PREFIX}resourceGroup`, raw.resourceGroup, ["existingName"], false);
    const existingResourceGroupName = rg ? r.string(`${PREFIX}resourceGroup.existingName`, rg.existingName, resourceGroupNameRule) : undefined;

    const workloads = readWorkloads(r, raw.workloads);
    const github = readGitHub(r, raw.github, environment, workloads);
    const cluster = readCluster(r, raw.cluster, environment);
    const registry = readRegistry(r, raw.registry);
    const externalClusters = readExternalClusters(r, raw.externalClusters, registry?.abacRepositoryPermissions ?? false);

    if (r.problems.length > 0 || !location || !github || !registry) {
        throw new ConfigError(r.problems, `Pulumi.${raw.stack}.yaml`);
    }
    return { stack: raw.stack, environment, location, existingResourceGroupName, github, cluster, registry, workloads, externalClusters };
}

function defaultEnvironment(r: Reader, stack: string): string {
    const broken = environmentNameRule(stack);
    if (broken) {
        r.problems.push(`${PREFIX}environment is not set and the stack name "${stack}" cannot stand in for it: it ${broken}`);
    }
    return stack;
}

const GITHUB_KEYS = [
    "repository",
    "subjectFormat",
    "keepNameSubjects",
    "ownerId",
    "repositoryId",
    "triggers",
    "secretsScope",
    "environmentName",
    "reviewers",
    "deploymentBranches",
    "deploymentTags",
    "preventSelfReview",
    "canAdminsBypass",
    "deployNamespaces",
    "subjectClaimKeys",
    "jobWorkflowRef",
] as const;

/**
 * `github.protectedBranches` is refused, not deprecated: "Protected branches
 * only" lets every branch deploy while the repository has no branch
 * protection rule (docs.github.com/actions/reference/workflows-and-actions/deployments-and-environments#deployment-branches-and-tags),
 * so keeping it for a release would keep a gate that may be open. The message
 * says what to write instead; the rest of the object is read as usual.
 */
function withoutRemovedKey(r: Reader, key: string, value: unknown): unknown {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !("protectedBranches" in value)) {
        return value;
    }
    const { protectedBranches, ...rest } = value as Record<string, unknown>;
    r.fail(
        `${key}.protectedBranches`,
        protectedBranches,
        'is no longer supported: GitHub lets every branch deploy when the repository has no branch protection rule, so it did not restrict deployments. Write deploymentBranches: ["main"] instead (the branches that may deploy; deploymentTags for tags), or remove the key to let every branch deploy',
    );
    return rest;
}

function readGitHub(r: Reader, value: unknown, environment: string, workloads: WorkloadConfig[]): GitHubConfig | undefined {
    const key = `${PREFIX}github`;
    const g = r.object(key, withoutRemovedKey(r, key, value), GITHUB_KEYS, true);
    if (!g) {
        return undefined;
    }
    const repository = r.requiredString(`${key}.repository`, g.repository, githubRepositoryRule);
    // Unset: GitHub's setting decides (read before anything is registered).
    const subjectFormat = g.subjectFormat === undefined || g.subjectFormat === null ? undefined : r.oneOf(`${key}.subjectFormat`, g.subjectFormat, SUBJECT_FORMATS, "name");
    const keepNameSubjects = r.boolean(`${key}.keepNameSubjects`, g.keepNameSubjects, false);
    if (keepNameSubjects && subjectFormat !== "immutable") {
        r.fail(`${key}.keepNameSubjects`, true, 'only applies with subjectFormat "immutable" (name-based subjects are already what "name" trusts)');
    }
    // GitHub ids are positive integers (database ids); 2^53 - 1 keeps them exact in JavaScript.
    const ownerId = r.integer(`${key}.ownerId`, g.ownerId, 1, Number.MAX_SAFE_INTEGER);
    const repositoryId = r.integer(`${key}.repositoryId`, g.repositoryId, 1, Number.MAX_SAFE_INTEGER);
    const environmentName = r.string(`${key}.environmentName`, g.environmentName, environmentNameRule) ?? environment;

    const triggers: GitHubTrigger[] = [];
    const rawTriggers = g.triggers === undefined ? [`environment:${environmentName}`] : r.list(`${key}.triggers`, g.triggers);
    rawTriggers.forEach((item, i) => {
        const text = r.string(`${key}.triggers[${i}]`, item);
        if (text === undefined) {
            return;
        }
        const parsed = parseGitHubTrigger(text);
        if ("error" in parsed) {
            r.fail(`${key}.triggers[${i}]`, text, parsed.error);
        } else if (triggers.some((t) => formatGitHubTrigger(t) === text)) {
            r.fail(`${key}.triggers[${i}]`, text, "is listed twice; each subject can be trusted only once per identity");
        } else {
            triggers.push(parsed);
        }
    });
    if (g.triggers !== undefined && rawTriggers.length === 0) {
        r.fail(`${key}.triggers`, g.triggers, "must list at least one trigger, or be left out to trust the stack's GitHub environment");
    }
    const credentials = rawTriggers.length * (keepNameSubjects ? 2 : 1);
    if (credentials > MAX_FEDERATED_CREDENTIALS) {
        r.fail(
            `${key}.triggers`,
            `${rawTriggers.length} triggers${keepNameSubjects ? " in two subject formats" : ""}`,
            `Entra ID allows at most ${MAX_FEDERATED_CREDENTIALS} federated credentials on one application`,
        );
    }

    const secretsScope = r.oneOf(`${key}.secretsScope`, g.secretsScope, SECRET_SCOPES, "environment");
    const reviewers = r.object(`${key}.reviewers`, g.reviewers, ["users", "teams"], false);
    const ids = (k: string, v: unknown): number[] =>
        r.list(k, v).flatMap((item, i) => {
            const n = r.integer(`${k}[${i}]`, item, 1, Number.MAX_SAFE_INTEGER);
            return n === undefined ? [] : [n];
        });
    const reviewerUserIds = reviewers ? ids(`${key}.reviewers.users`, reviewers.users) : [];
    const reviewerTeamIds = reviewers ? ids(`${key}.reviewers.teams`, reviewers.teams) : [];
    // GitHub allows up to six required reviewers. Source: docs.github.com/actions/reference/workflows-and-actions/deployments-and-environments#required-reviewers
    if (reviewerUserIds.length + reviewerTeamIds.length > 6) {
        r.fail(`${key}.reviewers`, g.reviewers, "GitHub allows at most 6 required reviewers (users and teams together) on an environment");
    }
    const deploymentBranches = r.stringList(`${key}.deploymentBranches`, g.deploymentBranches);
    const deploymentTags = r.stringList(`${key}.deploymentTags`, g.deploymentTags);
    r.problems.push(...deploymentPatternProblems({ branches: deploymentBranches, tags: deploymentTags }, { branches: `${key}.deploymentBranches`, tags: `${key}.deploymentTags` }));
    const givenLists = (["deploymentBranches", "deploymentTags"] as const).filter((k) => g[k] !== undefined);
    if (givenLists.length > 0 && givenLists.every((k) => Array.isArray(g[k]) && (g[k] as unknown[]).length === 0)) {
        r.problems.push(
            `${givenLists.map((k) => `${key}.${k}`).join(" and ")} list${givenLists.length === 1 ? "s" : ""} no pattern: with custom deployment policies and no pattern, nothing could deploy; list at least one pattern (e.g. ["main"]), or leave ${givenLists.length === 1 ? "it" : "them"} out to let every branch deploy`,
        );
    }
    const restrictsRefs = deploymentBranches.length + deploymentTags.length > 0;
    // Hardened in prod: nobody approves their own deployment, and admins do not bypass the rules.
    const preventSelfReview = r.boolean(`${key}.preventSelfReview`, g.preventSelfReview, environment === "prod");
    const canAdminsBypass = r.boolean(`${key}.canAdminsBypass`, g.canAdminsBypass, environment !== "prod");
    const workloadNamespaces = [...new Set(workloads.map((w) => w.namespace))];
    const deployNamespaces =
        g.deployNamespaces === undefined ? workloadNamespaces : r.stringList(`${key}.deployNamespaces`, g.deployNamespaces, dnsLabelRule);
    if (g.deployNamespaces !== undefined) {
        // The workflows deploy the workloads, so their rights stop at the workloads' namespaces:
        // never kube-system, default, or a namespace this stack knows nothing about.
        deployNamespaces.forEach((ns, i) => {
            if (deployNamespaces.indexOf(ns) !== i) {
                r.fail(`${key}.deployNamespaces[${i}]`, ns, "is listed twice");
            } else if (!workloadNamespaces.includes(ns)) {
                r.fail(
                    `${key}.deployNamespaces[${i}]`,
                    ns,
                    `is not the namespace of any workload (${workloadNamespaces.map((n) => `"${n}"`).join(", ") || "none declared"}): the workflows get deploy rights on the workloads' namespaces only`,
                );
            }
        });
    }

    if (subjectFormat === "immutable" && (ownerId === undefined) !== (repositoryId === undefined)) {
        r.problems.push(
            `${key}.ownerId and ${key}.repositoryId must be set together for subjectFormat "immutable" (or both left out to look them up through the GitHub provider)`,
        );
    }
    if (secretsScope === "repository" && (reviewerUserIds.length > 0 || reviewerTeamIds.length > 0 || restrictsRefs)) {
        r.problems.push(
            `${key}.secretsScope is "repository": reviewers, deploymentBranches and deploymentTags configure a GitHub environment, which this scope does not create`,
        );
    }
    if (secretsScope === "environment" && triggers.length === rawTriggers.length) {
        // A job reads environment secrets only when it declares `environment: <name>`, and then its
        // token's subject is ...:environment:<name>, spelled as in the workflow (Entra ID compares
        // case-sensitively). Source: docs.github.com/actions/reference/security/oidc ("Filtering for a specific environment").
        const own = `environment:${environmentName}`;
        if (!triggers.some((t) => formatGitHubTrigger(t) === own)) {
            r.fail(
                `${key}.triggers`,
                triggers.map(formatGitHubTrigger),
                `must include "${own}": the secrets are written to GitHub environment "${environmentName}", and only jobs that run in it can read them`,
            );
        }
        triggers.forEach((t, i) => {
            if (t.kind === "environment" && t.name !== environmentName && t.name.toLowerCase() === environmentName.toLowerCase()) {
                r.fail(
                    `${key}.triggers[${i}]`,
                    formatGitHubTrigger(t),
                    `differs from the environment "${environmentName}" only in letter case: Entra ID compares subjects case-sensitively, so write it as the workflow does`,
                );
            }
        });
        if (reviewerUserIds.length + reviewerTeamIds.length > 0 || restrictsRefs) {
            triggers.forEach((t, i) => {
                if (t.kind !== "environment") {
                    r.fail(
                        `${key}.triggers[${i}]`,
                        formatGitHubTrigger(t),
                        "would let jobs outside the protected environment obtain the identity, bypassing its reviewers and branch rules; trust only environment triggers here",
                    );
                }
            });
        }
    }
    const subjectClaimKeys = g.subjectClaimKeys === undefined ? undefined : r.stringList(`${key}.subjectClaimKeys`, g.subjectClaimKeys);
    const jobWorkflowRef = r.string(`${key}.jobWorkflowRef`, g.jobWorkflowRef);
    if (subjectClaimKeys !== undefined) {
        subjectTemplateProblems({ claimKeys: subjectClaimKeys, jobWorkflowRef }, triggers).forEach((p) =>
            r.problems.push(p.startsWith("include_claim_keys") ? `${key}.subjectClaimKeys is ${p.slice("include_claim_keys ".length)}` : `${key}.${p}`),
        );
    }
    if (!repository) {
        return undefined;
    }
    const [owner, name] = repository.split("/");
    return {
        repository,
        owner,
        name,
        subjectFormat,
        subjectClaimKeys,
        jobWorkflowRef,
        keepNameSubjects,
        ownerId,
        repositoryId,
        triggers,
        secretsScope,
        environmentName,
        reviewerUserIds,
        reviewerTeamIds,
        deploymentBranches,
        deploymentTags,
        preventSelfReview,
        canAdminsBypass,
        deployNamespaces,
    };
}

const CLUSTER_KEYS = [
    "existing",
    "tier",
    "kubernetesVersion",
    "nodePool",
    "authorizedIpRanges",
    "adminGroupObjectIds",
    "adminGroup",
    "autoUpgradeChannel",
    "nodeOsUpgradeChannel",
    "networkPolicy",
    "deletionProtection",
    "managementLock",
    "maintenanceWindow",
    "kubeloginMode",
    "deployerPrincipalType",
] as const;

function readCluster(r: Reader, value: unknown, environment: string): ClusterConfig {
    const key = `${PREFIX}cluster`;
    const c = r.object(key, value, CLUSTER_KEYS, false) ?? {};
    const existing = readExisting(r, `${key}.existing`, c.existing, clusterNameRule);
    if (existing) {
        // An existing cluster is read, never configured: keys that shape a new cluster would be silently ignored.
        for (const k of Object.keys(c)) {
            if (!["existing", "kubeloginMode", "deployerPrincipalType"].includes(k)) {
                r.fail(`${key}.${k}`, c[k], `only applies to a cluster this stack creates; ${key}.existing is set, so the stack uses that cluster as it is (leave ${k} out)`);
            }
        }
    }
    const isProd = environment === "prod";
    const np = r.object(`${key}.nodePool`, c.nodePool, ["vmSize", "count", "minCount", "maxCount", "availabilityZones"], false) ?? {};
    // AKS allows 1 to 1000 nodes in a pool. Source: learn.microsoft.com/azure/aks/quotas-skus-regions
    const count = r.integer(`${key}.nodePool.count`, np.count, 1, 1000) ?? (isProd ? 3 : 1);
    const minCount = r.integer(`${key}.nodePool.minCount`, np.minCount, 1, 1000);
    const maxCount = r.integer(`${key}.nodePool.maxCount`, np.maxCount, 1, 1000);
    if ((minCount === undefined) !== (maxCount === undefined)) {
        r.problems.push(`${key}.nodePool.minCount and maxCount must be set together to turn on the cluster autoscaler`);
    } else if (minCount !== undefined && maxCount !== undefined && !(minCount <= count && count <= maxCount)) {
        r.fail(`${key}.nodePool`, { minCount, count, maxCount }, "needs minCount <= count <= maxCount");
    }
    const tier = r.oneOf(`${key}.tier`, c.tier, CLUSTER_TIERS, isProd ? "Standard" : "Free");
    const autoUpgradeChannel = r.oneOf(`${key}.autoUpgradeChannel`, c.autoUpgradeChannel, AUTO_UPGRADE_CHANNELS, isProd ? "stable" : "patch");
    const nodeOsUpgradeChannel = r.oneOf(`${key}.nodeOsUpgradeChannel`, c.nodeOsUpgradeChannel, NODE_OS_UPGRADE_CHANNELS, "NodeImage");
    const channels = upgradeChannelProblem(autoUpgradeChannel, nodeOsUpgradeChannel);
    if (channels) {
        r.problems.push(`${key}.${channels}`);
    }
    return {
        existing,
        tier,
        kubernetesVersion: r.string(`${key}.kubernetesVersion`, c.kubernetesVersion, (v) =>
            /^\d+\.\d+(\.\d+)?$/.test(v) ? undefined : 'must be a Kubernetes version, MAJOR.MINOR or MAJOR.MINOR.PATCH in digits (list the ones AKS offers with az aks get-versions --location <region> --output table)',
        ),
        nodePool: {
            vmSize: r.string(`${key}.nodePool.vmSize`, np.vmSize, (v) =>
                /^Standard_[A-Za-z0-9_]+$/.test(v) ? undefined : 'must be an Azure VM size such as "Standard_D4ds_v5"',
            ) ?? (isProd ? "Standard_D4ds_v5" : "Standard_D2ds_v5"),
            count,
            minCount,
            maxCount,
            availabilityZones: r.stringList(`${key}.nodePool.availabilityZones`, np.availabilityZones, (v) =>
                ["1", "2", "3"].includes(v) ? undefined : 'must be "1", "2" or "3"',
            ),
        },
        authorizedIpRanges: r.stringList(`${key}.authorizedIpRanges`, c.authorizedIpRanges, ipv4CidrRule),
        adminGroupObjectIds: r.stringList(`${key}.adminGroupObjectIds`, c.adminGroupObjectIds, guidRule),
        adminGroup: readAdminGroup(r, `${key}.adminGroup`, c.adminGroup),
        autoUpgradeChannel,
        nodeOsUpgradeChannel,
        networkPolicy: r.oneOf(`${key}.networkPolicy`, c.networkPolicy, NETWORK_POLICIES, "cilium"),
        deletionProtection: r.boolean(`${key}.deletionProtection`, c.deletionProtection, isProd),
        kubeloginMode: r.oneOf(`${key}.kubeloginMode`, c.kubeloginMode, KUBELOGIN_MODES, "azurecli"),
        managementLock: r.boolean(`${key}.managementLock`, c.managementLock, false),
        maintenanceWindow: readMaintenanceWindow(r, `${key}.maintenanceWindow`, c.maintenanceWindow),
        deployerPrincipalType:
            c.deployerPrincipalType === undefined ? undefined : r.oneOf(`${key}.deployerPrincipalType`, c.deployerPrincipalType, DEPLOYER_PRINCIPAL_TYPES, "User"),
    };
}

/**
 * Entra group display names: 1 to 256 characters. Source:
 * learn.microsoft.com/graph/api/resources/group ("displayName ... Maximum length is 256 characters").
 */
const MAX_GROUP_DISPLAY_NAME = 256;

function readAdminGroup(r: Reader, key: string, value: unknown): AdminGroupConfig | undefined {
    const g = r.object(key, value, ["displayName", "members", "owners", "assignableToRole"], false);
    if (!g) {
        return undefined;
    }
    const displayName = r.requiredString(`${key}.displayName`, g.displayName, (v) =>
        v.trim() !== v || v.length > MAX_GROUP_DISPLAY_NAME ? `must be 1 to ${MAX_GROUP_DISPLAY_NAME} characters without leading or trailing spaces` : undefined,
    );
    const objectIds = (k: string, v: unknown): string[] => {
        const ids = r.stringList(k, v, (id) => (guidRule(id) ? "must be an Entra object id (a GUID)" : undefined));
        ids.forEach((id, i) => {
            if (ids.findIndex((other) => other.toLowerCase() === id.toLowerCase()) !== i) {
                r.fail(`${k}[${i}]`, id, "is listed twice");
            }
        });
        return ids;
    };
    const members = objectIds(`${key}.members`, g.members);
    const owners = g.owners === undefined ? undefined : objectIds(`${key}.owners`, g.owners);
    if (Array.isArray(g.owners) && g.owners.length === 0) {
        r.fail(`${key}.owners`, g.owners, "must list at least one owner, or be left out to make the principal running pulumi up the owner");
    }
    const assignableToRole = r.boolean(`${key}.assignableToRole`, g.assignableToRole, false);
    return displayName ? { displayName, members, owners, assignableToRole } : undefined;
}

function readApiPermissions(r: Reader, key: string, value: unknown): ApiPermissionRequest[] {
    const out: ApiPermissionRequest[] = [];
    const clientIds: string[] = [];
    r.list(key, value).forEach((item, i) => {
        const k = `${key}[${i}]`;
        const p = r.object(k, item, ["api", "permissions"], true);
        if (!p) {
            return;
        }
        const api = r.requiredString(`${k}.api`, p.api, apiRule);
        if (api !== undefined) {
            const clientId = apiClientId(api)!;
            if (clientIds.includes(clientId)) {
                r.fail(`${k}.api`, api, `names the same API as ${key}[${clientIds.indexOf(clientId)}]; list each API once`);
                return;
            }
            clientIds.push(clientId);
        }
        const permissions = r.stringList(`${k}.permissions`, p.permissions, (v) => permissionNameRule(v) ?? (api ? tenantTakeoverRule(api, v) : undefined));
        if (p.permissions === undefined || (Array.isArray(p.permissions) && p.permissions.length === 0)) {
            r.fail(`${k}.permissions`, p.permissions ?? [], 'must list at least one application permission, such as "User.Read.All"');
        }
        permissions.forEach((perm, j) => {
            if (permissions.indexOf(perm) !== j) {
                r.fail(`${k}.permissions`, permissions, `lists "${perm}" twice`);
            }
        });
        if (api !== undefined && permissions.length > 0) {
            out.push({ api, permissions });
        }
    });
    return out;
}

function readMaintenanceWindow(r: Reader, key: string, value: unknown): AksMaintenanceWindowArgs | undefined {
    const w = r.object(key, value, ["dayOfWeek", "startTime", "durationHours", "utcOffset"], false);
    if (!w) {
        return undefined;
    }
    const window = w as unknown as AksMaintenanceWindowArgs;
    const problems = maintenanceWindowProblems(window, key);
    r.problems.push(...problems);
    return problems.length === 0 ? { dayOfWeek: window.dayOfWeek, startTime: window.startTime, durationHours: window.durationHours, utcOffset: window.utcOffset } : undefined;
}

function readRegistry(r: Reader, value: unknown): RegistryConfig | undefined {
    const key = `${PREFIX}registry`;
    const g = r.object(key, value, ["existing", "namePrefix", "sku", "retentionDays", "zoneRedundancy", "permissionsMode"], true);
    if (!g) {
        return undefined;
    }
    const existing = readExisting(r, `${key}.existing`, g.existing, registryNameRule);
    if (existing || g.existing !== undefined) {
        for (const k of ["namePrefix", "sku", "retentionDays", "zoneRedundancy"].filter((k) => g[k] !== undefined)) {
            r.fail(`${key}.${k}`, g[k], `only applies to a registry this stack creates; ${key}.existing is set, so the stack uses that registry as it is (leave ${k} out)`);
        }
        const existingMode = r.oneOf(`${key}.permissionsMode`, g.permissionsMode, ["rbac", "abac"] as const, "rbac");
        return existing ? { existing, namePrefix: "", sku: "Basic", zoneRedundancy: false, abacRepositoryPermissions: existingMode === "abac" } : undefined;
    }
    const namePrefix = r.requiredString(`${key}.namePrefix`, g.namePrefix, registryPrefixRule);
    const sku = r.oneOf(`${key}.sku`, g.sku, REGISTRY_SKUS, "Basic");
    // Retention of untagged manifests: 0 to 365 days. Source: learn.microsoft.com/azure/container-registry/container-registry-retention-policy
    const retentionDays = r.integer(`${key}.retentionDays`, g.retentionDays, 0, 365);
    // Off unless asked for: ACR is zone-redundant by default in regions with zones, and asking fails where there are none.
    const zoneRedundancy = r.boolean(`${key}.zoneRedundancy`, g.zoneRedundancy, false);
    if (sku !== "Premium" && g.zoneRedundancy === true) {
        r.fail(`${key}.zoneRedundancy`, true, `needs sku "Premium" (the sku is "${sku}")`);
    }
    if (sku !== "Premium" && g.retentionDays !== undefined) {
        r.fail(`${key}.retentionDays`, g.retentionDays, `needs sku "Premium"; retention policies exist only there (the sku is "${sku}")`);
    }
    const mode = r.oneOf(`${key}.permissionsMode`, g.permissionsMode, ["rbac", "abac"] as const, "rbac");
    return namePrefix ? { namePrefix, sku, retentionDays, zoneRedundancy, abacRepositoryPermissions: mode === "abac" } : undefined;
}

/** `existing: { name, resourceGroup }`: both required once the object is there. */
function readExisting(r: Reader, key: string, value: unknown, nameRule: (v: string) => string | undefined): ExistingResourceConfig | undefined {
    const e = r.object(key, value, ["name", "resourceGroup"], false);
    if (!e) {
        return undefined;
    }
    const name = r.requiredString(`${key}.name`, e.name, nameRule);
    const resourceGroup = r.requiredString(`${key}.resourceGroup`, e.resourceGroup, resourceGroupNameRule);
    return name && resourceGroup ? { name, resourceGroup } : undefined;
}

const WORKLOAD_KEYS = ["name", "namespace", "serviceAccount", "identityType", "createNamespace", "tokenExpirationSeconds", "roles", "apiPermissions"] as const;

function readWorkloads(r: Reader, value: unknown): WorkloadConfig[] {
    const key = `${PREFIX}workloads`;
    const out: WorkloadConfig[] = [];
    const seenNames = new Map<string, number>();
    const seenAccounts = new Map<string, number>();
    r.list(key, value).forEach((item, i) => {
        const k = `${key}[${i}]`;
        const w = r.object(k, item, WORKLOAD_KEYS, true);
        if (!w) {
            return;
        }
        const name = r.requiredString(`${k}.name`, w.name, dnsLabelRule);
        const namespace = r.string(`${k}.namespace`, w.namespace, dnsLabelRule) ?? (w.namespace === undefined ? name : undefined);
        const serviceAccount = r.string(`${k}.serviceAccount`, w.serviceAccount, dnsSubdomainRule) ?? (w.serviceAccount === undefined ? name : undefined);
        const tokenExpirationSeconds = r.integer(`${k}.tokenExpirationSeconds`, w.tokenExpirationSeconds, 3600, 86400);
        const roles: WorkloadRoleConfig[] = [];
        r.list(`${k}.roles`, w.roles).forEach((roleItem, j) => {
            const rk = `${k}.roles[${j}]`;
            const ro = r.object(rk, roleItem, ["role", "scope"], true);
            if (!ro) {
                return;
            }
            const role = r.requiredString(`${rk}.role`, ro.role, grantableRoleRule);
            const scope = r.requiredString(`${rk}.scope`, ro.scope, (v) =>
                v === "registry" || v === "resourceGroup" || /^\/subscriptions\/[^/]+(\/.*)?$/i.test(v)
                    ? undefined
                    : 'must be "registry", "resourceGroup" or an ARM resource id starting with /subscriptions/',
            );
            if (role && scope) {
                roles.push({ role, scope });
            }
        });
        const identityType = r.oneOf(`${k}.identityType`, w.identityType, WORKLOAD_IDENTITY_TYPES, "managedIdentity");
        const createNamespace = r.boolean(`${k}.createNamespace`, w.createNamespace, true);
        const apiPermissions = readApiPermissions(r, `${k}.apiPermissions`, w.apiPermissions);
        if (!name || !namespace || !serviceAccount) {
            return;
        }
        if (seenNames.has(name)) {
            r.fail(`${k}.name`, name, `duplicates ${key}[${seenNames.get(name)}].name; workload names must be unique`);
            return;
        }
        const account = `${namespace}/${serviceAccount}`;
        if (seenAccounts.has(account)) {
            r.fail(
                `${k}`,
                { namespace, serviceAccount },
                `uses the same namespace and service account as ${key}[${seenAccounts.get(account)}]; one service account can be trusted by one workload identity only`,
            );
            return;
        }
        seenNames.set(name, i);
        seenAccounts.set(account, i);
        out.push({ name, namespace, serviceAccount, identityType, createNamespace, tokenExpirationSeconds, roles, apiPermissions });
    });
    return out;
}


/** The keys of the credless-aks namespace, and the shape each holds. */
const TOP_LEVEL_KEYS = {
    environment: "string",
    resourceGroup: "object",
    github: "object",
    cluster: "object",
    registry: "object",
    workloads: "list",
    externalClusters: "list",
} as const;
type TopLevelKey = keyof typeof TOP_LEVEL_KEYS;

/** The candidate closest to `name`, when it is close enough to be a misspelling (at most a third of its letters off). */
export function closestKey(name: string, candidates: readonly string[]): string | undefined {
    const ranked = candidates.map((c) => ({ c, d: editDistance(name, c) })).sort((x, y) => x.d - y.d);
    return ranked.length > 0 && ranked[0].d <= Math.max(2, Math.floor(name.length / 3)) ? ranked[0].c : undefined;
}

/**
 * The raw config of `stack` from the runtime's config map (every key
 * "namespace:name" with its value as text; structured values as JSON). Pure.
 *
 * - A key of the credless-aks namespace that is not known is a problem naming
 *   the closest known key.
 * - A structured value that is not JSON (a plain string where an object or a
 *   list belongs) is kept as the string, so that validation names the key, the
 *   value, what was found and what is expected, instead of Pulumi's getObject
 *   throwing.
 * - "credless-aks:github.repository"-style keys, which `pulumi new` writes for
 *   the template's values (Pulumi.yaml `template.config`), are folded into
 *   their object.
 */
export function rawConfigFromMap(stack: string, config: Record<string, string>): RawConfig {
    const problems: string[] = [];
    const values: Partial<Record<TopLevelKey, unknown>> = {};
    const dotted: { key: string; top: TopLevelKey; path: string[]; value: string }[] = [];
    const known = Object.keys(TOP_LEVEL_KEYS) as TopLevelKey[];
    const kubeconfigKeys = kubeconfigSecretKeys(config[`${PREFIX}externalClusters`]);
    for (const [key, text] of Object.entries(config)) {
        if (!key.startsWith(PREFIX) || kubeconfigKeys.includes(key.slice(PREFIX.length))) {
            continue;
        }
        const [top, ...path] = key.slice(PREFIX.length).split(".");
        if (!(known as string[]).includes(top) || (path.length > 0 && TOP_LEVEL_KEYS[top as TopLevelKey] !== "object")) {
            const guess = closestKey(key.slice(PREFIX.length), known);
            problems.push(
                `${key} is not a known key${guess ? `: did you mean ${PREFIX}${guess}?` : ""} (the ${PREFIX} keys are ${known.join(", ")}; docs/configuration.md)`,
            );
            continue;
        }
        const shape = TOP_LEVEL_KEYS[top as TopLevelKey];
        if (path.length > 0) {
            dotted.push({ key, top: top as TopLevelKey, path, value: text });
        } else {
            values[top as TopLevelKey] = shape === "string" ? text : parseJsonOrKeep(text);
        }
    }
    for (const d of dotted) {
        const base = values[d.top] ?? {};
        if (typeof base !== "object" || base === null || Array.isArray(base)) {
            continue; // validation reports the object itself
        }
        let node = base as Record<string, unknown>;
        for (const part of d.path.slice(0, -1)) {
            node[part] = typeof node[part] === "object" && node[part] !== null ? node[part] : {};
            node = node[part] as Record<string, unknown>;
        }
        const leaf = d.path[d.path.length - 1];
        if (leaf in node) {
            problems.push(`${d.key} is set twice: once in ${PREFIX}${d.top} and once on its own; keep one`);
        }
        node[leaf] = d.value;
        values[d.top] = base;
    }
    return {
        stack,
        location: config["azure-native:location"],
        environment: values.environment,
        resourceGroup: values.resourceGroup,
        github: values.github,
        cluster: values.cluster,
        registry: values.registry,
        workloads: values.workloads,
        externalClusters: values.externalClusters,
        readProblems: problems,
    };
}

function parseJsonOrKeep(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
