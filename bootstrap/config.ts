/**
 * The bootstrap's configuration (Pulumi.<stack>.yaml in bootstrap/, keys
 * under "credless-aks-bootstrap:"), validated into one typed object with
 * every problem reported together. Pure: no Pulumi runtime.
 */
import { deploymentPatternRule } from "../components/deploymentPatterns";
import { keyVaultNameRule } from "../components/gitHubAppKeyVault";
import { PIPELINE_IDENTITY_KINDS, PipelineIdentityKind } from "../components/pipelineIdentity";
import { pulumiOrganizationRule } from "../components/pulumiCloudPipelineAccess";
import { GitHubSubjectFormat, SUBJECT_FORMATS } from "../components/subjects";
import { azureRegionRule, environmentNameRule, githubRepositoryRule, guidRule, resourceGroupNameRule } from "../components/validation";
import { ConfigError, Reader } from "../stack/config";

export const BOOTSTRAP_PROJECT = "credless-aks-bootstrap";
const PREFIX = `${BOOTSTRAP_PROJECT}:`;

/** The environment whose identities nothing else may reach (policy/pipelinePolicies.ts). */
export const PROD_ENVIRONMENT = "prod";

/** Where an environment's identities act: its resource group (created here) or its whole subscription. */
export const ENVIRONMENT_SCOPES = ["resourceGroup", "subscription"] as const;
export type EnvironmentScope = (typeof ENVIRONMENT_SCOPES)[number];

export interface BootstrapEnvironment {
    /** "dev", "prod", ...: the stack's credless-aks:environment. */
    name: string;
    subscriptionId: string;
    scope: EnvironmentScope;
    /** With scope "resourceGroup": the group the bootstrap creates and the stack uses (credless-aks:resourceGroup.existingName). */
    resourceGroupName?: string;
    /** Branches that may deploy through infra-<env>. */
    deploymentBranches: string[];
    /** Branches that may preview through infra-<env>-plan; undefined: any branch (pull requests). */
    planBranches?: string[];
    reviewerUserIds: number[];
    reviewerTeamIds: number[];
}

export interface BootstrapConfig {
    stack: string;
    location: string;
    /** This (the infrastructure) repository, "owner/name". */
    repository: string;
    owner: string;
    name: string;
    /** Forced by config; undefined: read from GitHub where a token is at hand (bootstrap/github.ts). */
    subjectFormat?: GitHubSubjectFormat;
    ownerId?: number;
    repositoryId?: number;
    identityKind: PipelineIdentityKind;
    /** Resource group of the identities and the vault: no pipeline identity has rights on it. */
    resourceGroupName: string;
    keyVaultName: string;
    environments: BootstrapEnvironment[];
    /** Optional Pulumi Cloud access (OIDC issuer, read-only preview and per-stack deploy teams); undefined: not managed. */
    pulumiCloud?: { organization: string; project: string };
}

export interface RawBootstrapConfig {
    stack: string;
    location?: unknown;
    github?: unknown;
    identityKind?: unknown;
    resourceGroup?: unknown;
    keyVaultName?: unknown;
    environments?: unknown;
    pulumiCloud?: unknown;
}

const ENVIRONMENT_KEYS = ["name", "subscriptionId", "scope", "resourceGroupName", "deploymentBranches", "planBranches", "reviewers"] as const;

