import * as pulumi from "@pulumi/pulumi";
import { KubeconfigAccess, kubeconfigAccess } from "./kubeconfig";

/**
 * The access the wait checks for: creating namespaces, the first thing a
 * stack does on a new cluster and something only a cluster-wide admin may do.
 * Source: kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access
 * (SelfSubjectAccessReview, what `kubectl auth can-i create namespaces` sends).
 */
export function accessReviewRequest(): Record<string, unknown> {
    return {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { verb: "create", group: "", resource: "namespaces" } },
    };
}

/** True when a SelfSubjectAccessReview response says the access is allowed. */
export function accessAllowed(response: unknown): boolean {
    if (typeof response !== "object" || response === null) {
        return false;
    }
    const status = (response as { status?: unknown }).status;
    return typeof status === "object" && status !== null && (status as { allowed?: unknown }).allowed === true;
}

/** Milliseconds between two checks. */
const POLL_INTERVAL_MS = 10_000;
/** The shortest time one step of a check is given, so that a nearly spent deadline never turns into "no limit" (0). */
const MIN_STEP_MS = 1_000;

/**
 * Whether a failed check cannot succeed by asking again: kubelogin is not
 * installed (ENOENT from execFile), Entra ID refused the login (an AADSTS error
 * code in kubelogin's output, learn.microsoft.com/entra/identity-platform/reference-error-codes),
 * or the API server rejected the token itself (HTTP 401: not authenticated,
 * which RBAC propagation does not change; a missing role shows as allowed: false).
 */
export function isPermanentFailure(error: { code?: unknown; message: string }): boolean {
    return error.code === "ENOENT" || /\bAADSTS\d+/.test(error.message) || /^HTTP 401\b/.test(error.message);
}

/** Milliseconds left until `deadline`, at least MIN_STEP_MS. */
function stepBudget(deadline: number): number {
    return Math.max(MIN_STEP_MS, deadline - Date.now());
}

/**
 * One check: runs the kubeconfig's exec plugin for a token and asks the API
 * server, both cut off at `deadline` (epoch milliseconds).
 */
async function checkAccess(access: KubeconfigAccess, deadline: number): Promise<boolean> {
    const { execFile } = await import("child_process");
    const https = await import("https");
    const stdout = await new Promise<string>((resolve, reject) => {
        execFile(access.command, access.args, { env: { ...process.env, ...access.env }, timeout: stepBudget(deadline) }, (err, out) =>
            err ? reject(err) : resolve(out),
        );
    });
    const token: unknown = JSON.parse(stdout)?.status?.token;
    if (typeof token !== "string") {
        throw new Error(`${access.command} returned no token`);
    }
    const body = JSON.stringify(accessReviewRequest());
    const response = await new Promise<string>((resolve, reject) => {
        const req = https.request(
            new URL("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", access.server),
            {
                method: "POST",
                ca: access.certificateAuthorityData ? Buffer.from(access.certificateAuthorityData, "base64") : undefined,
                headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
            },
            (res) => {
                let data = "";
                res.on("data", (chunk) => (data += chunk));
                res.on("end", () => (res.statusCode === 201 || res.statusCode === 200 ? resolve(data) : reject(new Error(`HTTP ${res.statusCode}: ${data}`))));
            },
        );
        const timer = setTimeout(() => req.destroy(new Error("request timed out")), stepBudget(deadline));
        req.on("close", () => clearTimeout(timer));
        req.on("error", reject);
        req.end(body);
    });
    return accessAllowed(JSON.parse(response));
}

interface WaitInputs {
    /**
     * The current context's server, CA and exec credential plugin, read from
     * the kubeconfig by the program (RbacPropagationWait's constructor), not
     * by the provider. Pulumi serializes the provider's code with a require()
     * for every module it uses, resolved later from the program's directory;
     * with only Node's built-in modules in it, it also runs where the
     * program's packages are not hoisted (pnpm, Yarn Plug'n'Play), which a
     * require("yaml") would not. Pulumi documents TypeScript dynamic providers
     * as incompatible with pnpm for this reason (pulumi/pulumi#9085,
     * pulumi/docs#17035).
     */
    access: KubeconfigAccess;
    roleAssignmentId: string;
    timeoutSeconds: number;
}

const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: WaitInputs) {
        const deadline = Date.now() + inputs.timeoutSeconds * 1000;
        let last = "not allowed yet";
        for (;;) {
            try {
                if (await checkAccess(inputs.access, deadline)) {
                    return { id: inputs.roleAssignmentId, outs: { roleAssignmentId: inputs.roleAssignmentId, timeoutSeconds: inputs.timeoutSeconds } };
                }
                last = "not allowed yet";
            } catch (e) {
                const error = e as NodeJS.ErrnoException;
                if (isPermanentFailure(error)) {
                    throw new Error(
                        `cannot check whether the deployer may create namespaces on the cluster, and waiting will not help: ${error.message}`,
                    );
                }
                last = error.message;
            }
            const left = deadline - Date.now();
            if (left <= 0) {
                throw new Error(
                    `the deployer still may not create namespaces on the cluster ${inputs.timeoutSeconds}s after its role assignment ` +
                        `${inputs.roleAssignmentId} was created (last answer: ${last}); run \`pulumi up\` again once Azure RBAC has propagated`,
                );
            }
            await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, left)));
        }
    },
    async diff(_id: pulumi.ID, olds: WaitInputs, news: WaitInputs) {
        const changed = olds.roleAssignmentId !== news.roleAssignmentId;
        return { changes: changed, replaces: changed ? ["roleAssignmentId"] : [] };
    },
};

export interface RbacPropagationWaitArgs {
    /** Required. A kubeconfig whose current context uses a non-interactive exec credential plugin. */
    kubeconfig: pulumi.Input<string>;
    /** Required. The role assignment to wait for; a new assignment waits again. */
    roleAssignmentId: pulumi.Input<string>;
    /** Required. How long to keep asking before failing the update. */
    timeoutSeconds: number;
}

/**
 * Waits, when created, until the API server allows the deployer to create
 * namespaces: Azure RBAC for Kubernetes authorization can take up to five
 * minutes to honour a new role assignment (learn.microsoft.com/azure/aks/manage-azure-rbac,
 * "New role assignments can take up to five minutes to propagate"). Asks
 * every 10 seconds, so an already propagated assignment costs one request;
 * each check is cut off at the deadline, so the wait ends at most about a
 * second after the timeout. Fails at once when waiting cannot help (kubelogin
 * missing, an AADSTS login error, HTTP 401). Needs kubelogin on PATH, like the
 * Kubernetes provider itself.
 */
export class RbacPropagationWait extends pulumi.dynamic.Resource {
    constructor(name: string, args: RbacPropagationWaitArgs, opts: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            { access: pulumi.output(args.kubeconfig).apply(kubeconfigAccess), roleAssignmentId: args.roleAssignmentId, timeoutSeconds: args.timeoutSeconds },
            opts,
            "credless-aks",
            "RbacPropagationWait",
        );
    }
}
