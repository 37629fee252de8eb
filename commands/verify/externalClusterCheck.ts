import { MIN_EXTERNAL_SECRETS_VERSION } from "../../components/externalSecretsConstants";
import { durationSeconds } from "../../components/registryPullManifests";
import { Adapters, ToolError } from "./adapters";
import { AADSTS_RULES, aadstsError, CheckResult, toolFailure, Verdict } from "./classify";
import { ExternalSecretState, SecretShape } from "./externalSecretState";
import { ExternalClusterOutput } from "./outputs";

/**
 * The check of an external cluster's pull secrets (ExternalClusterRegistryPull):
 * in each namespace the ExternalSecret is Ready, was refreshed within its
 * interval, and wrote a kubernetes.io/dockerconfigjson Secret for the
 * registry. verify never reads the token (it reads no secret value), so it
 * cannot present it to the registry; what proves the registry accepted the
 * identity is that ESO obtained the token from the registry itself (ACR's
 * /oauth2/exchange) at the last refresh.
 */

/** "12m", "2h5m": an age for a detail. */
export function formatAge(seconds: number): string {
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? `${h}h${m}m` : m > 0 ? `${m}m` : `${s}s`;
}

/** ESO's controller requeues at the interval; a minute of slack covers its scheduling. */
const REFRESH_SLACK_SECONDS = 60;

export interface PullSecretExpectation {
    cluster: string;
    context: string;
    namespace: string;
    secretName: string;
    refreshInterval: string;
    registryLoginServer: string;
}

/** Why ESO could not write the secret, from the Ready condition's message. Pure. */
export function classifyNotReady(message: string, e: PullSecretExpectation): Pick<Verdict, "likelyCause" | "fix"> {
    const aadsts = aadstsError(message);
    if (aadsts && AADSTS_RULES[aadsts.code]) {
        return { likelyCause: AADSTS_RULES[aadsts.code].cause, fix: AADSTS_RULES[aadsts.code].fix.replace("oidcIssuerUrl", `externalClusters.${e.cluster}.issuerUrl`) };
    }
    // ESO's ACR generator, generators/v1/acr/acr.go (fetchACRRefreshToken): "count not generate refresh token, unexpected status code %d, expected %d".
    if (/generate refresh token, unexpected status code 401/.test(message)) {
        return {
            likelyCause:
                "the registry refused the Entra token ESO presented at /oauth2/exchange. ESO requests tokens for the Azure Resource Manager audience; a registry whose ARM-audience authentication is disabled (azureADAuthenticationAsArmPolicy, often by Azure Policy) refuses them. Otherwise the identity lacks its pull role",
            fix: `az acr config authentication-as-arm show -r <registry>: if it is disabled, ESO's ACR generator cannot be used with this registry (docs/external-clusters.md, "Known limit"); else check the pull role assignment of externalClusters.${e.cluster}.clientId on the registry`,
        };
    }
    if (/serviceaccounts? .*not found|missing annota/i.test(message)) {
        return {
            likelyCause: "the puller service account is missing or lacks its azure.workload.identity annotations in this namespace",
            fix: "run pulumi up; ESO looks the service account up in the ExternalSecret's namespace",
        };
    }
    return { likelyCause: "ESO could not run the ACRAccessToken generator", fix: `kubectl --context ${e.context} describe externalsecret ${e.secretName} --namespace ${e.namespace}, and ESO's controller logs` };
}

