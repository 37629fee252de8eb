import { PodState, ToolError } from "./adapters";

/**
 * Pure rules that turn what the tools printed into a verdict with its likely
 * cause and fix. Each rule names the published text it matches.
 */

export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
    name: string;
    status: CheckStatus;
    detail: string;
    likelyCause?: string;
    fix?: string;
    /**
     * On a failure that a recent `pulumi up` causes for a while: what may still
     * be propagating. verify retries such a check (propagation.ts) before it
     * reports the link as broken.
     */
    propagating?: string;
    /** How many times the check ran, when it was retried. */
    tries?: number;
    /** Seconds spent retrying, when it was retried. */
    waitedSeconds?: number;
}

export type Verdict = Omit<CheckResult, "name">;

/** A tool that is missing, not logged in, or failing, as a failed check with the tool's fix. */
export function toolFailure(e: ToolError): Verdict {
    return {
        status: "fail",
        detail: e.message,
        likelyCause: e.kind === "failed" ? `${e.tool} failed` : `${e.tool} is ${e.kind === "missing" ? "not installed" : "not logged in"}`,
        fix: e.fix,
    };
}

/** Says how two strings that must be equal character for character differ. */
export function describeDifference(expected: string, actual: string): string {
    if (expected === actual) {
        return "identical";
    }
    if (expected === `${actual}/`) {
        return "the trailing '/' is missing";
    }
    if (actual === `${expected}/`) {
        return "it has an extra trailing '/'";
    }
    if (expected.toLowerCase() === actual.toLowerCase()) {
        return "they differ only in letter case";
    }
    let i = 0;
    while (i < expected.length && i < actual.length && expected[i] === actual[i]) {
        i++;
    }
    return `they differ from character ${i + 1} on`;
}

/** Markers the test pod's script prints (see workloadCheck.ts). */
export const POD_MARKERS = {
    noWebhookEnv: "credless-verify: no-webhook-env",
    clientIdPrefix: "credless-verify: client-id=",
    tokenOk: "credless-verify: token-ok",
} as const;

/**
 * Environment variables the Workload ID mutating webhook injects into a pod
 * whose service account is annotated and which carries the use label.
 * Source: azure.github.io/azure-workload-identity/docs/installation/mutating-admission-webhook.html
 * ("AZURE_AUTHORITY_HOST, AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE").
 */
export const WEBHOOK_ENV_VARS = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST"] as const;

interface AadstsRule {
    cause: string;
    fix: string;
}

/**
 * Entra ID error codes of a failed federated token exchange. Sources: the
 * messages quoted in github.com/Azure/azure-workload-identity (docs
 * troubleshooting.md for 70021, issue #1200 for 700211/700213) and
 * github.com/Azure/login issue #517 for 7002138 (case-sensitive subject
 * matching, learn.microsoft.com/entra/identity-platform/reference-breaking-changes).
 */
export const AADSTS_RULES: Record<string, AadstsRule> = {
    "70021": {
        cause: "no federated credential on the identity matches the token's issuer, subject and audience (or one was created seconds ago and has not propagated yet)",
        fix: "compare the identity's federated credentials with the cluster issuer and system:serviceaccount:<namespace>:<name>; run pulumi up, wait a minute and verify again",
    },
    "70025": {
        cause: "the identity has no federated credentials at all",
        fix: "run pulumi up to create the workload's federated credential",
    },
    "700211": {
        cause: "issuer mismatch: the federated credential's issuer is not the cluster's OIDC issuer, character for character (a missing trailing '/' is enough)",
        fix: "set the federated credential's issuer to the stack output oidcIssuerUrl verbatim and run pulumi up",
    },
    "700212": {
        cause: "audience mismatch: the federated credential does not list api://AzureADTokenExchange",
        fix: "set the federated credential's audiences to [api://AzureADTokenExchange] and run pulumi up",
    },
    "700213": {
        cause: "subject mismatch: no federated credential has subject system:serviceaccount:<namespace>:<service account> of this pod",
        fix: "make the federated credential's subject the workload's namespace and service account, exactly, and run pulumi up",
    },
    "7002138": {
        cause: "subject mismatch: Entra ID matches subjects case-sensitively and no credential has this subject in this case",
        fix: "spell the federated credential's subject exactly as the token does and run pulumi up",
    },
    "700016": {
        cause: "the client id is not an application or managed identity in this tenant (wrong id, wrong tenant, or created moments ago and not replicated yet)",
        fix: "check the service account's azure.workload.identity/client-id annotation against the stack output; wait a minute after creation and verify again",
    },
};

