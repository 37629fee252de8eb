import * as pulumi from "@pulumi/pulumi";
import type { ProviderArgs } from "@pulumi/github";
import { githubRepositoryRule } from "./validation";

/**
 * Pure helpers for the stack's GitHub provider. The stack reads the
 * environment and config and passes them in; nothing here reads either.
 */

/**
 * The token the GitHub provider should use: `github:token` from config when
 * set, else GITHUB_TOKEN, the same order as the provider's own defaults
 * (@pulumi/github config: `__config.get("token") ?? getEnv("GITHUB_TOKEN")`).
 * Blank values count as unset.
 */
export function githubToken(env: { GITHUB_TOKEN?: string }, configToken?: string): string | undefined {
    return [configToken, env.GITHUB_TOKEN].find((token): token is string => token !== undefined && token.trim() !== "");
}

/**
 * The GitHub REST API's base URL, as the GitHub provider resolves it:
 * `github:baseUrl` from config, else GITHUB_BASE_URL, else
 * "https://api.github.com/" (@pulumi/github 6.15.0 config/vars.js:
 * `__config.get("baseUrl") ?? (getEnv("GITHUB_BASE_URL") || "https://api.github.com/")`).
 * GitHub Enterprise Server answers at https://HOSTNAME/api/v3/.
 */
export function githubBaseUrl(env: { GITHUB_BASE_URL?: string }, configBaseUrl?: string): string {
    return configBaseUrl ?? (env.GITHUB_BASE_URL || "https://api.github.com/");
}

/** Undefined when a token is at hand, else the message that says where to put one. */
export function githubTokenProblem(env: { GITHUB_TOKEN?: string }, configToken?: string): string | undefined {
    return githubToken(env, configToken) === undefined
        ? "no GitHub token: set the GITHUB_TOKEN environment variable or the secret config value github:token " +
              "(pulumi config set --secret github:token <token>); the stack needs it to look up the repository " +
              "and to write its GitHub environment, secrets and variables"
        : undefined;
}

/**
 * Undefined unless `github:token` is set in plain text (not with --secret):
 * then it sits readable in the stack's config file, a stored credential the
 * project promises not to have.
 */
export function plaintextTokenProblem(configToken: string | undefined, isSecret: boolean): string | undefined {
    return configToken !== undefined && configToken.trim() !== "" && !isSecret
        ? "github:token is set in plain text in the stack's config, where anyone who can read the file can use it: " +
              "remove it (pulumi config rm github:token) and set it again with pulumi config set --secret github:token <token>, " +
              "or leave config alone and set the GITHUB_TOKEN environment variable"
        : undefined;
}

/**
 * Arguments of an explicit GitHub provider for `repository` ("owner/name"):
 * the owner is the account the provider manages, the token a secret. An
 * explicit provider does not read `github:token` itself, hence the token here;
 * `baseUrl` (githubBaseUrl) points it at GitHub Enterprise Server.
 */
export function githubProviderArgs(repository: string, token: string, baseUrl?: string): ProviderArgs {
    const rule = githubRepositoryRule(repository);
    if (rule) {
        throw new Error(`repository "${repository}" ${rule}`);
    }
    // An explicit provider does not read github:baseUrl either.
    return { owner: repository.split("/")[0], token: pulumi.secret(token), ...(baseUrl ? { baseUrl } : {}) };
}

/**
 * Undefined when the configured "owner/name" is exactly GitHub's `fullName`
 * (from github.getRepositoryOutput), else why it must be changed: Entra ID
 * compares subjects case-sensitively, and GitHub answers a renamed or
 * transferred repository's old name with the new one.
 */
export function githubSpellingProblem(configured: string, fullName: string): string | undefined {
    return configured === fullName
        ? undefined
        : `repository "${configured}" is "${fullName}" on GitHub: GitHub puts "${fullName}" into the OIDC subject and Entra ID compares subjects exactly and case-sensitively; configure the repository exactly as GitHub spells it`;
}
