import * as assert from "assert";
import { externalSecretState } from "../commands/verify/externalSecretState";
import { formatAge } from "../commands/verify/externalClusterCheck";
import { parseStackOutputs } from "../commands/verify/outputs";
import { healthyScenario, runVerify, Scenario, VERIFY_NOW } from "./verifyHarness";

const LOGIN_SERVER = "crcontosogeodev.azurecr.io";
const minutesBefore = (m: number) => new Date(Date.parse(VERIFY_NOW) - m * 60_000).toISOString();

/** The ExternalSecret as `kubectl get -o json` prints it after a good sync. */
function externalSecret(namespace: string, refreshedMinutesAgo = 10): Record<string, unknown> {
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: { name: "acr-pull", namespace },
        spec: {
            refreshInterval: "30m",
            target: {
                name: "acr-pull",
                template: { type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": `{"auths":{"${LOGIN_SERVER}":{"username":"{{ .username }}","password":"{{ .password }}"}}}` } },
            },
        },
        status: {
            refreshTime: minutesBefore(refreshedMinutesAgo),
            conditions: [{ type: "Ready", status: "True", reason: "SecretSynced", message: "secret synced" }],
        },
    };
}

/** The healthy scenario plus an EKS cluster with two namespaces whose pull secrets are fresh. */
function withExternalCluster(s: Scenario = healthyScenario()): Scenario {
    s.outputs.externalClusters = {
        "eks-shop": {
            issuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E",
            namespaces: ["shop", "payments"],
            clientId: "88888888-0000-0000-0000-000000000001",
            principalId: "88888888-0000-0000-0000-000000000002",
            secretName: "acr-pull",
            refreshInterval: "30m",
            registryLoginServer: LOGIN_SERVER,
        },
    };
    s.externalSecrets = { "eks-shop/shop/acr-pull": externalSecret("shop"), "eks-shop/payments/acr-pull": externalSecret("payments") };
    s.secrets = {
        "eks-shop/shop/acr-pull": { type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": "(never read)" } },
        "eks-shop/payments/acr-pull": { type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": "(never read)" } },
    };
    return s;
}

interface JsonCheck {
    name: string;
    status: string;
    detail: string;
    likelyCause?: string;
    fix?: string;
}

async function externalChecks(s: Scenario, mode: "in-process" | "processes" = "in-process"): Promise<{ code: number; checks: JsonCheck[]; calls: { tool: string; args: string[] }[] }> {
    const run = await runVerify(s, ["dev", "--format", "json"], { mode });
    const report = JSON.parse(run.out) as { checks: JsonCheck[] };
    return { code: run.code, checks: report.checks.filter((c) => c.name.startsWith("external cluster")), calls: run.calls };
}

const PASS_DETAIL =
    `kubernetes.io/dockerconfigjson for ${LOGIN_SERVER}, refreshed 10m ago (every 30m); ` +
    "the registry issued its token at that refresh (ESO gets it from ACR's /oauth2/exchange). verify does not read or present the token itself: a pull of an image is the end-to-end proof";

describe("verify: external clusters", function () {
    this.timeout(60000);

    it("passes for fresh pull secrets in every namespace, on the cluster's own kube context, reading no secret value", async () => {
        const { code, checks, calls } = await externalChecks(withExternalCluster());
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(
            checks.map((c) => [c.name, c.status, c.detail]),
            ["shop", "payments"].map((ns) => [`external cluster eks-shop: pull secret in ${ns}`, "pass", PASS_DETAIL]),
        );
        const secretCalls = calls.filter((c) => c.tool === "kubectl" && c.args.includes("secret"));
        assert.strictEqual(secretCalls.length, 2);
        for (const c of secretCalls) {
            assert.deepStrictEqual(c.args.slice(0, 2), ["--context", "eks-shop"]);
            assert.ok(c.args.includes("go-template={{.type}}{{range $k, $v := .data}} {{$k}}{{end}}"));
            assert.ok(!c.args.includes("json") && !c.args.includes("yaml"));
        }
    });

    it("passes through the real spawn path too", async () => {
        const { code, checks } = await externalChecks(withExternalCluster(), "processes");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(checks.map((c) => c.status), ["pass", "pass"]);
    });

    it("adds no check for a stack without external clusters", async () => {
        const { checks } = await externalChecks(healthyScenario());
        assert.deepStrictEqual(checks, []);
    });

    it("fails a pull secret refreshed longer ago than its interval", async () => {
        const s = withExternalCluster();
        s.externalSecrets["eks-shop/payments/acr-pull"] = externalSecret("payments", 95);
        const { code, checks } = await externalChecks(s);
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(checks[1], {
            name: "external cluster eks-shop: pull secret in payments",
            status: "fail",
            detail: "ExternalSecret payments/acr-pull was last refreshed 1h35m ago; it should be every 30m",
            likelyCause: "External Secrets Operator is not running or not reconciling (its token may soon expire: ACR refresh tokens live 3 hours)",
            fix: "kubectl --context eks-shop get pods --namespace external-secrets, and the controller's logs",
        });
        assert.strictEqual(checks[0].status, "pass");
    });

    it("explains a registry that refuses ESO's ARM-audience token", async () => {
        const s = withExternalCluster();
        const es = externalSecret("shop") as { status: { conditions: unknown[] } };
        es.status.conditions = [
            {
                type: "Ready",
                status: "False",
                reason: "SecretSyncedError",
                message: "error processing spec.dataFrom[0].sourceRef.generatorRef, err: count not generate refresh token, unexpected status code 401, expected 200",
            },
        ];
        s.externalSecrets["eks-shop/shop/acr-pull"] = es;
        const { checks } = await externalChecks(s);
        assert.strictEqual(checks[0].status, "fail");
        assert.strictEqual(
            checks[0].detail,
            "ExternalSecret shop/acr-pull is not Ready: SecretSyncedError: error processing spec.dataFrom[0].sourceRef.generatorRef, err: count not generate refresh token, unexpected status code 401, expected 200",
        );
        assert.match(checks[0].likelyCause!, /ARM-audience authentication is disabled \(azureADAuthenticationAsArmPolicy/);
        assert.match(checks[0].fix!, /^az acr config authentication-as-arm show -r <registry>/);
    });

    it("names an issuer mismatch from Entra ID's AADSTS700211", async () => {
        const s = withExternalCluster();
        const es = externalSecret("shop") as { status: { conditions: unknown[] } };
        es.status.conditions = [{ type: "Ready", status: "False", reason: "SecretSyncedError", message: "AADSTS700211: No matching federated identity record found for presented assertion issuer." }];
        s.externalSecrets["eks-shop/shop/acr-pull"] = es;
        const { checks } = await externalChecks(s);
        assert.strictEqual(checks[0].likelyCause, "issuer mismatch: the federated credential's issuer is not the cluster's OIDC issuer, character for character (a missing trailing '/' is enough)");
        assert.strictEqual(checks[0].fix, "set the federated credential's issuer to the stack output externalClusters.eks-shop.issuerUrl verbatim and run pulumi up");
    });

    it("fails a missing ExternalSecret, a missing operator and a Secret of the wrong type, each with its fix", async () => {
        const missing = withExternalCluster();
        delete missing.externalSecrets["eks-shop/shop/acr-pull"];
        assert.deepStrictEqual((await externalChecks(missing)).checks[0], {
            name: "external cluster eks-shop: pull secret in shop",
            status: "fail",
            detail: "no ExternalSecret shop/acr-pull on kube context eks-shop",
            likelyCause: "pulumi up has not created it on this cluster, or the context is another cluster",
            fix: 'name the kube context of cluster eks-shop "eks-shop" (verify uses the cluster\'s config name), then run pulumi up',
        });

        const noOperator = withExternalCluster();
        noOperator.noExternalSecretsCrd = true;
        const [first] = (await externalChecks(noOperator)).checks;
        assert.deepStrictEqual([first.status, first.likelyCause], ["fail", "External Secrets Operator (0.17.0 or later) is not installed"]);

        const opaque = withExternalCluster();
        opaque.secrets["eks-shop/shop/acr-pull"] = { type: "Opaque", data: { token: "(never read)" } };
        const [wrong] = (await externalChecks(opaque)).checks;
        assert.deepStrictEqual([wrong.status, wrong.detail], ["fail", "Secret shop/acr-pull is Opaque with keys token, not a kubernetes.io/dockerconfigjson"]);
    });

    it("fails an ExternalSecret changed outside Pulumi (refresh interval raised to 3h)", async () => {
        const s = withExternalCluster();
        (s.externalSecrets["eks-shop/shop/acr-pull"].spec as { refreshInterval: string }).refreshInterval = "3h";
        const [changed] = (await externalChecks(s)).checks;
        assert.deepStrictEqual(
            [changed.status, changed.detail],
            ["fail", `ExternalSecret shop/acr-pull is not the stack's: refreshInterval 3h, target acr-pull, type kubernetes.io/dockerconfigjson, registry ${LOGIN_SERVER}`],
        );
    });
});

describe("verify: external cluster helpers", () => {
    it("reads spec and status of an ExternalSecret, and no data", () => {
        assert.deepStrictEqual(externalSecretState({ spec: { refreshInterval: "30m" }, status: { refreshTime: null } }), {
            refreshInterval: "30m",
            targetName: undefined,
            templateType: undefined,
            template: undefined,
            ready: undefined,
            refreshTime: undefined,
        });
    });

    it("formats ages", () => {
        assert.deepStrictEqual([formatAge(42), formatAge(600), formatAge(5700)], ["42s", "10m", "1h35m"]);
    });

    it("refuses an externalClusters output without its fields", () => {
        const s = withExternalCluster();
        delete s.outputs.externalClusters["eks-shop"].secretName;
        s.outputs.externalClusters["eks-shop"].namespaces = [];
        assert.throws(
            () => parseStackOutputs("dev", s.outputs),
            (e: Error) =>
                e.message ===
                "stack dev: its outputs are not what verify expects:\n" +
                    "  - externalClusters.eks-shop.secretName: expected a non-empty string, got undefined\n" +
                    "  - externalClusters.eks-shop.namespaces: expected a non-empty array of strings, got []",
        );
    });
});