/**
 * Token-exchange errors a new or changed federated credential gives until it
 * has propagated: "If a token request is made immediately after adding the
 * federated identity credential, it might lead to failure for a couple of
 * minutes" (azure.github.io/azure-workload-identity/docs/faq.html, "Is there a
 * propagation delay after creating a federated identity credential?";
 * Azure/azure-workload-identity issues #273 and #576). Entra ID then answers
 * as if no credential matched: AADSTS70021 or AADSTS700213.
 */
export const PROPAGATION_AADSTS_CODES = ["70021", "700213"] as const;

/** What a federated-credential propagation failure says while verify retries. */
export const FEDERATED_CREDENTIAL_PROPAGATION =
    "a federated credential created or changed by a recent pulumi up can take a few minutes to propagate in Entra ID";

/**
 * A registry that refuses an identity with 401 or 403 right after its role
 * was assigned. Source: learn.microsoft.com/azure/role-based-access-control/troubleshooting
 * ("Role assignment changes are not being detected ... You might see the
 * message Status: 401 (Unauthorized) ... it can take up to 10 minutes for
 * changes to take effect"; checked 2026-11-30). Microsoft Learn's ACR
 * exercises say the same of 401 and 403 from a pull: "wait and retry".
 */
export const ROLE_ASSIGNMENT_PROPAGATION = "a role assignment made by a recent pulumi up can take up to 10 minutes to take effect";

/** The first AADSTS code in a text and the first sentence of its message, e.g. { code: "700213", message: "No matching ..." }. */
export function aadstsError(text: string): { code: string; message: string } | undefined {
    const match = /AADSTS(\d+):?[ \t]*([^\r\n]*)/.exec(text);
    if (!match) {
        return undefined;
    }
    const sentence = /^(.*?\.)(\s|$)/.exec(match[2])?.[1] ?? match[2];
    return { code: match[1], message: sentence.trim() };
}

/** The last few non-empty lines of a log, for a detail. */
export function tail(text: string, lines = 3): string {
    return text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== "")
        .slice(-lines)
        .join(" | ");
}

export interface PodOutcome {
    /** The pod's last observed state; null if it was never seen. */
    state: PodState | null;
    logs: string;
    timedOut: boolean;
}

export interface WorkloadExpectation {
    clientId: string;
    namespace: string;
    serviceAccount: string;
    image: string;
    timeoutSeconds: number;
}

const IMAGE_PULL_REASONS = ["ErrImagePull", "ImagePullBackOff", "InvalidImageName"];

/** True if waiting longer cannot help: the pod is stuck on its image or configuration. */
export function podIsStuck(state: PodState): boolean {
    return state.waitingReason !== undefined && (IMAGE_PULL_REASONS.includes(state.waitingReason) || state.waitingReason === "CreateContainerConfigError");
}

