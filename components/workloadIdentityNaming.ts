import { createHash } from "crypto";
import { WORKLOAD_IDENTITY } from "./microsoftConstants";

/**
 * Pure helpers of the WorkloadIdentityServiceAccount component: Azure and
 * Kubernetes names, annotations, labels and the pod template snippet. No
 * Pulumi runtime, so the stack's config validation can use them too.
 */

/** The Azure identity behind a workload: a user-assigned managed identity, or an Entra app registration with its service principal. */
export const WORKLOAD_IDENTITY_TYPES = ["managedIdentity", "application"] as const;
export type WorkloadIdentityType = (typeof WORKLOAD_IDENTITY_TYPES)[number];

/** Value of the `app.kubernetes.io/managed-by` label on every Kubernetes object the component creates. */
export const MANAGED_BY = "pulumi";
const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

/**
 * Longest issuer (and subject) Entra ID stores on a federated credential.
 * Source: learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations
 * ("This field has a limit of 600 characters"; leading or trailing whitespace in the issuer blocks the token exchange).
 */
const MAX_ISSUER_LENGTH = 600;

/**
 * User-assigned managed identity name: 3 to 128 letters, digits, '-' or '_',
 * starting with a letter or digit. Source: learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftmanagedidentity
 */
export function managedIdentityNameRule(value: string): string | undefined {
    return /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/.test(value)
        ? undefined
        : "must be a managed identity name: 3 to 128 letters, digits, '-' or '_', starting with a letter or digit";
}

/**
 * Federated identity credential name: 3 to 120 letters, digits, '-' or '_',
 * starting with a letter or digit. Source: learn.microsoft.com/azure/templates/microsoft.managedidentity/userassignedidentities/federatedidentitycredentials
 * (pattern ^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$); Microsoft Graph's federatedIdentityCredential
 * allows 120 URL-friendly characters, so the same rule serves app registrations.
 */
export function federatedCredentialNameRule(value: string): string | undefined {
    return /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/.test(value)
        ? undefined
        : "must be a federated credential name: 3 to 120 letters, digits, '-' or '_', starting with a letter or digit";
}

/**
 * An issuer URL given as text. It is passed on exactly as written, so what
 * Entra ID would reject or never match is refused here instead of repaired.
 * https: OpenID Connect Discovery 1.0, section 3 ("issuer ... URL using the https scheme").
 */
export function issuerUrlRule(value: string): string | undefined {
    if (!value.startsWith("https://") || /\s/.test(value) || value.length > MAX_ISSUER_LENGTH) {
        return `must be the cluster's OIDC issuer URL exactly as the cluster reports it: https://..., no whitespace, at most ${MAX_ISSUER_LENGTH} characters`;
    }
    return undefined;
}

