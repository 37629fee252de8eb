/**
 * The names this repository's own pipeline shares between the bootstrap
 * (bootstrap/), which writes them into GitHub, and the workflows
 * (.github/workflows/preview.yml, deploy.yml), which read them. One list;
 * tests/bootstrap.test.ts checks the workflows against it name for name.
 */

/** The GitHub environment whose jobs may obtain an environment's apply-time identity. */
export function infraEnvironmentName(environment: string): string {
    return `infra-${environment}`;
}

/** The GitHub environment whose jobs may obtain an environment's plan-time (read-only) identity. */
export function infraPlanEnvironmentName(environment: string): string {
    return `infra-${environment}-plan`;
}

/** Secrets of every infra-<env>-plan environment: the plan-time identity's ids (not credentials). */
export const INFRA_PLAN_SECRET_NAMES = ["INFRA_PLAN_CLIENT_ID", "INFRA_PLAN_TENANT_ID", "INFRA_PLAN_SUBSCRIPTION_ID"] as const;

/** Secrets of every infra-<env> environment: the apply-time identity's ids (not credentials). */
export const INFRA_APPLY_SECRET_NAMES = ["INFRA_APPLY_CLIENT_ID", "INFRA_APPLY_TENANT_ID", "INFRA_APPLY_SUBSCRIPTION_ID"] as const;

/** Variables of every infra-<env> environment: where the GitHub App's private key is kept. */
export const INFRA_APPLY_VARIABLE_NAMES = ["INFRA_KEY_VAULT_NAME", "INFRA_GITHUB_APP_KEY_SECRET"] as const;

/** The Key Vault secret holding the GitHub App private key that an environment's deploy job uses. */
export function githubAppKeySecretName(environment: string): string {
    return `github-app-key-${environment}`;
}

/**
 * Variable of every infra environment when the bootstrap manages Pulumi Cloud
 * (credless-aks-bootstrap:pulumiCloud): the team whose token the job asks
 * pulumi/auth-actions for. Absent, the workflows ask for an organization token.
 */
export const PULUMI_TEAM_VARIABLE = "PULUMI_TEAM";