/** The verdict on one workload's token exchange, from the test pod's state and log. */
export function classifyPodOutcome(outcome: PodOutcome, expected: WorkloadExpectation): Verdict {
    const { state, logs } = outcome;
    const subject = `system:serviceaccount:${expected.namespace}:${expected.serviceAccount}`;
    if (state?.waitingReason && IMAGE_PULL_REASONS.includes(state.waitingReason)) {
        return {
            status: "fail",
            detail: `the test pod's image ${expected.image} was not pulled (${state.waitingReason})`,
            likelyCause: "the test image cannot be pulled from this cluster (egress rules or a registry allow-list)",
            fix: "pass --image with an Azure CLI image the cluster can pull, e.g. one imported into your registry",
        };
    }
    const missingEnv = state === null ? [] : WEBHOOK_ENV_VARS.filter((n) => !state.envNames.includes(n));
    if (missingEnv.length > 0 || logs.includes(POD_MARKERS.noWebhookEnv)) {
        return {
            status: "fail",
            detail: `the workload identity webhook did not mutate the test pod (missing ${missingEnv.join(", ") || "AZURE_FEDERATED_TOKEN_FILE"})`,
            likelyCause: "webhook not running: workload identity is not enabled on the cluster, or its webhook pods are down",
            fix: "check az aks show --query securityProfile.workloadIdentity.enabled is true (az aks update --enable-workload-identity) and that the webhook pods in kube-system are running",
        };
    }
    const clientIdLine = logs.split(/\r?\n/).find((l) => l.includes(POD_MARKERS.clientIdPrefix));
    const seenClientId = clientIdLine?.slice(clientIdLine.indexOf(POD_MARKERS.clientIdPrefix) + POD_MARKERS.clientIdPrefix.length).trim();
    if (seenClientId !== undefined && seenClientId !== expected.clientId) {
        return {
            status: "fail",
            detail: `the pod ran as client id ${seenClientId || "(empty)"}, not the workload's ${expected.clientId}`,
            likelyCause: "the service account's azure.workload.identity/client-id annotation names another identity",
            fix: `set the annotation on ${expected.namespace}/${expected.serviceAccount} to ${expected.clientId} (pulumi up)`,
        };
    }
    if (state?.phase === "Succeeded" && logs.includes(POD_MARKERS.tokenOk)) {
        return { status: "pass", detail: `${subject} exchanged its projected token for an Entra token as ${expected.clientId}` };
    }
    const aadsts = aadstsError(logs);
    if (aadsts !== undefined) {
        const code = aadsts.code;
        const rule = AADSTS_RULES[code];
        const verdict: Verdict = {
            status: "fail",
            detail: `token exchange for ${subject} failed with AADSTS${code}${aadsts.message ? `: ${aadsts.message}` : ""}`,
            likelyCause: rule?.cause ?? `Entra ID refused the exchange (AADSTS${code}: see https://login.microsoftonline.com/error?code=${code})`,
            fix: rule?.fix ?? "read the pod log above and the error page for the code",
        };
        return (PROPAGATION_AADSTS_CODES as readonly string[]).includes(code) ? { ...verdict, propagating: `AADSTS${code}: ${FEDERATED_CREDENTIAL_PROPAGATION}` } : verdict;
    }
    if (outcome.timedOut) {
        const where = state === null ? "was never seen" : `is ${state.phase}${state.waitingReason ? ` (${state.waitingReason})` : ""}`;
        return {
            status: "fail",
            detail: `the test pod ${where} after ${expected.timeoutSeconds}s`,
            likelyCause: state?.phase === "Pending" ? "the pod was not scheduled or its image is still being pulled" : "the token exchange did not finish in time",
            fix: "check kubectl get events in the namespace, then verify again with a longer --pod-timeout",
        };
    }
    return {
        status: "fail",
        detail: `token exchange for ${subject} failed (pod ${state?.phase ?? "unknown"}, exit code ${state?.exitCode ?? "unknown"}): ${tail(logs) || "no log"}`,
        likelyCause: "the token exchange failed for a reason verify does not recognise",
        fix: "read the pod log above",
    };
}

/** Why creating the test pod failed, from kubectl's message. */
export function classifyPodCreateFailure(message: string, namespace: string, serviceAccount: string): Verdict {
    if (/violates PodSecurity/i.test(message)) {
        return {
            status: "fail",
            detail: `the test pod was rejected: ${message}`,
            likelyCause: `Pod Security admission in namespace ${namespace} rejects the test pod`,
            fix: "run verify against a namespace whose Pod Security level admits the Azure CLI image, or relax the level for the check",
        };
    }
    if (/forbidden/i.test(message)) {
        return {
            status: "fail",
            detail: `the test pod was rejected: ${message}`,
            likelyCause: `your cluster role does not allow creating pods in ${namespace}`,
            fix: `ask for a role that may create, get, read logs of and delete pods in ${namespace}`,
        };
    }
    return {
        status: "fail",
        detail: `the test pod for ${namespace}/${serviceAccount} could not be created: ${message}`,
        likelyCause: "kubectl could not create the pod",
        fix: "read kubectl's message above",
    };
}

