import * as assert from "assert";
import { accessAllowed, accessReviewRequest } from "../components/rbacPropagationWait";

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
