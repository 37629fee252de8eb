import * as assert from "assert";
import { accessAllowed, accessReviewRequest, isPermanentFailure } from "../components/rbacPropagationWait";

describe("rbacPropagationWait: the access check", () => {
    it("asks whether the caller may create namespaces, as kubectl auth can-i create namespaces does", () => {
        assert.deepStrictEqual(accessReviewRequest(), {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: { resourceAttributes: { verb: "create", group: "", resource: "namespaces" } },
        });
    });

    it("counts only status.allowed === true as allowed", () => {
        assert.strictEqual(accessAllowed({ status: { allowed: true } }), true);
        for (const denied of [{ status: { allowed: false, reason: "no role" } }, { status: { allowed: "true" } }, { status: {} }, {}, null, "allowed"]) {
            assert.strictEqual(accessAllowed(denied), false, JSON.stringify(denied));
        }
    });
});

describe("rbacPropagationWait: which failures end the wait at once", () => {
    it("treats a missing kubelogin, an Entra ID login error and HTTP 401 as permanent", () => {
        const permanent = [
            { code: "ENOENT", message: "spawn kubelogin ENOENT" },
            {
                code: 1,
                message:
                    "Command failed: kubelogin get-token --login azurecli --server-id 6dae42f8-4368-4678-94ff-3960e28e3630\n" +
                    "Error: failed to get token: AzureCLICredential: ERROR: AADSTS700024: Client assertion is not within its valid time range.",
            },
            { message: 'HTTP 401: {"kind":"Status","status":"Failure","message":"Unauthorized","code":401}' },
        ];
        for (const error of permanent) {
            assert.strictEqual(isPermanentFailure(error), true, error.message);
        }
    });

    it("keeps waiting on anything that may pass: timeouts, network errors, server errors, 403", () => {
        const transient = [
            { code: "ETIMEDOUT", message: "connect ETIMEDOUT 20.0.0.1:443" },
            { code: "ECONNRESET", message: "socket hang up" },
            { code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND aks-dev.hcp.westeurope.azmk8s.io" },
            { message: "request timed out" },
            { code: null, message: "Command failed: kubelogin get-token --login azurecli (killed after the time limit)" },
            { message: "HTTP 403: forbidden" },
            { message: "HTTP 500: etcdserver: request timed out" },
            { message: "HTTP 4010: not a status" },
            { message: "kubelogin returned no token" },
        ];
        for (const error of transient) {
            assert.strictEqual(isPermanentFailure(error), false, error.message);
        }
    });
});
