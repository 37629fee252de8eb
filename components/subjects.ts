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
 * The "context" of a job in its subject: what follows the repository in
 * GitHub's default subject. Source: docs.github.com/actions/reference/security/oidc#example-subject-claims
 */
function githubContext(trigger: GitHubTrigger): string {
    switch (trigger.kind) {
        case "environment":
            return `environment:${trigger.name}`;
        case "branch":
            return `ref:refs/heads/${trigger.name}`;
        case "tag":
            return `ref:refs/tags/${trigger.name}`;
        case "pull_request":
            return "pull_request";
    }
}

/**
 * The claims of a custom subject template (GitHub's `include_claim_keys`)
 * that the stack can build from what it knows: the repository, the job's
 * context, its environment, and the reusable workflow it runs.
 * Source: docs.github.com/actions/reference/security/oidc#customizing-the-subject-claims-for-an-organization-or-repository
 */
export const SUBJECT_CLAIM_KEYS = ["repo", "context", "environment", "job_workflow_ref"] as const;

/** A repository's custom subject template, as far as the subjects depend on it. */
export interface GitHubSubjectTemplate {
    /** GitHub's `include_claim_keys`, in order: the subject is their `key:value` pairs joined by ':'. */
    claimKeys: readonly string[];
    /** The reusable workflow's ref ("owner/repo/.github/workflows/deploy.yml@refs/heads/main"), for the `job_workflow_ref` claim. */
    jobWorkflowRef?: string;
}

/**
 * Why the stack cannot build, or must not trust, the subjects of `template`
 * for `triggers`; empty when it can. Each message starts with what it is
 * about ("include_claim_keys ...", "jobWorkflowRef ...", "triggers[i] ...").
 */
export function subjectTemplateProblems(template: GitHubSubjectTemplate, triggers: readonly GitHubTrigger[]): string[] {
    const keys = template.claimKeys;
    const shown = `include_claim_keys ${JSON.stringify(keys)}`;
    const problems: string[] = [];
    const unknown = keys.filter((k) => !(SUBJECT_CLAIM_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) {
        problems.push(
            `${shown}: credless-aks builds subjects from ${SUBJECT_CLAIM_KEYS.join(", ")} only, not from ${unknown.map((k) => `"${k}"`).join(", ")}; ` +
                "use GitHub's default template for this repository, or a template of those claims",
        );
    }
    if (keys.length === 0 || new Set(keys).size !== keys.length) {
        problems.push(`${shown}: must list each claim once, and at least one`);
    }
    if (!keys.includes("repo")) {
        problems.push(`${shown}: has no "repo" claim, so the subjects would not name the repository and a job of another repository could present them`);
    }
    if (!keys.includes("context") && !keys.includes("environment")) {
        problems.push(`${shown}: has neither "context" nor "environment", so every job of the repository, on any branch or pull request, would present the same subject`);
    }
    if (keys.includes("job_workflow_ref")) {
        const ref = template.jobWorkflowRef;
        if (ref === undefined) {
            problems.push(`${shown}: has "job_workflow_ref": set jobWorkflowRef to the reusable workflow the deployment jobs run, as "owner/repo/.github/workflows/<file>@<ref>"`);
        } else if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+\/\.github\/workflows\/[^\s:@]+\.ya?ml@[^\s:]+$/.test(ref)) {
            problems.push(`jobWorkflowRef is ${JSON.stringify(ref)}: must be "owner/repo/.github/workflows/<file>.yml@<ref>", as GitHub writes the job_workflow_ref claim`);
        }
    }
    if (keys.includes("environment")) {
        // "If the environment claim is included ..., an environment is required." Source: docs.github.com/actions/reference/security/oidc
        triggers.forEach((t, i) => {
            if (t.kind !== "environment") {
                problems.push(`triggers[${i}] is ${JSON.stringify(formatGitHubTrigger(t))}: ${shown} has "environment", so only jobs that run in an environment get a token`);
            }
        });
    }
    return problems;
}

/**
 * The subject claim GitHub puts into the OIDC token of a job with that
 * trigger: with GitHub's default template, the repository then the context;
 * with a custom template, each claim of `template.claimKeys` as `key:value`,
 * the repository as `repo:...` in the same format as the default (immutable
 * repositories keep their ids there), the context without a key.
 * Sources: docs.github.com/actions/reference/security/oidc#example-subject-claims
 * and #customizing-the-subject-claims-for-an-organization-or-repository
 * ("repo:ORG-NAME/REPO-NAME:environment:ENVIRONMENT-NAME:job_workflow_ref:REUSABLE-WORKFLOW-PATH";
 * "owner_id and repo_id are always included in the repo segment of the sub
 * claim, even when you customize claims with include_claim_keys").
 * Throws when the template has problems (subjectTemplateProblems).
 */
export function githubSubject(repo: GitHubRepositoryRef, format: GitHubSubjectFormat, trigger: GitHubTrigger, template?: GitHubSubjectTemplate): string {
    const base = githubRepositoryClaim(repo, format);
    if (template === undefined) {
        return `${base}:${githubContext(trigger)}`;
    }
    const problems = subjectTemplateProblems(template, [trigger]);
    if (problems.length > 0) {
        throw new Error(problems.join("; "));
    }
    return template.claimKeys
        .map((key) => {
            switch (key) {
                case "repo":
                    return base;
                case "context":
                    return githubContext(trigger);
                case "environment":
                    return `environment:${trigger.kind === "environment" ? trigger.name : ""}`;
                default:
                    return `job_workflow_ref:${template.jobWorkflowRef}`;
            }
        })
        .join(":");
}

/**
 * The repository as GitHub spells it in its `sub_claim_prefix` (the REST
 * API's OIDC subject customization): "repo:OWNER/REPO" names the name
 * format, "repo:OWNER@OWNER_ID/REPO@REPO_ID" the immutable one. Undefined
 * for any other shape. Source: docs.github.com/actions/reference/security/oidc#immutable-subject-claims
 */
export function parseSubjectClaimPrefix(prefix: string): (GitHubRepositoryRef & { format: GitHubSubjectFormat }) | undefined {
    const immutable = /^repo:([^/@:]+)@(\d+)\/([^/@:]+)@(\d+)$/.exec(prefix);
    if (immutable) {
        return { format: "immutable", owner: immutable[1], ownerId: Number(immutable[2]), name: immutable[3], repositoryId: Number(immutable[4]) };
    }
    const byName = /^repo:([^/@:]+)\/([^/@:]+)$/.exec(prefix);
    return byName ? { format: "name", owner: byName[1], name: byName[2] } : undefined;
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
