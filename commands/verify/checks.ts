import { GITHUB_OIDC_ISSUER, GITHUB_SECRET_NAMES, GITHUB_VARIABLE_NAMES } from "../../components/githubConstants";
import { TOKEN_EXCHANGE_AUDIENCE } from "../../components/microsoftConstants";
import { Adapters, ToolError } from "./adapters";
import { CheckResult, classifyCheckAcr, compareSubjects, describeDifference, toolFailure } from "./classify";
import { StackOutputs } from "./outputs";
import { PropagationWait, retryWhilePropagating } from "./propagation";
import { checkWorkload, PodRunOptions } from "./workloadCheck";
import { checkExternalCluster } from "./externalClusterCheck";

/**
 * The checks, each over the adapter interface only, in the order of the trust
 * chain: cluster issuer, registry, workloads, GitHub.
 */

/** A tool that is missing or not logged in fails the check that needed it, with the tool's fix. */
async function guard(name: string, check: () => Promise<CheckResult>): Promise<CheckResult> {
    try {
        return await check();
    } catch (e) {
        if (e instanceof ToolError) {
            return { name, ...toolFailure(e) };
        }
        throw e;
    }
}

/** The discovery document's URL: the issuer, a '/' if it lacks one, then .well-known/openid-configuration (OpenID Connect Discovery 1.0, section 4). */
export function discoveryUrl(issuer: string): string {
    return `${issuer.endsWith("/") ? issuer : `${issuer}/`}.well-known/openid-configuration`;
}

export async function checkOidcIssuer(adapters: Adapters, outputs: StackOutputs): Promise<CheckResult> {
    const name = "OIDC issuer discovery";
    return guard(name, async () => {
        const url = discoveryUrl(outputs.oidcIssuerUrl);
        const response = await adapters.httpGet(url);
        if (!response.ok) {
            return {
                name,
                status: "fail",
                detail: `${url} did not answer: ${response.error}`,
                likelyCause: "the cluster's OIDC issuer is not enabled, or the stack output is not the cluster's issuer",
                fix: "check az aks show --query oidcIssuerProfile (enabled must be true; issuerUrl must equal the stack output oidcIssuerUrl)",
            };
        }
        let issuer: unknown;
        try {
            issuer = (JSON.parse(response.body) as { issuer?: unknown }).issuer;
        } catch {
            issuer = undefined;
        }
        if (typeof issuer !== "string") {
            return {
                name,
                status: "fail",
                detail: `${url} did not return a discovery document with an issuer`,
                likelyCause: "the URL is not an OIDC issuer",
                fix: "set oidcIssuerUrl to the cluster's oidcIssuerProfile.issuerUrl",
            };
        }
        if (issuer !== outputs.oidcIssuerUrl) {
            return {
                name,
                status: "fail",
                detail: `the discovery document says issuer ${issuer}, the stack output says ${outputs.oidcIssuerUrl}: ${describeDifference(issuer, outputs.oidcIssuerUrl)}`,
                likelyCause:
                    "wrong issuer: federated credentials built from the stack output will not match the tokens the cluster signs (Entra ID compares the issuer character for character, AADSTS700211)",
                fix: "export the cluster's oidcIssuerProfile.issuerUrl verbatim (with its trailing '/') and use it for every federated credential; run pulumi up",
            };
        }
        return { name, status: "pass", detail: `the discovery document's issuer equals the stack output: ${issuer}` };
    });
}

export async function checkAcrPull(adapters: Adapters, outputs: StackOutputs): Promise<CheckResult> {
    const name = "cluster pulls from the registry (az aks check-acr)";
    return guard(name, async () => {
        const result = await adapters.aksCheckAcr(outputs.resourceGroupName, outputs.clusterName, outputs.registryLoginServer);
        return {
            name,
            ...classifyCheckAcr(result, {
                loginServer: outputs.registryLoginServer,
                kubeletIdentityObjectId: outputs.kubeletIdentityObjectId,
                registryId: outputs.registryId,
            }),
        };
    });
}

export async function checkAdminUser(adapters: Adapters, outputs: StackOutputs): Promise<CheckResult> {
    const name = "registry admin user is off";
    return guard(name, async () => {
        const enabled = await adapters.acrAdminUserEnabled(outputs.resourceGroupName, outputs.registryName);
        return enabled
            ? {
                  name,
                  status: "fail",
                  detail: `registry ${outputs.registryName} has adminUserEnabled=true`,
                  likelyCause: "the admin user was turned on outside the stack: a shared username and password now grant push and pull",
                  fix: `az acr update --name ${outputs.registryName} --admin-enabled false, or run pulumi up`,
              }
            : { name, status: "pass", detail: `registry ${outputs.registryName} has adminUserEnabled=false` };
    });
}