/** The service-account token expiration the workload identity webhook accepts, in whole seconds. */
export function tokenExpirationRule(value: number): string | undefined {
    const { minTokenExpirationSeconds: min, maxTokenExpirationSeconds: max } = WORKLOAD_IDENTITY;
    return Number.isInteger(value) && value >= min && value <= max ? undefined : `must be a whole number of seconds from ${min} to ${max}`;
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A Kubernetes label key: an optional DNS-subdomain prefix and '/', then a
 * name of at most 63 characters. Source: kubernetes.io/docs/concepts/overview/working-with-objects/labels#syntax-and-character-set
 */
export function labelKeyRule(key: string): string | undefined {
    const slash = key.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
    return prefixOk && name.length <= 63 && LABEL_NAME.test(name)
        ? undefined
        : "must be a Kubernetes label key: an optional DNS subdomain prefix and '/', then 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
}

/** A Kubernetes label value: empty, or at most 63 characters as in a key's name (same source). */
export function labelValueRule(value: string): string | undefined {
    return value === "" || (value.length <= 63 && LABEL_NAME.test(value))
        ? undefined
        : "must be a Kubernetes label value: empty, or 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
}

/** Cuts `name` to `max` characters, keeping it unique by ending it with a hash of the whole name. */
function fit(name: string, max: number): string {
    if (name.length <= max) {
        return name;
    }
    return `${name.slice(0, max - 9)}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
}

/**
 * A managed identity (or app registration) name from the given parts:
 * "id-<parts joined by '-'>", lower case, other characters than letters,
 * digits, '-' and '_' replaced by '-', at most 128 characters. Always passes
 * managedIdentityNameRule. "id" is the Cloud Adoption Framework abbreviation
 * for managed identities.
 */
export function managedIdentityName(...parts: string[]): string {
    const body = parts
        .join("-")
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, "-")
        .replace(/-{2,}/g, "-")
        .replace(/^-+|-+$/g, "");
    return fit(body ? `id-${body}` : "id-workload", 128);
}

/**
 * The default name of the federated credential that trusts a service
 * account: "<namespace>-<service account>", dots replaced by '-', at most 120
 * characters. Both parts are RFC 1123 names, so the result always passes
 * federatedCredentialNameRule.
 */
export function federatedCredentialName(namespace: string, serviceAccountName: string): string {
    return fit(`${namespace}-${serviceAccountName}`.replace(/\./g, "-"), 120);
}

/**
 * The part of a role assignment's Pulumi name that tells the component's
 * assignments apart. It comes from the role and, when the scope is known as
 * text, the scope, so reordering the list renames nothing (a rename would
 * create the same ARM assignment again and then delete it). For scopes known
 * only at deployment time it adds the position among the assignments of the
 * same role with such a scope.
 */
export function roleAssignmentKey(roleId: string, scope: string | undefined, occurrence: number): string {
    const seed = scope === undefined ? `${roleId.toLowerCase()}|#${occurrence}` : `${roleId.toLowerCase()}|${scope.toLowerCase()}`;
    return createHash("sha256").update(seed).digest("hex").slice(0, 12);
}

/**
 * The service-account annotations the workload identity webhook reads.
 * Source: azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html
 * ("Service Account / Annotations": client-id, tenant-id, service-account-token-expiration).
 */
export function workloadIdentityAnnotations<T>(clientId: T, tenantId: T, tokenExpirationSeconds?: number): Record<string, T | string> {
    const annotations: Record<string, T | string> = {
        [WORKLOAD_IDENTITY.clientIdAnnotation]: clientId,
        [WORKLOAD_IDENTITY.tenantIdAnnotation]: tenantId,
    };
    if (tokenExpirationSeconds !== undefined) {
        annotations[WORKLOAD_IDENTITY.tokenExpirationAnnotation] = String(tokenExpirationSeconds);
    }
    return annotations;
}

/**
 * Labels of the Kubernetes objects: the caller's, plus
 * app.kubernetes.io/managed-by: pulumi (Kubernetes' recommended label for
 * "the tool being used to manage the operation of an application", source:
 * kubernetes.io/docs/concepts/overview/working-with-objects/common-labels).
 * The service account itself gets no workload identity label: in the current
 * azure-workload-identity documentation (same source as the annotations) only
 * the pod carries azure.workload.identity/use; early releases read it from the
 * service account.
 */
export function workloadLabels(labels: Record<string, string>): Record<string, string> {
    return { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY };
}

/** Every problem with caller labels, each as "<key> is <value>: <rule>". */
export function labelsProblems(labels: Record<string, string>): string[] {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(labels)) {
        const keyRule = labelKeyRule(key);
        if (keyRule) {
            problems.push(`labels has the key ${JSON.stringify(key)}, which ${keyRule}`);
        } else if (key === MANAGED_BY_LABEL) {
            problems.push(`labels["${key}"] is ${JSON.stringify(value)}: is set by the component to "${MANAGED_BY}"`);
        } else {
            const valueRule = labelValueRule(value);
            if (valueRule) {
                problems.push(`labels["${key}"] is ${JSON.stringify(value)}: ${valueRule}`);
            }
        }
    }
    return problems;
}

/** What a pod template needs to use the service account's workload identity. */
export interface PodTemplateSnippet {
    metadata: { labels: { [WORKLOAD_IDENTITY.useLabel]: "true" } };
    spec: { serviceAccountName: string };
}

/**
 * The pod label that makes the webhook inject the token volume and AZURE_*
 * variables, and the service account. Source: learn.microsoft.com/azure/aks/workload-identity-overview
 * ("Pod labels": azure.workload.identity/use "true" is required).
 */
export function podTemplateSnippet(serviceAccountName: string): PodTemplateSnippet {
    return { metadata: { labels: { [WORKLOAD_IDENTITY.useLabel]: "true" } }, spec: { serviceAccountName } };
}

/** The snippet as YAML to paste under a Deployment's `spec.template`. Values are quoted, so "true" stays a string. */
export function podTemplateSnippetYaml(namespace: string, serviceAccountName: string): string {
    return [
        `# pod template of a workload in namespace "${namespace}"`,
        "metadata:",
        "  labels:",
        `    ${WORKLOAD_IDENTITY.useLabel}: "true"`,
        "spec:",
        `  serviceAccountName: "${serviceAccountName}"`,
        "",
    ].join("\n");
}
