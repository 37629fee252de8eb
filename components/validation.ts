/**
 * Pure naming rules shared by the stack's config validation and the
 * components' argument checks. Each returns undefined when the value is valid
 * and otherwise the rule it breaks, phrased to follow "<key> is "<value>": ".
 */

/** RFC 1123 DNS label, what Kubernetes requires of a namespace. Source: kubernetes.io/docs/concepts/overview/working-with-objects/names */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 DNS subdomain, what Kubernetes requires of a service account name (same page). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function dnsLabelRule(value: string): string | undefined {
    if (value.length === 0 || value.length > 63 || !DNS_LABEL.test(value)) {
        return "must be an RFC 1123 label: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit";
    }
    return undefined;
}

export function dnsSubdomainRule(value: string): string | undefined {
    if (value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
        return "must be an RFC 1123 subdomain: at most 253 lower-case letters, digits, '-' or '.', each dot-separated part starting and ending with a letter or digit";
    }
    return undefined;
}

/**
 * GitHub account (user or organisation) name: 1 to 39 alphanumerics or single
 * hyphens, not starting or ending with a hyphen. Source: GitHub's sign-up form
 * rule ("Username may only contain alphanumeric characters or single hyphens,
 * and cannot begin or end with a hyphen"), 39 characters at most.
 */
export function githubOwnerRule(value: string): string | undefined {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(value)) {
        return "must be a GitHub account name: 1 to 39 letters, digits or single hyphens, not starting or ending with a hyphen";
    }
    return undefined;
}

/** GitHub repository name: 1 to 100 of letters, digits, '.', '-', '_', and not "." or "..". */
export function githubRepositoryNameRule(value: string): string | undefined {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(value) || value === "." || value === "..") {
        return "must be a GitHub repository name: 1 to 100 letters, digits, '.', '-' or '_'";
    }
    return undefined;
}

/** "owner/name" as GitHub spells it. */
export function githubRepositoryRule(value: string): string | undefined {
    const parts = value.split("/");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
        return 'must be "owner/name", for example "contoso/geofencing"';
    }
    const owner = githubOwnerRule(parts[0]);
    if (owner) {
        return `has owner "${parts[0]}", which ${owner}`;
    }
    const name = githubRepositoryNameRule(parts[1]);
    return name ? `has name "${parts[1]}", which ${name}` : undefined;
}

/** Characters that look like wildcards. Entra ID matches subjects literally and has no wildcard. */
export function wildcardRule(value: string): string | undefined {
    return /[*?[\]]/.test(value)
        ? "contains a wildcard character (*, ?, [ or ]): Entra ID matches federated-credential subjects exactly, with no wildcards"
        : undefined;
}

/**
 * A git branch or tag name as it appears after refs/heads/ or refs/tags/.
 * Source: git-check-ref-format(1): no whitespace, control characters, ~ ^ : \,
 * no "..", no leading or trailing "/", not ending in ".lock" or ".".
 */
export function gitRefNameRule(value: string): string | undefined {
    const wildcard = wildcardRule(value);
    if (wildcard) {
        return wildcard;
    }
    if (
        value.length === 0 ||
        /[\s~^:\\\x00-\x1f\x7f]/.test(value) ||
        value.includes("..") ||
        value.includes("@{") ||
        value.startsWith("/") ||
        value.endsWith("/") ||
        value.endsWith(".") ||
        value.endsWith(".lock") ||
        value.includes("//")
    ) {
        return "must be a valid git ref name (no spaces, ~ ^ : \\, '..', '@{', leading or trailing '/', or trailing '.' or '.lock')";
    }
    return undefined;
}

/**
 * A GitHub environment name. GitHub allows up to 255 characters and treats
 * names case-insensitively; the OIDC subject carries the name as written in
 * the workflow. Entra ID compares subjects case-sensitively, so the stack uses
 * a lower-case name that also fits into Azure resource names.
 */
export function environmentNameRule(value: string): string | undefined {
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(value) || value.endsWith("-")) {
        return "must be 1 to 20 lower-case letters, digits or '-', starting with a letter and not ending with '-' (it becomes part of Azure resource names and of the GitHub OIDC subject)";
    }
    return undefined;
}

/** ACR registry name: 5 to 50 alphanumerics. Source: learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerregistry */
export function registryNameRule(value: string): string | undefined {
    return /^[a-zA-Z0-9]{5,50}$/.test(value) ? undefined : "must be 5 to 50 letters or digits (Azure Container Registry name rule)";
}

/** Prefix from which the registry name is built: 1 to 37 lower-case alphanumerics, leaving 13 characters for the unique suffix. */
export function registryPrefixRule(value: string): string | undefined {
    return /^[a-z0-9]{1,37}$/.test(value)
        ? undefined
        : "must be 1 to 37 lower-case letters or digits (the registry name is the prefix plus a 13-character unique suffix, 50 at most, alphanumerics only)";
}

/** Entra ID and Azure object ids are GUIDs. */
export function guidRule(value: string): string | undefined {
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? undefined : "must be a GUID";
}

/**
 * An IPv4 address or CIDR range, as AKS accepts in apiServerAccessProfile.authorizedIPRanges:
 * dotted decimal octets 0 to 255 and a prefix 0 to 32, without leading zeros
 * (which some parsers read as octal, "010" being 8).
 */
export function ipv4CidrRule(value: string): string | undefined {
    const match = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})(?:\/(0|[1-9]\d?))?$/.exec(value);
    if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255) || (match[5] !== undefined && Number(match[5]) > 32)) {
        return "must be an IPv4 address or CIDR range such as 203.0.113.0/24";
    }
    return undefined;
}

/** Resource group names: 1 to 90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'. Source: learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources */
export function resourceGroupNameRule(v: string): string | undefined {
    return /^[-\w._()]{1,90}$/.test(v) && !v.endsWith(".") ? undefined : "must be a resource group name: 1 to 90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'";
}

/** The name of an Azure region as azure-native:location takes it ("westeurope"): lower-case letters and digits. */
export function azureRegionRule(value: string): string | undefined {
    return /^[a-z0-9]+$/.test(value) ? undefined : 'must be an Azure region name such as "westeurope" (lower-case letters and digits)';
}

/**
 * Levenshtein distance, case-insensitive: the number of single-character
 * edits from `a` to `b`. What the "did you mean" of an unknown config key
 * (stack/config.ts's closestKey) and of an unknown API permission
 * (apiPermissions.ts's closeMatches) rank candidates by.
 */
export function editDistance(a: string, b: string): number {
    const s = a.toLowerCase();
    const t = b.toLowerCase();
    let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
    for (let i = 1; i <= s.length; i++) {
        const current = [i];
        for (let j = 1; j <= t.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[t.length];
}
