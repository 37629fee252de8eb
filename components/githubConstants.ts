/**
 * Identifiers published by GitHub that the components rely on, each with the
 * page it was checked against.
 */

/**
 * Issuer of GitHub Actions OIDC tokens, without a trailing slash: Entra ID
 * compares it character for character. Source: docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
 * ("iss ... https://token.actions.githubusercontent.com").
 */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * The secrets the stack writes into a GitHub environment (or repository), with
 * the names that `azure/login` workflows read. One list, used by the stack,
 * the workflows' tests and the verify command.
 * Source for the three AZURE_* names: github.com/Azure/login README ("client-id: ${{ secrets.AZURE_CLIENT_ID }}").
 */
export const GITHUB_SECRET_NAMES = [
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_SUBSCRIPTION_ID",
    "REGISTRY_LOGIN_SERVER",
] as const;
export type GitHubSecretName = (typeof GITHUB_SECRET_NAMES)[number];

/** The plain (non-secret) variables the stack writes next to the secrets. */
export const GITHUB_VARIABLE_NAMES = ["AKS_CLUSTER_NAME", "AKS_RESOURCE_GROUP"] as const;
export type GitHubVariableName = (typeof GITHUB_VARIABLE_NAMES)[number];
