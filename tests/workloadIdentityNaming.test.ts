import * as assert from "assert";
import fc from "fast-check";
import { parse } from "yaml";
import { dnsLabelRule, dnsSubdomainRule } from "../components/validation";
import {
    federatedCredentialName,
    federatedCredentialNameRule,
    issuerUrlRule,
    labelKeyRule,
    labelsProblems,
    labelValueRule,
    managedIdentityName,
    managedIdentityNameRule,
    podTemplateSnippet,
    podTemplateSnippetYaml,
    roleAssignmentKey,
    tokenExpirationRule,
    workloadIdentityAnnotations,
    workloadLabels,
} from "../components/workloadIdentityNaming";

const MI_RULE = "must be a managed identity name: 3 to 128 letters, digits, '-' or '_', starting with a letter or digit";
const FIC_RULE = "must be a federated credential name: 3 to 120 letters, digits, '-' or '_', starting with a letter or digit";

/** RFC 1123 labels and subdomains as Kubernetes accepts them, for property tests. */
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/).filter((v) => dnsLabelRule(v) === undefined);
const dnsSubdomain = fc
    .array(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join("."))
    .filter((v) => dnsSubdomainRule(v) === undefined);

describe("workload identity naming: rules", () => {
    it("managed identity names: 3 to 128 letters, digits, '-' or '_', starting with a letter or digit", () => {
        for (const ok of ["abc", "id-geofencing-api", "A_1", "9ab", "a".repeat(128)]) {
            assert.strictEqual(managedIdentityNameRule(ok), undefined, ok);
        }
        for (const bad of ["ab", "-abc", "_abc", "a.b.c", "a b c", "a".repeat(129), ""]) {
            assert.strictEqual(managedIdentityNameRule(bad), MI_RULE, bad);
        }
    });

    it("federated credential names: 3 to 120 letters, digits, '-' or '_', starting with a letter or digit", () => {
        for (const ok of ["abc", "geofencing-api", "green_1", "a".repeat(120)]) {
            assert.strictEqual(federatedCredentialNameRule(ok), undefined, ok);
        }
        for (const bad of ["ab", "-green", "a.b.c", "a/b/c", "a".repeat(121)]) {
            assert.strictEqual(federatedCredentialNameRule(bad), FIC_RULE, bad);
        }
    });

    it("issuer URLs given as text: https, no whitespace, at most 600 characters", () => {
        const rule =
            "must be the cluster's OIDC issuer URL exactly as the cluster reports it: https://..., no whitespace, at most 600 characters";
        assert.strictEqual(issuerUrlRule("https://westeurope.oic.prod-aks.azure.com/t/c/"), undefined);
        for (const bad of [
            "http://westeurope.oic.prod-aks.azure.com/t/c/",
            " https://westeurope.oic.prod-aks.azure.com/t/c/",
            "https://westeurope.oic.prod-aks.azure.com/t/c/ ",
            "https://x/" + "a".repeat(591),
        ]) {
            assert.strictEqual(issuerUrlRule(bad), rule, bad);
        }
        assert.strictEqual(issuerUrlRule("https://x/" + "a".repeat(590)), undefined);
    });

    it("token expiration: whole seconds from 3600 to 86400", () => {
        for (const ok of [3600, 7200, 86400]) {
            assert.strictEqual(tokenExpirationRule(ok), undefined);
        }
        for (const bad of [3599, 86401, 3600.5, 0]) {
            assert.strictEqual(tokenExpirationRule(bad), "must be a whole number of seconds from 3600 to 86400", String(bad));
        }
    });

    it("label keys and values follow Kubernetes' syntax", () => {
        for (const ok of ["team", "app.kubernetes.io/part-of", "example.com/cost_center", "a"]) {
            assert.strictEqual(labelKeyRule(ok), undefined, ok);
        }
        for (const bad of ["", "/team", "Example.com/team", "team-", "a".repeat(64), "x/y/z", "te am"]) {
            assert.ok(labelKeyRule(bad), bad);
        }
        for (const ok of ["", "geofencing", "v1.2_3"]) {
            assert.strictEqual(labelValueRule(ok), undefined, ok);
        }
        for (const bad of ["-x", "x-", "a b", "a".repeat(64)]) {
            assert.ok(labelValueRule(bad), bad);
        }
    });

    it("labelsProblems names the key, the value and the rule of every bad label", () => {
        const KEY_RULE =
            "must be a Kubernetes label key: an optional DNS subdomain prefix and '/', then 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
        const VALUE_RULE = "must be a Kubernetes label value: empty, or 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
        assert.deepStrictEqual(labelsProblems({ team: "maps" }), []);
        assert.deepStrictEqual(labelsProblems({ "Bad Key": "x" }), [`labels has the key "Bad Key", which ${KEY_RULE}`]);
        assert.deepStrictEqual(labelsProblems({ team: "maps!" }), [`labels["team"] is "maps!": ${VALUE_RULE}`]);
        assert.deepStrictEqual(labelsProblems({ "app.kubernetes.io/managed-by": "helm" }), [
            'labels["app.kubernetes.io/managed-by"] is "helm": is set by the component to "pulumi"',
        ]);
        assert.deepStrictEqual(labelsProblems({ "Bad Key": "x", team: "maps!", tier: "web" }), [
            `labels has the key "Bad Key", which ${KEY_RULE}`,
            `labels["team"] is "maps!": ${VALUE_RULE}`,
        ]);
    });
});

