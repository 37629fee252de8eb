import { WORKLOAD_IDENTITY } from "../../components/microsoftConstants";
import { Adapters, PodManifest, PodState, ToolError } from "./adapters";
import {
    CheckResult,
    classifyPodCreateFailure,
    classifyPodOutcome,
    podIsStuck,
    POD_MARKERS,
    PodOutcome,
    toolFailure,
    Verdict,
    WorkloadExpectation,
} from "./classify";
import { WorkloadOutput } from "./outputs";

export interface PodRunOptions {
    /** Azure CLI image the test pod runs. */
    image: string;
    /** How long to wait for the pod to finish. */
    timeoutSeconds: number;
    /** Pause between two looks at the pod; tests pass 0. */
    pollIntervalMs: number;
    sleep: (ms: number) => Promise<void>;
    /** Suffix that makes the pod name unique. */
    randomSuffix: () => string;
}

/** Default image: the Azure CLI's official image (learn.microsoft.com/cli/azure/run-azure-cli-docker). */
export const DEFAULT_IMAGE = "mcr.microsoft.com/azure-cli";

/**
 * What the test pod runs: stop early if the webhook did not inject the token
 * file, print the client id it acts as, exchange the projected token with
 * `az login --federated-token` (learn.microsoft.com/cli/azure/reference-index#az-login),
 * and ask for an access token. It prints markers, never a token.
 */
export const POD_SCRIPT = [
    'if [ -z "${AZURE_FEDERATED_TOKEN_FILE:-}" ] || [ ! -r "$AZURE_FEDERATED_TOKEN_FILE" ]; then',
    `  echo "${POD_MARKERS.noWebhookEnv}"; exit 3`,
    "fi",
    `echo "${POD_MARKERS.clientIdPrefix}\${AZURE_CLIENT_ID:-}"`,
    'az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" --federated-token "$(cat "$AZURE_FEDERATED_TOKEN_FILE")" --allow-no-subscriptions --output none || exit 4',
    "az account get-access-token --query expiresOn --output tsv > /dev/null || exit 5",
    `echo "${POD_MARKERS.tokenOk}"`,
].join("\n");

/** A DNS-1123 pod name of at most 63 characters. */
export function testPodName(workloadName: string, suffix: string): string {
    const slug = workloadName
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 63 - "credless-verify--".length - suffix.length)
        .replace(/-+$/, "");
    return `credless-verify-${slug || "workload"}-${suffix}`;
}

export function testPodManifest(name: string, workload: WorkloadOutput, opts: Pick<PodRunOptions, "image" | "timeoutSeconds">): PodManifest {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name,
            namespace: workload.namespace,
            labels: {
                [WORKLOAD_IDENTITY.useLabel]: "true",
                "app.kubernetes.io/managed-by": "credless-aks-verify",
            },
        },
        spec: {
            serviceAccountName: workload.serviceAccount,
            restartPolicy: "Never",
            // The cluster removes the pod's containers even if verify dies before its delete.
            activeDeadlineSeconds: opts.timeoutSeconds + 60,
            nodeSelector: { "kubernetes.io/os": "linux" },
            containers: [
                {
                    name: "verify",
                    image: opts.image,
                    command: ["/bin/sh", "-c", POD_SCRIPT],
                    // A writable config directory, whatever user the image runs as.
                    env: [{ name: "AZURE_CONFIG_DIR", value: "/tmp/.azure" }],
                },
            ],
        },
    };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Polls the pod until it finishes, is stuck, or the time is up; then reads its log. */
async function watchPod(adapters: Adapters, namespace: string, podName: string, opts: PodRunOptions): Promise<PodOutcome> {
    const polls = Math.max(1, Math.ceil((opts.timeoutSeconds * 1000) / Math.max(opts.pollIntervalMs, 1)));
    let state: PodState | null = null;
    for (let i = 0; i < polls; i++) {
        state = await adapters.getPod(namespace, podName);
        if (state !== null && (state.phase === "Succeeded" || state.phase === "Failed")) {
            return { state, logs: await adapters.podLogs(namespace, podName), timedOut: false };
        }
        if (state !== null && podIsStuck(state)) {
            return { state, logs: "", timedOut: false };
        }
        await opts.sleep(opts.pollIntervalMs);
    }
    return { state, logs: "", timedOut: true };
}

/**
 * One workload, end to end: its service account names its identity, and a
 * short-lived pod with that service account gets an Entra token. The pod is
 * deleted in a finally block, whatever happened.
 */
export async function checkWorkload(adapters: Adapters, workloadName: string, workload: WorkloadOutput, opts: PodRunOptions): Promise<CheckResult> {
    const name = `workload ${workloadName}: token exchange`;
    const ref = `${workload.namespace}/${workload.serviceAccount}`;

    const annotations = await adapters.serviceAccountAnnotations(workload.namespace, workload.serviceAccount);
    if (annotations === null) {
        return {
            name,
            status: "fail",
            detail: `service account ${ref} does not exist`,
            likelyCause: "the workload's namespace or service account has not been created",
            fix: "run pulumi up, which creates it",
        };
    }
    const annotated = annotations[WORKLOAD_IDENTITY.clientIdAnnotation];
    if (annotated !== workload.clientId) {
        return {
            name,
            status: "fail",
            detail: `service account ${ref} has ${WORKLOAD_IDENTITY.clientIdAnnotation}=${annotated ?? "(none)"}, expected ${workload.clientId}`,
            likelyCause: "the service account annotation does not name the workload's identity, so the webhook injects the wrong client id or none",
            fix: "run pulumi up to restore the annotation",
        };
    }

    const podName = testPodName(workloadName, opts.randomSuffix());
    const expectation: WorkloadExpectation = { ...workload, image: opts.image, timeoutSeconds: opts.timeoutSeconds };
    let created = false;
    let verdict: Verdict;
    let deleteProblem: string | undefined;
    try {
        await adapters.createPod(testPodManifest(podName, workload, opts));
        created = true;
        verdict = classifyPodOutcome(await watchPod(adapters, workload.namespace, podName, opts), expectation);
    } catch (e) {
        if (!(e instanceof ToolError)) {
            throw e;
        }
        verdict = !created && e.kind === "failed" ? classifyPodCreateFailure(e.message, workload.namespace, workload.serviceAccount) : toolFailure(e);
    } finally {
        try {
            await adapters.deletePod(workload.namespace, podName);
        } catch (e) {
            deleteProblem = `could not delete test pod ${workload.namespace}/${podName} (${message(e)}): kubectl delete pod ${podName} --namespace ${workload.namespace}`;
        }
    }
    const result: CheckResult = { name, ...verdict };
    return deleteProblem === undefined ? result : { ...result, status: "fail", detail: `${result.detail}; ${deleteProblem}` };
}
