import { createHash } from "crypto";
import { MAX_FEDERATED_CREDENTIAL_NAME_LENGTH } from "./microsoftConstants";
import { gitRefNameRule, wildcardRule } from "./validation";

/**
 * Federated-credential subjects, built in one place. Entra ID compares the
 * subject of an incoming token with the credential's subject exactly and
 * case-sensitively; there are no wildcards.
 */

/** What a GitHub Actions job presents, in the subject claim of its OIDC token. */
export type GitHubTrigger =
    | { kind: "environment"; name: string }
    | { kind: "branch"; name: string }
    | { kind: "tag"; name: string }
    | { kind: "pull_request" };

/**
 * How the repository is spelled in the subject: "name" is repo:OWNER/REPO;
 * "immutable" is repo:OWNER@OWNER_ID/REPO@REPO_ID, the default for
 * repositories created, renamed or transferred on github.com since July 2026
 * and an opt-in for older ones. Sources: learn.microsoft.com/entra/workload-id/workload-identities-github-immutable-subjects
 * ("repo:<owner>@<owner_id>/<repo>@<repo_id>:ref:refs/heads/main") and
 * docs.github.com/actions/reference/security/oidc#immutable-subject-claims
 * ("The immutable ID is appended to each name with an @ delimiter").
 */
export const SUBJECT_FORMATS = ["name", "immutable"] as const;
export type GitHubSubjectFormat = (typeof SUBJECT_FORMATS)[number];

export interface GitHubRepositoryRef {
    /** Owner as GitHub spells it, e.g. "contoso". */
    owner: string;
    /** Repository name as GitHub spells it, e.g. "geofencing". */
    name: string;
    /** Numeric owner id; required for the immutable format. */
    ownerId?: number;
    /** Numeric repository id; required for the immutable format. */
    repositoryId?: number;
}

/**
 * Parses "environment:<name>", "branch:<name>", "tag:<name>" or "pull_request".
 * Returns the trigger, or the rule the text breaks.
 */
export function parseGitHubTrigger(text: string): GitHubTrigger | { error: string } {
    const wildcard = wildcardRule(text);
    if (wildcard) {
        return { error: wildcard };
    }
    if (text === "pull_request") {
        return { kind: "pull_request" };
    }
    const colon = text.indexOf(":");
    const kind = colon < 0 ? text : text.slice(0, colon);
    const name = colon < 0 ? "" : text.slice(colon + 1);
    if (kind !== "environment" && kind !== "branch" && kind !== "tag") {
        return { error: 'must be "environment:<name>", "branch:<name>", "tag:<name>" or "pull_request"' };
    }
    if (name === "") {
        return { error: `needs a name after "${kind}:"` };
    }
    if (kind === "environment") {
        // GitHub environment names: up to 255 characters; the subject carries them verbatim.
        if (name.length > 255 || /[\s:]/.test(name)) {
            return { error: "has an environment name with whitespace or ':' or longer than 255 characters" };
        }
        return { kind, name };
    }
    const refRule = gitRefNameRule(name);
    return refRule ? { error: `has a ${kind} name that ${refRule}` } : { kind, name };
}

/** The trigger written back as config text ("environment:dev"). */
export function formatGitHubTrigger(trigger: GitHubTrigger): string {
    return trigger.kind === "pull_request" ? "pull_request" : `${trigger.kind}:${trigger.name}`;
}

/**
 * The problems of a list of triggers, one message each in the form
 * `triggers[<i>] is "<trigger>": <rule>`: unknown kinds, names that GitHub
 * would never put into a subject, wildcards, and triggers listed twice.
 */
export function githubTriggerProblems(triggers: readonly GitHubTrigger[]): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    triggers.forEach((trigger, i) => {
        const text = formatGitHubTrigger(trigger);
        const parsed = parseGitHubTrigger(text);
        if ("error" in parsed) {
            problems.push(`triggers[${i}] is ${JSON.stringify(text)}: ${parsed.error}`);
        } else if (seen.has(text)) {
            problems.push(`triggers[${i}] is ${JSON.stringify(text)}: is listed twice; each subject can be trusted only once per identity`);
        }
        seen.add(text);
    });
    return problems;
}

/**
 * The `repo:` part of a GitHub subject: "repo:OWNER/REPO" by name, or
 * "repo:OWNER@OWNER_ID/REPO@REPO_ID" in GitHub's immutable format, which
 * survives renames and transfers.
 */
export function githubRepositoryClaim(repo: GitHubRepositoryRef, format: GitHubSubjectFormat): string {
    if (format === "name") {
        return `repo:${repo.owner}/${repo.name}`;
    }
    if (repo.ownerId === undefined || repo.repositoryId === undefined) {
        throw new Error(
            `the immutable subject format needs the owner id and repository id of ${repo.owner}/${repo.name}; set them in config or look them up with the GitHub provider`,
        );
    }
    for (const [key, id] of [["ownerId", repo.ownerId], ["repositoryId", repo.repositoryId]] as const) {
        if (!Number.isSafeInteger(id) || id < 1) {
            throw new Error(`${key} of ${repo.owner}/${repo.name} is ${id}: must be a positive whole number (GitHub's numeric id)`);
        }
    }
    return `repo:${repo.owner}@${repo.ownerId}/${repo.name}@${repo.repositoryId}`;
}

/**
 * The subject claim GitHub puts into the OIDC token of a job with that
 * trigger. Source: docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims
 */
export function githubSubject(repo: GitHubRepositoryRef, format: GitHubSubjectFormat, trigger: GitHubTrigger): string {
    const base = githubRepositoryClaim(repo, format);
    switch (trigger.kind) {
        case "environment":
            return `${base}:environment:${trigger.name}`;
        case "branch":
            return `${base}:ref:refs/heads/${trigger.name}`;
        case "tag":
            return `${base}:ref:refs/tags/${trigger.name}`;
        case "pull_request":
            return `${base}:pull_request`;
    }
}

/**
 * The name of the federated credential that trusts `trigger` in `format`:
 * "<kind>-<name>" ("environment-dev", "branch-main", "pull_request"), with
 * "-immutable" appended for the immutable format so that both can coexist on
 * one app while migrating. Entra ID wants a URL-friendly name of at most 120
 * characters that never changes; characters other than letters, digits, '-'
 * and '_' are replaced by '-', and a replaced or shortened name gets an
 * 8-character hash of the trigger so that two triggers never share a name.
 */
export function githubCredentialName(trigger: GitHubTrigger, format: GitHubSubjectFormat): string {
    const text = trigger.kind === "pull_request" ? "pull_request" : `${trigger.kind}-${trigger.name}`;
    const suffix = format === "immutable" ? "-immutable" : "";
    const safe = text.replace(/[^A-Za-z0-9_-]/g, "-");
    if (safe === text && text.length + suffix.length <= MAX_FEDERATED_CREDENTIAL_NAME_LENGTH) {
        return text + suffix;
    }
    const hash = createHash("sha256").update(formatGitHubTrigger(trigger)).digest("hex").slice(0, 8);
    return `${safe.slice(0, MAX_FEDERATED_CREDENTIAL_NAME_LENGTH - suffix.length - 9)}-${hash}${suffix}`;
}

/**
 * The subject of a Kubernetes service account token, as the AKS OIDC issuer
 * signs it. Source: learn.microsoft.com/azure/aks/workload-identity-deploy-cluster
 * ("--subject system:serviceaccount:${SERVICE_ACCOUNT_NAMESPACE}:${SERVICE_ACCOUNT_NAME}").
 */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
    return `system:serviceaccount:${namespace}:${serviceAccount}`;
}