export async function checkGitHubFederatedCredentials(adapters: Adapters, outputs: StackOutputs): Promise<CheckResult> {
    const name = "GitHub app federated credentials";
    return guard(name, async () => {
        const credentials = await adapters.federatedCredentials(outputs.githubClientId);
        const comparison = compareSubjects(
            outputs.githubSubjects,
            credentials.map((c) => c.subject),
        );
        const problems: string[] = [];
        let likelyCause: string | undefined;
        for (const { expected, actual } of comparison.caseOnly) {
            problems.push(`subject ${actual} differs from the expected ${expected} only in letter case`);
            likelyCause ??= "subject mismatch in letter case: Entra ID matches subjects case-sensitively (AADSTS7002138), so GitHub's token will not match";
        }
        for (const subject of comparison.missing) {
            problems.push(`no credential has subject ${subject}`);
            likelyCause ??= "subject mismatch: GitHub jobs with this subject cannot log in (AADSTS700213)";
        }
        for (const subject of comparison.unexpected) {
            problems.push(`unexpected credential with subject ${subject}`);
            likelyCause ??= "the app trusts subjects the stack does not declare (changed outside the stack)";
        }
        for (const c of credentials) {
            if (c.issuer !== GITHUB_OIDC_ISSUER) {
                problems.push(`credential ${c.name} has issuer ${c.issuer}, expected ${GITHUB_OIDC_ISSUER}`);
                likelyCause ??= "issuer mismatch (AADSTS700211)";
            }
            if (c.audiences.length !== 1 || c.audiences[0] !== TOKEN_EXCHANGE_AUDIENCE) {
                problems.push(`credential ${c.name} has audiences ${JSON.stringify(c.audiences)}, expected ["${TOKEN_EXCHANGE_AUDIENCE}"]`);
                likelyCause ??= "audience mismatch (AADSTS700212)";
            }
        }
        if (problems.length > 0) {
            return {
                name,
                status: "fail",
                detail: problems.join("; "),
                likelyCause,
                fix: "run pulumi up to restore the app's federated credentials; subjects must match the repository and environment names exactly, in GitHub's spelling",
            };
        }
        return { name, status: "pass", detail: `app ${outputs.githubClientId} trusts exactly ${outputs.githubSubjects.length} subject(s): ${outputs.githubSubjects.join(", ")}` };
    });
}

export async function checkGitHubSecrets(adapters: Adapters, outputs: StackOutputs): Promise<CheckResult> {
    const where = outputs.githubEnvironment === null ? `repository ${outputs.githubRepository}` : `environment ${outputs.githubEnvironment} of ${outputs.githubRepository}`;
    const name = "GitHub secrets and variables";
    return guard(name, async () => {
        // Names only: the list endpoints never return secret values, and verify keeps only variable names.
        const secrets = await adapters.githubSecretNames(outputs.githubRepository, outputs.githubEnvironment);
        const variables = await adapters.githubVariableNames(outputs.githubRepository, outputs.githubEnvironment);
        const missingSecrets = GITHUB_SECRET_NAMES.filter((n) => !secrets.includes(n));
        const missingVariables = GITHUB_VARIABLE_NAMES.filter((n) => !variables.includes(n));
        if (missingSecrets.length + missingVariables.length > 0) {
            const missing = [
                ...missingSecrets.map((n) => `secret ${n}`),
                ...missingVariables.map((n) => `variable ${n}`),
            ];
            return {
                name,
                status: "fail",
                detail: `${where} lacks ${missing.join(", ")}`,
                likelyCause: "missing secret or variable: deleted by hand, or written to the other scope (environment vs repository)",
                fix: "run pulumi up, which writes them; workflows that use azure/login read them by these names",
            };
        }
        return {
            name,
            status: "pass",
            detail: `${where} holds ${GITHUB_SECRET_NAMES.length} secrets and ${GITHUB_VARIABLE_NAMES.length} variables`,
        };
    });
}

/**
 * Runs every check in order; never throws for a tool problem. The registry
 * pull and the workloads' token exchanges are retried while they fail the way
 * a fresh pulumi up makes them fail (propagation.ts).
 */
export async function runChecks(adapters: Adapters, outputs: StackOutputs, pod: PodRunOptions, wait: PropagationWait): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    results.push(await checkOidcIssuer(adapters, outputs));
    results.push(await retryWhilePropagating(() => checkAcrPull(adapters, outputs), wait));
    results.push(await checkAdminUser(adapters, outputs));
    const workloads = Object.entries(outputs.workloads);
    if (workloads.length === 0) {
        results.push({ name: "workload token exchange", status: "skip", detail: "the stack declares no workloads" });
    }
    for (const [workloadName, workload] of workloads) {
        const check = () => guard(`workload ${workloadName}: token exchange`, () => checkWorkload(adapters, workloadName, workload, pod));
        results.push(await retryWhilePropagating(check, wait));
    }
    for (const [clusterName, cluster] of Object.entries(outputs.externalClusters)) {
        results.push(...(await checkExternalCluster(adapters, clusterName, cluster, new Date(wait.now()))));
    }
    results.push(await checkGitHubFederatedCredentials(adapters, outputs));
    results.push(await checkGitHubSecrets(adapters, outputs));
    return results;
}