describe("workload identity naming: derived names", () => {
    it("managedIdentityName prefixes id- and cleans the parts", () => {
        assert.strictEqual(managedIdentityName("geofencing-dev", "geofencing-api"), "id-geofencing-dev-geofencing-api");
        assert.strictEqual(managedIdentityName("Geo Fencing", "api.v2"), "id-geo-fencing-api-v2");
        assert.strictEqual(managedIdentityName("--"), "id-workload");
    });

    it("managedIdentityName always gives a valid, stable name, distinct for distinct long inputs", () => {
        fc.assert(
            fc.property(fc.array(fc.string({ maxLength: 200 }), { minLength: 1, maxLength: 3 }), (parts) => {
                const n = managedIdentityName(...parts);
                assert.strictEqual(managedIdentityNameRule(n), undefined, n);
                assert.strictEqual(managedIdentityName(...parts), n);
            }),
        );
        const a = managedIdentityName("x".repeat(200), "a");
        const b = managedIdentityName("x".repeat(200), "b");
        assert.strictEqual(a.length, 128);
        assert.notStrictEqual(a, b);
    });

    it("federatedCredentialName is <namespace>-<service account>, dots replaced", () => {
        assert.strictEqual(federatedCredentialName("geofencing", "geofencing-api"), "geofencing-geofencing-api");
        assert.strictEqual(federatedCredentialName("geo", "api.v2"), "geo-api-v2");
    });

    it("federatedCredentialName always passes the credential name rule, even for the longest Kubernetes names", () => {
        fc.assert(
            fc.property(dnsLabel, dnsSubdomain, (ns, sa) => {
                const n = federatedCredentialName(ns, sa);
                assert.strictEqual(federatedCredentialNameRule(n), undefined, n);
            }),
        );
        const long = federatedCredentialName("n".repeat(63), `${"s".repeat(63)}.${"t".repeat(63)}`);
        assert.strictEqual(long.length, 120);
        assert.notStrictEqual(long, federatedCredentialName("n".repeat(63), `${"s".repeat(63)}.${"u".repeat(63)}`));
    });

    it("roleAssignmentKey depends on role and text scope (any casing), not on position", () => {
        const role = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
        const scope = "/subscriptions/s/resourceGroups/rg";
        assert.strictEqual(roleAssignmentKey(role, scope, 0), roleAssignmentKey(role, scope, 3));
        assert.strictEqual(roleAssignmentKey(role, scope, 0), roleAssignmentKey(role.toUpperCase(), scope.toUpperCase(), 0));
        assert.notStrictEqual(roleAssignmentKey(role, scope, 0), roleAssignmentKey(role, `${scope}2`, 0));
        assert.notStrictEqual(roleAssignmentKey(role, undefined, 0), roleAssignmentKey(role, undefined, 1));
        assert.match(roleAssignmentKey(role, undefined, 0), /^[0-9a-f]{12}$/);
    });
});

describe("workload identity naming: annotations, labels, pod template", () => {
    it("annotations carry client id and tenant id, and the token expiration only when set", () => {
        assert.deepStrictEqual(workloadIdentityAnnotations("client", "tenant"), {
            "azure.workload.identity/client-id": "client",
            "azure.workload.identity/tenant-id": "tenant",
        });
        assert.deepStrictEqual(workloadIdentityAnnotations("client", "tenant", 7200), {
            "azure.workload.identity/client-id": "client",
            "azure.workload.identity/tenant-id": "tenant",
            "azure.workload.identity/service-account-token-expiration": "7200",
        });
    });

    it("labels add managed-by pulumi to the caller's", () => {
        assert.deepStrictEqual(workloadLabels({ team: "maps" }), { team: "maps", "app.kubernetes.io/managed-by": "pulumi" });
    });

    it("the pod template snippet has the use label and the service account", () => {
        assert.deepStrictEqual(podTemplateSnippet("geofencing-api"), {
            metadata: { labels: { "azure.workload.identity/use": "true" } },
            spec: { serviceAccountName: "geofencing-api" },
        });
    });

    it("the YAML snippet parses to the same object, with strings that YAML would otherwise retype", () => {
        for (const sa of ["geofencing-api", "true", "1e3", "null"]) {
            assert.deepStrictEqual(parse(podTemplateSnippetYaml("geofencing", sa)), podTemplateSnippet(sa));
        }
        assert.match(podTemplateSnippetYaml("geofencing", "api"), /^# pod template of a workload in namespace "geofencing"\n/);
    });
});
