/**
 * Identifiers published by the External Secrets Operator project (ESO) and by
 * Azure Container Registry that the external-cluster pull relies on. Each
 * value names the source it was checked against.
 */

/**
 * ExternalSecret's API version. ESO v0.16 added external-secrets.io/v1 and
 * v0.17.0 stopped serving v1beta1 (release notes of v0.17.0, "BREAKING CHANGE";
 * github.com/external-secrets/external-secrets/issues/4840). Field names checked
 * against config/crds/bases/external-secrets.io_externalsecrets.yaml (controller-gen v0.19.0).
 */
export const EXTERNAL_SECRET_API_VERSION = "external-secrets.io/v1";

/**
 * API version of the generators, ClusterGenerator included; still v1alpha1.
 * Source: config/crds/bases/generators.external-secrets.io_clustergenerators.yaml and
 * generators.external-secrets.io_acraccesstokens.yaml in external-secrets/external-secrets.
 */
export const GENERATOR_API_VERSION = "generators.external-secrets.io/v1alpha1";

/**
 * The oldest ESO release credless-aks supports: the first that serves only
 * external-secrets.io/v1 (v0.17.0 release notes). ClusterGenerator is older:
 * github.com/external-secrets/external-secrets/pull/4140, merged 2024-11.
 */
export const MIN_EXTERNAL_SECRETS_VERSION = "0.17.0";

/**
 * The ESO Helm chart installed when asked (off by default). Chart "external-secrets"
 * from the repository below; version as in deploy/charts/external-secrets/Chart.yaml
 * (version "2.0.0", appVersion "v2.0.0") of external-secrets/external-secrets.
 */
export const EXTERNAL_SECRETS_CHART = {
    chart: "external-secrets",
    repository: "https://charts.external-secrets.io",
    version: "2.0.0",
} as const;

/**
 * Lifetime of an ACR refresh token, the password the ACRAccessToken generator
 * writes: 3 hours. Source: github.com/Azure/acr docs/AAD-OAuth.md and
 * learn.microsoft.com/azure/container-registry/container-registry-authentication
 * ("the token is valid for 3 hours").
 */
export const ACR_REFRESH_TOKEN_LIFETIME_SECONDS = 3 * 3600;

/**
 * The longest refresh interval credless-aks accepts: one hour, a third of the
 * token's life, so two refreshes can fail before pulls do.
 */
export const MAX_PULL_SECRET_REFRESH_SECONDS = 3600;
