/**
 * `credless-aks:externalClusters`: clusters the stack does not create (EKS,
 * GKE, on-premises) that pull from the stack's registry with their own
 * service-account tokens. Validated here; the kubeconfigs are read by
 * stack/loadConfig.ts, never by components. Pure: no Pulumi runtime.
 */
import { parse } from "yaml";
import { MAX_FEDERATED_CREDENTIALS } from "../components/microsoftConstants";
import { refreshIntervalRule, repositoryPrefixRule } from "../components/registryPullManifests";
import { dnsLabelRule } from "../components/validation";
import { issuerUrlRule } from "../components/workloadIdentityNaming";
import type { Reader } from "./config";

export interface ExternalClusterConfig {
    /** RFC 1123 label; names the Pulumi resources, the stack output and (by default) the kubectl context verify uses. */
    name: string;
    /** The cluster's OIDC issuer, exactly as given: never trimmed or normalised. */
    issuerUrl: string;
    /** Namespaces whose pods pull. */
    namespaces: string[];
    /** The config key (in the credless-aks namespace, set with --secret) that holds the cluster's kubeconfig. */
    kubeconfigSecret: string;
    /** How often ESO renews the pull secret; "30m" unless set. */
    refreshInterval: string;
    /** ABAC-mode registries: repository prefixes the cluster may pull from; empty for every repository. */
    repositoryPrefixes: string[];
    /** ABAC-mode registries: also grant the Catalog Lister. */
    catalogLister: boolean;
    /** Add the pull secret to each namespace's default service account (racy; see docs/external-clusters.md). */
    patchDefaultServiceAccount: boolean;
    /** Install External Secrets Operator with its pinned Helm chart. */
    installExternalSecrets: boolean;
}

export const EXTERNAL_CLUSTER_KEYS = [
    "name",
    "issuerUrl",
    "namespaces",
    "kubeconfigSecret",
    "refreshInterval",
    "repositoryPrefixes",
    "catalogLister",
    "patchDefaultServiceAccount",
    "installExternalSecrets",
] as const;

/** Config keys of the credless-aks namespace that the stack reads itself; a kubeconfig may not hide behind one. */
const OWN_KEYS = ["environment", "resourceGroup", "github", "cluster", "registry", "workloads", "externalClusters"];

/** A config key name for kubeconfigSecret: the part after "credless-aks:". */
export function configKeyRule(value: string): string | undefined {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,99}$/.test(value)) {
        return 'must be a config key name in the credless-aks namespace, without the "credless-aks:" prefix: a letter, then letters, digits, \'-\' or \'_\' (at most 100)';
    }
    if (OWN_KEYS.includes(value)) {
        return `is one of the stack's own settings (${OWN_KEYS.join(", ")}); name a key of its own, such as "${value}Kubeconfig"`;
    }
    return undefined;
}

const PREFIX = "credless-aks:externalClusters";