export function parseBootstrapConfig(raw: RawBootstrapConfig): BootstrapConfig {
    const r = new Reader();
    const location = r.requiredString("azure-native:location", raw.location, azureRegionRule);
    const g = r.object(`${PREFIX}github`, raw.github, ["repository", "subjectFormat", "ownerId", "repositoryId"], true);
    const repository = g ? r.requiredString(`${PREFIX}github.repository`, g.repository, githubRepositoryRule) : undefined;
    const subjectFormat = g?.subjectFormat === undefined ? undefined : r.oneOf(`${PREFIX}github.subjectFormat`, g.subjectFormat, SUBJECT_FORMATS, "name");
    const ownerId = r.integer(`${PREFIX}github.ownerId`, g?.ownerId, 1, Number.MAX_SAFE_INTEGER);
    const repositoryId = r.integer(`${PREFIX}github.repositoryId`, g?.repositoryId, 1, Number.MAX_SAFE_INTEGER);
    const identityKind = r.oneOf(`${PREFIX}identityKind`, raw.identityKind, PIPELINE_IDENTITY_KINDS, "managedIdentity");
    const resourceGroupName =
        r.string(`${PREFIX}resourceGroup`, raw.resourceGroup, resourceGroupNameRule) ??
        "rg-credless-aks-pipeline";
    const keyVaultName = r.requiredString(`${PREFIX}keyVaultName`, raw.keyVaultName, keyVaultNameRule);

    const environments: BootstrapEnvironment[] = [];
    const list = r.list(`${PREFIX}environments`, raw.environments);
    if (raw.environments !== undefined && list.length === 0 && Array.isArray(raw.environments)) {
        r.problems.push(`${PREFIX}environments is []: list at least one environment`);
    } else if (raw.environments === undefined) {
        r.problems.push(`${PREFIX}environments is missing: it is required`);
    }
    list.forEach((item, i) => {
        const key = `${PREFIX}environments[${i}]`;
        const e = r.object(key, item, ENVIRONMENT_KEYS, true);
        if (!e) {
            return;
        }
        const name = r.requiredString(`${key}.name`, e.name, environmentNameRule);
        const subscriptionId = r.requiredString(`${key}.subscriptionId`, e.subscriptionId, guidRule);
        const scope = r.oneOf(`${key}.scope`, e.scope, ENVIRONMENT_SCOPES, "resourceGroup");
        const rgName = r.string(`${key}.resourceGroupName`, e.resourceGroupName, resourceGroupNameRule);
        if (scope === "resourceGroup" && e.resourceGroupName === undefined) {
            r.problems.push(`${key}.resourceGroupName is missing: it is required with scope "resourceGroup" (the group the stack deploys into)`);
        }
        if (scope === "subscription" && e.resourceGroupName !== undefined) {
            r.problems.push(`${key}.resourceGroupName is set with scope "subscription": leave it out, or use scope "resourceGroup"`);
        }
        const isProd = name === PROD_ENVIRONMENT;
        const deploymentBranches = e.deploymentBranches === undefined ? ["main"] : r.stringList(`${key}.deploymentBranches`, e.deploymentBranches, deploymentPatternRule);
        if (Array.isArray(e.deploymentBranches) && e.deploymentBranches.length === 0) {
            r.problems.push(`${key}.deploymentBranches is []: list at least one branch (default ["main"])`);
        }
        const planBranches = e.planBranches === undefined ? (isProd ? ["main"] : undefined) : r.stringList(`${key}.planBranches`, e.planBranches, deploymentPatternRule);
        if (Array.isArray(e.planBranches) && e.planBranches.length === 0) {
            r.problems.push(`${key}.planBranches is []: list at least one branch, or leave it out (non-prod: any branch; prod: main)`);
        }
        const reviewers = r.object(`${key}.reviewers`, e.reviewers, ["userIds", "teamIds"], false);
        const ids = (k: string, v: unknown) =>
            r.list(`${key}.reviewers.${k}`, v).flatMap((id, j) => r.integer(`${key}.reviewers.${k}[${j}]`, id, 1, Number.MAX_SAFE_INTEGER) ?? []);
        const reviewerUserIds = ids("userIds", reviewers?.userIds);
        const reviewerTeamIds = ids("teamIds", reviewers?.teamIds);
        if (isProd && reviewerUserIds.length + reviewerTeamIds.length === 0) {
            r.problems.push(`${key}.reviewers is not set for "${PROD_ENVIRONMENT}": list at least one user or team id whose approval infra-${PROD_ENVIRONMENT} waits for`);
        }
        if (name && environments.some((o) => o.name === name)) {
            r.problems.push(`${key}.name is ${JSON.stringify(name)}: is listed twice`);
        }
        if (name && subscriptionId) {
            environments.push({ name, subscriptionId, scope, resourceGroupName: rgName, deploymentBranches, planBranches, reviewerUserIds, reviewerTeamIds });
        }
    });
    const scopes = environments.map((e) => (e.scope === "subscription" ? `/subscriptions/${e.subscriptionId}` : `/subscriptions/${e.subscriptionId}/resourcegroups/${e.resourceGroupName?.toLowerCase()}`));
    scopes.forEach((s, i) =>
        scopes.forEach((o, j) => {
            if (i < j && (s === o || o.startsWith(`${s}/`) || s.startsWith(`${o}/`))) {
                r.problems.push(
                    `${PREFIX}environments[${j}] ("${environments[j].name}") shares its scope with environments[${i}] ("${environments[i].name}"): each environment needs its own resource group or subscription`,
                );
            }
        }),
    );
    const cloud = r.object(`${PREFIX}pulumiCloud`, raw.pulumiCloud, ["organization", "project"], false);
    const organization = cloud ? r.requiredString(`${PREFIX}pulumiCloud.organization`, cloud.organization, pulumiOrganizationRule) : undefined;
    const project = (cloud && r.string(`${PREFIX}pulumiCloud.project`, cloud.project)) || "credless-aks";
    if (r.problems.length > 0 || !location || !repository || !keyVaultName) {
        throw new ConfigError(r.problems);
    }
    const [owner, name] = repository.split("/");
    return {
        stack: raw.stack,
        location,
        repository,
        owner,
        name,
        subjectFormat,
        ownerId,
        repositoryId,
        identityKind,
        resourceGroupName,
        keyVaultName,
        environments,
        pulumiCloud: organization ? { organization, project } : undefined,
    };
}

/** The ARM scope an environment's identities act on. */
export function environmentScope(e: BootstrapEnvironment): string {
    return e.scope === "subscription" ? `/subscriptions/${e.subscriptionId}` : `/subscriptions/${e.subscriptionId}/resourceGroups/${e.resourceGroupName}`;
}