/** The verdict on `az aks check-acr`, from the canipull output it prints. */
export function classifyCheckAcr(
    result: { exitCode: number; output: string },
    ctx: { loginServer: string; kubeletIdentityObjectId: string; registryId: string },
): Verdict {
    const out = result.output;
    // canipull's own lines (github.com/Azure/aks-canipull): "Validating image pull permission: SUCCEEDED|FAILED",
    // then "Your cluster can pull images from <acr>!".
    if (result.exitCode === 0 && out.includes(`Your cluster can pull images from ${ctx.loginServer}`)) {
        return { status: "pass", detail: `az aks check-acr: the cluster can pull images from ${ctx.loginServer}` };
    }
    if (/Validating image pull permission: \**FAILED/.test(out)) {
        const reason = out.split(/\r?\n/).find((l) => /rejected token exchange/.test(l));
        // canipull: "ACR token exchange endpoint returned error status: 403".
        const status = /returned error status: (40[13])\b/.exec(reason ?? "")?.[1];
        return {
            ...(status ? { propagating: `the registry answered ${status}: ${ROLE_ASSIGNMENT_PROPAGATION}` } : {}),
            status: "fail",
            detail: `the registry rejected the kubelet identity's token exchange${reason ? `: ${reason.replace(/^\[[^\]]*\]\s*/, "").trim()}` : ""}`,
            likelyCause:
                "missing AcrPull: the kubelet identity has no AcrPull role on the registry, or the role was assigned recently and has not propagated (role assignments can take up to 30 minutes, learn.microsoft.com/azure/role-based-access-control/troubleshooting)",
            fix: `run pulumi up, then check: az role assignment list --assignee ${ctx.kubeletIdentityObjectId} --scope ${ctx.registryId} --query "[].roleDefinitionName"`,
        };
    }
    if (/Checking host name resolution \([^)]*\): \**FAILED/.test(out)) {
        return {
            status: "fail",
            detail: `the node cannot resolve ${ctx.loginServer}`,
            likelyCause: "DNS: the registry's name does not resolve from the nodes (private endpoint without its private DNS zone link?)",
            fix: "link the registry's private DNS zone to the cluster's virtual network, or use the public endpoint",
        };
    }
    if (/Validating managed identity existance: \**FAILED/.test(out)) {
        return {
            status: "fail",
            detail: "the node could not get a token for the kubelet identity",
            likelyCause: "the kubelet identity is missing or not assigned to the node pool",
            fix: "check az aks show --query identityProfile.kubeletidentity against the stack output kubeletIdentityObjectId",
        };
    }
    return {
        status: "fail",
        detail: `az aks check-acr did not confirm the pull (exit code ${result.exitCode}): ${tail(out) || "no output"}`,
        likelyCause: "check-acr could not run its canipull pod (kubectl or kubelogin missing, cluster unreachable, or the pod could not start)",
        fix: "run the same az aks check-acr command by hand to see its full output; it needs kubectl and kubelogin on PATH",
    };
}

export interface SubjectComparison {
    missing: string[];
    unexpected: string[];
    /** Present, but spelled with different letter case. */
    caseOnly: Array<{ expected: string; actual: string }>;
}

/** Compares expected and actual subjects exactly; case-only differences are reported on their own. */
export function compareSubjects(expected: string[], actual: string[]): SubjectComparison {
    const remainingActual = actual.filter((a) => !expected.includes(a));
    const missing: string[] = [];
    const caseOnly: Array<{ expected: string; actual: string }> = [];
    for (const e of expected.filter((x) => !actual.includes(x))) {
        const i = remainingActual.findIndex((a) => a.toLowerCase() === e.toLowerCase());
        if (i >= 0) {
            caseOnly.push({ expected: e, actual: remainingActual[i] });
            remainingActual.splice(i, 1);
        } else {
            missing.push(e);
        }
    }
    return { missing, unexpected: remainingActual, caseOnly };
}