/** Reads and validates the list; every problem goes to the Reader. */
export function readExternalClusters(r: Reader, value: unknown, abacRegistry: boolean): ExternalClusterConfig[] {
    const out: ExternalClusterConfig[] = [];
    const names = new Map<string, number>();
    const secrets = new Map<string, number>();
    r.list(PREFIX, value).forEach((item, i) => {
        const k = `${PREFIX}[${i}]`;
        const c = r.object(k, item, EXTERNAL_CLUSTER_KEYS, true);
        if (!c) {
            return;
        }
        const name = r.requiredString(`${k}.name`, c.name, dnsLabelRule);
        const issuerUrl = r.requiredString(`${k}.issuerUrl`, c.issuerUrl, issuerUrlRule);
        const kubeconfigSecret = r.requiredString(`${k}.kubeconfigSecret`, c.kubeconfigSecret, configKeyRule);
        if (c.namespaces === undefined || (Array.isArray(c.namespaces) && c.namespaces.length === 0)) {
            r.problems.push(`${k}.namespaces is ${c.namespaces === undefined ? "missing" : "[]"}: list the namespaces whose pods pull from the registry`);
        }
        const namespaces = r.stringList(`${k}.namespaces`, c.namespaces, dnsLabelRule);
        namespaces.forEach((ns, j) => {
            if (namespaces.indexOf(ns) !== j) {
                r.fail(`${k}.namespaces[${j}]`, ns, "is listed twice");
            }
        });
        if (namespaces.length > MAX_FEDERATED_CREDENTIALS) {
            r.fail(`${k}.namespaces`, `${namespaces.length} namespaces`, `each needs its own federated credential, and Entra ID allows at most ${MAX_FEDERATED_CREDENTIALS} on one identity`);
        }
        const refreshInterval = r.string(`${k}.refreshInterval`, c.refreshInterval, refreshIntervalRule) ?? "30m";
        const repositoryPrefixes = r.stringList(`${k}.repositoryPrefixes`, c.repositoryPrefixes, repositoryPrefixRule);
        const catalogLister = r.boolean(`${k}.catalogLister`, c.catalogLister, false);
        if (!abacRegistry && repositoryPrefixes.length > 0) {
            r.fail(`${k}.repositoryPrefixes`, repositoryPrefixes, 'needs credless-aks:registry.permissionsMode "abac": only an ABAC-mode registry honours repository conditions');
        }
        if (!abacRegistry && catalogLister) {
            r.fail(`${k}.catalogLister`, true, 'needs credless-aks:registry.permissionsMode "abac": the Catalog Lister role exists for ABAC-mode registries');
        }
        const patchDefaultServiceAccount = r.boolean(`${k}.patchDefaultServiceAccount`, c.patchDefaultServiceAccount, false);
        const installExternalSecrets = r.boolean(`${k}.installExternalSecrets`, c.installExternalSecrets, false);
        if (name !== undefined) {
            if (names.has(name)) {
                r.fail(`${k}.name`, name, `duplicates ${PREFIX}[${names.get(name)}].name; external cluster names must be unique`);
                return;
            }
            names.set(name, i);
        }
        if (kubeconfigSecret !== undefined) {
            if (secrets.has(kubeconfigSecret)) {
                r.fail(`${k}.kubeconfigSecret`, kubeconfigSecret, `is also ${PREFIX}[${secrets.get(kubeconfigSecret)}].kubeconfigSecret; each cluster needs its own kubeconfig`);
                return;
            }
            secrets.set(kubeconfigSecret, i);
        }
        if (!name || !issuerUrl || !kubeconfigSecret || namespaces.length === 0) {
            return;
        }
        out.push({ name, issuerUrl, namespaces, kubeconfigSecret, refreshInterval, repositoryPrefixes, catalogLister, patchDefaultServiceAccount, installExternalSecrets });
    });
    return out;
}

/** Fields of a kubeconfig user that hold a long-lived credential. Source: kubernetes.io/docs/reference/config-api/kubeconfig.v1 (AuthInfo). */
const STATIC_CREDENTIAL_FIELDS = ["token", "tokenFile", "password", "client-key-data", "client-key"] as const;

/**
 * Undefined when the kubeconfig secret may be used; else the problem. `value`
 * is the config value, `isSecret` whether it was set with --secret. A
 * kubeconfig that parses is also refused when a user holds a static
 * credential: it must get its token from an exec plugin (aws eks get-token,
 * gke-gcloud-auth-plugin, kubelogin), as the stack's own kubeconfig does.
 */
export function kubeconfigSecretProblem(configKey: string, clusterKey: string, value: string | undefined, isSecret: boolean): string | undefined {
    const key = `credless-aks:${configKey}`;
    if (value === undefined || value.trim() === "") {
        return `${key} is not set: ${clusterKey}.kubeconfigSecret names it; set it with pulumi config set --secret ${key} < <kubeconfig file>`;
    }
    if (!isSecret) {
        return (
            `${key} is set in plain text in the stack's config, where anyone who can read the file can use it: ` +
            `remove it (pulumi config rm ${key}) and set it again with pulumi config set --secret ${key} < <kubeconfig file>`
        );
    }
    let document: unknown;
    try {
        document = parse(value);
    } catch {
        return undefined;
    }
    const users = (document as { users?: unknown } | null)?.users;
    if (!Array.isArray(users)) {
        return undefined;
    }
    for (const [i, u] of users.entries()) {
        const user = (u as { user?: Record<string, unknown> } | null)?.user ?? {};
        const field = STATIC_CREDENTIAL_FIELDS.find((f) => user[f] !== undefined);
        if (field) {
            return `${key} holds a static credential (users[${i}].user.${field}): use a kubeconfig whose user runs an exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin), so that no long-lived credential is stored`;
        }
    }
    return undefined;
}

/**
 * The kubeconfigSecret names in the raw externalClusters config value (its
 * JSON text), whatever else is wrong with it: those keys hold kubeconfigs,
 * read by stack/loadConfig.ts, and are not unknown keys.
 */
export function kubeconfigSecretKeys(externalClustersText: string | undefined): string[] {
    let list: unknown;
    try {
        list = JSON.parse(externalClustersText ?? "[]");
    } catch {
        return [];
    }
    return Array.isArray(list)
        ? list.map((c) => (c as { kubeconfigSecret?: unknown } | null)?.kubeconfigSecret).filter((k): k is string => typeof k === "string")
        : [];
}