/** The verdict for one namespace's pull secret. Pure: `now` is passed in. */
export function classifyPullSecret(e: PullSecretExpectation, es: ExternalSecretState | null, secret: SecretShape | null, now: Date): Verdict {
    const where = `${e.namespace}/${e.secretName}`;
    if (es === null) {
        return {
            status: "fail",
            detail: `no ExternalSecret ${where} on kube context ${e.context}`,
            likelyCause: "pulumi up has not created it on this cluster, or the context is another cluster",
            fix: `name the kube context of cluster ${e.cluster} "${e.context}" (verify uses the cluster's config name), then run pulumi up`,
        };
    }
    if (es.refreshInterval !== e.refreshInterval || es.targetName !== e.secretName || es.templateType !== "kubernetes.io/dockerconfigjson" || !es.template?.includes(JSON.stringify(e.registryLoginServer))) {
        return {
            status: "fail",
            detail: `ExternalSecret ${where} is not the stack's: refreshInterval ${es.refreshInterval}, target ${es.targetName}, type ${es.templateType}, registry ${es.template?.includes(JSON.stringify(e.registryLoginServer)) ? e.registryLoginServer : "other"}`,
            likelyCause: "it was changed outside Pulumi",
            fix: "run pulumi up to restore it",
        };
    }
    if (es.ready?.status !== "True") {
        const message = es.ready?.message ?? "no Ready condition yet";
        return { status: "fail", detail: `ExternalSecret ${where} is not Ready: ${es.ready?.reason ? `${es.ready.reason}: ` : ""}${message}`, ...classifyNotReady(message, e) };
    }
    const interval = durationSeconds(e.refreshInterval) ?? 3600;
    const refreshed = es.refreshTime ? Date.parse(es.refreshTime) : NaN;
    const age = (now.getTime() - refreshed) / 1000;
    if (Number.isNaN(refreshed) || age > interval + REFRESH_SLACK_SECONDS) {
        return {
            status: "fail",
            detail: `ExternalSecret ${where} was last refreshed ${Number.isNaN(refreshed) ? "never" : `${formatAge(age)} ago`}; it should be every ${e.refreshInterval}`,
            likelyCause: "External Secrets Operator is not running or not reconciling (its token may soon expire: ACR refresh tokens live 3 hours)",
            fix: `kubectl --context ${e.context} get pods --namespace external-secrets, and the controller's logs`,
        };
    }
    if (secret === null || secret.type !== "kubernetes.io/dockerconfigjson" || !secret.keys.includes(".dockerconfigjson")) {
        return {
            status: "fail",
            detail: secret === null ? `Secret ${where} does not exist` : `Secret ${where} is ${secret.type} with keys ${secret.keys.join(", ") || "none"}, not a kubernetes.io/dockerconfigjson`,
            likelyCause: "another controller or a person replaced the Secret ESO owns",
            fix: `kubectl --context ${e.context} delete secret ${e.secretName} --namespace ${e.namespace}; ESO writes it again at the next refresh`,
        };
    }
    return {
        status: "pass",
        detail:
            `kubernetes.io/dockerconfigjson for ${e.registryLoginServer}, refreshed ${formatAge(age)} ago (every ${e.refreshInterval}); ` +
            "the registry issued its token at that refresh (ESO gets it from ACR's /oauth2/exchange). verify does not read or present the token itself: a pull of an image is the end-to-end proof",
    };
}

/** Runs the check for every namespace of one external cluster. */
export async function checkExternalCluster(adapters: Adapters, name: string, cluster: ExternalClusterOutput, now: Date): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    for (const namespace of cluster.namespaces) {
        const check = `external cluster ${name}: pull secret in ${namespace}`;
        const e: PullSecretExpectation = {
            cluster: name,
            context: name,
            namespace,
            secretName: cluster.secretName,
            refreshInterval: cluster.refreshInterval,
            registryLoginServer: cluster.registryLoginServer,
        };
        try {
            const es = await adapters.externalSecret(name, namespace, cluster.secretName);
            const secret = es === null ? null : await adapters.secretShape(name, namespace, cluster.secretName);
            results.push({ name: check, ...classifyPullSecret(e, es, secret, now) });
        } catch (err) {
            if (err instanceof ToolError && /doesn't have a resource type|no matches for kind/i.test(err.message)) {
                results.push({
                    name: check,
                    status: "fail",
                    detail: `the cluster behind kube context ${name} has no ExternalSecret resource type`,
                    likelyCause: `External Secrets Operator (${MIN_EXTERNAL_SECRETS_VERSION} or later) is not installed`,
                    fix: `install it (helm chart external-secrets) or set installExternalSecrets: true for ${name} and run pulumi up`,
                });
            } else if (err instanceof ToolError) {
                results.push({ name: check, ...toolFailure(err) });
            } else {
                throw err;
            }
        }
    }
    return results;
}
