/**
 * The inputs each pinned action version declares (its action.yml), so that a
 * `with:` key the action does not read is caught here instead of being
 * ignored with a warning at run time. Sources: each repository's action.yml
 * at the major version pinned in .github/workflows and
 * examples/app-repository/.github/workflows, checked 2026-11-30.
 */
export const ACTION_INPUTS: Record<string, readonly string[]> = {
    // github.com/actions/checkout action.yml.
    "actions/checkout@v7": [
        "repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path", "clean",
        "filter", "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "reference", "lfs",
        "submodules", "set-safe-directory", "github-server-url",
    ],
    // github.com/actions/setup-node action.yml (v7).
    "actions/setup-node@v7": [
        "always-auth", "node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache",
        "cache-dependency-path",
    ],
    // github.com/Azure/login action.yml (v3): creds, client-id, tenant-id, subscription-id, enable-AzPSSession,
    // environment, allow-no-subscriptions, audience, auth-type.
    "azure/login@v3": ["creds", "client-id", "tenant-id", "subscription-id", "enable-AzPSSession", "environment", "allow-no-subscriptions", "audience", "auth-type"],
    // github.com/pulumi/auth-actions action.yml (v2).
    "pulumi/auth-actions@v2": ["organization", "requested-token-type", "scope", "token-expiration", "export-environment-variables", "cloud-url"],
    // github.com/pulumi/actions action.yml.
    "pulumi/actions@v7": [
        "command", "stack-name", "work-dir", "comment-on-pr", "github-token", "cloud-url", "secrets-provider", "parallel", "message",
        "configMap", "expect-no-changes", "diff", "replace", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh",
        "upsert", "edit-pr-comment", "color",
    ],
    // github.com/marocchino/sticky-pull-request-comment action.yml (v3).
    "marocchino/sticky-pull-request-comment@v3": [
        "header", "append", "recreate", "delete", "only_create", "only_update", "hide_details", "hide", "hide_and_recreate", "hide_classify",
        "message", "path", "ignore_empty", "skip_unchanged", "follow_symbolic_links", "number", "owner", "repo", "GITHUB_TOKEN",
    ],
    // github.com/actions/create-github-app-token action.yml (v3): client-id since v3.1 (app-id deprecated), and the
    // generated permission-* inputs, which have no "permission-variables" (the permission is actions_variables,
    // for which v3 declares no input).
    "actions/create-github-app-token@v3": [
        "client-id", "app-id", "private-key", "owner", "repositories", "skip-token-revoke", "github-api-url",
        ...[
            "actions", "administration", "checks", "codespaces", "contents", "dependabot-secrets", "deployments", "email-addresses",
            "environments", "followers", "git-ssh-keys", "gpg-keys", "interaction-limits", "issues", "members", "metadata",
            "organization-administration", "organization-announcement-banners", "organization-copilot-seat-management",
            "organization-custom-org-roles", "organization-custom-properties", "organization-custom-roles", "organization-events",
            "organization-hooks", "organization-packages", "organization-personal-access-token-requests",
            "organization-personal-access-tokens", "organization-plan", "organization-projects", "organization-secrets",
            "organization-self-hosted-runners", "organization-user-blocking", "packages", "pages", "profile", "pull-requests",
            "repository-custom-properties", "repository-hooks", "repository-projects", "secret-scanning-alerts", "secrets",
            "security-events", "single-file", "starring", "statuses", "team-discussions", "vulnerability-alerts", "workflows",
        ].map((p) => `permission-${p}`),
    ],
};
