import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { builtinModules } from "module";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { accessAllowed, accessReviewRequest, isPermanentFailure, RbacPropagationWait } from "../components/rbacPropagationWait";
import { rejectionMessage, runUnderMocks } from "./harness";

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

/** What the engine hands Pulumi's dynamic provider host for a wait: the inputs the class computed, the serialized provider among them. */
async function recordedInputs(kubeconfig: string, roleAssignmentId: string, timeoutSeconds: number): Promise<Record<string, unknown>> {
    const run = await runUnderMocks(() => {
        new RbacPropagationWait("wait", { kubeconfig, roleAssignmentId, timeoutSeconds }, {});
    });
    return run.resources[0].inputs;
}

/**
 * The provider as the host runs it: the text the SDK serialized into the
 * __provider input, loaded with require-from-string and its handler called
 * (@pulumi/pulumi cmd/dynamic-provider/index.js, getProvider).
 */
function providerOf(inputs: Record<string, unknown>): pulumi.dynamic.ResourceProvider {
    assert.strictEqual(typeof inputs.__provider, "string");
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const requireFromString = require(require.resolve("require-from-string", { paths: [sdk] })) as (code: string) => { handler: () => pulumi.dynamic.ResourceProvider };
    return requireFromString(inputs.__provider as string).handler();
}

/** Creates the wait as the host would: the provider its inputs carry, called with those inputs. */
async function create(kubeconfig: string, roleAssignmentId: string, timeoutSeconds: number): Promise<pulumi.dynamic.CreateResult> {
    const inputs = await recordedInputs(kubeconfig, roleAssignmentId, timeoutSeconds);
    return providerOf(inputs).create!(inputs);
}

/** A certificate and key for 127.0.0.1, made by openssl for this run only. */
function selfSignedCertificate(dir: string, name: string): { cert: string; key: string } {
    const key = path.join(dir, `${name}.key`);
    const cert = path.join(dir, `${name}.crt`);
    const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"];
    try {
        execFileSync("openssl", args, { stdio: "pipe" });
    } catch (e) {
        throw new Error(`these tests need openssl on PATH, for a throwaway certificate of the test API server: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { cert: fs.readFileSync(cert, "utf8"), key: fs.readFileSync(key, "utf8") };
}

interface SeenRequest {
    method?: string;
    url?: string;
    authorization?: string;
    body: unknown;
}

describe("rbacPropagationWait: the serialized provider, run as Pulumi's dynamic provider host runs it", () => {
    let dir: string;
    let server: https.Server;
    let cluster: { cert: string; key: string };
    let otherCa: string;
    let answer: { status: number; body: unknown };
    let seen: SeenRequest[];
    const plugin = () => path.join(dir, "kubelogin");

    /** A kubeconfig whose current context uses the fake exec plugin against the test's API server. */
    const kubeconfig = (options: { ca?: string; command?: string } = {}) =>
        stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "aks-dev", cluster: { server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, "certificate-authority-data": Buffer.from(options.ca ?? cluster.cert).toString("base64") } }],
            users: [
                {
                    name: "deployer",
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: options.command ?? plugin(),
                            args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
                            env: [{ name: "FAKE_PLUGIN_ENV", value: "from-the-kubeconfig" }],
                        },
                    },
                },
            ],
            contexts: [{ name: "aks-dev", context: { cluster: "aks-dev", user: "deployer" } }],
            "current-context": "aks-dev",
        });

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-wait-"));
        cluster = selfSignedCertificate(dir, "cluster");
        otherCa = selfSignedCertificate(dir, "other").cert;
        // What kubelogin get-token prints: an ExecCredential. It records its arguments and environment.
        fs.writeFileSync(
            plugin(),
            '#!/bin/sh\nprintf "%s" "$*" > "$0.args"\nprintf "%s" "$FAKE_PLUGIN_ENV" > "$0.env"\n' +
                'echo \'{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"token-from-the-exec-plugin"}}\'\n',
            { mode: 0o755 },
        );
        server = https.createServer({ cert: cluster.cert, key: cluster.key }, (req, res) => {
            let body = "";
            req.on("data", (chunk) => (body += chunk));
            req.on("end", () => {
                seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body: JSON.parse(body) });
                res.writeHead(answer.status, { "Content-Type": "application/json" });
                res.end(JSON.stringify(answer.body));
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });

    after(async () => {
        await new Promise((resolve) => server.close(resolve));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    beforeEach(() => {
        seen = [];
    });

    it("reads the kubeconfig in the program, failing the run for one without an exec credential plugin", async () => {
        const error = await rejectionMessage(() => recordedInputs("apiVersion: v1\nkind: Config\n", "ra-1", 30), "a wait on a kubeconfig without an exec plugin");
        assert.match(error, /kubeconfig's current context has no cluster server or no exec credential plugin/);
    });

    it("creates once the API server allows the deployer, asking with the exec plugin's token over TLS checked against the cluster's CA", async () => {
        answer = { status: 201, body: { ...accessReviewRequest(), status: { allowed: true } } };
        const created = await create(kubeconfig(), "ra-1", 30);
        assert.deepStrictEqual(created, { id: "ra-1", outs: { roleAssignmentId: "ra-1", timeoutSeconds: 30 } });
        assert.deepStrictEqual(seen, [
            { method: "POST", url: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", authorization: "Bearer token-from-the-exec-plugin", body: accessReviewRequest() },
        ]);
        assert.strictEqual(fs.readFileSync(`${plugin()}.args`, "utf8"), "get-token --login azurecli --server-id 6dae42f8-4368-4678-94ff-3960e28e3630");
        assert.strictEqual(fs.readFileSync(`${plugin()}.env`, "utf8"), "from-the-kubeconfig");
    });

    it("fails at once, without waiting, when the API server rejects the token (HTTP 401)", async () => {
        answer = { status: 401, body: { kind: "Status", status: "Failure", message: "Unauthorized", code: 401 } };
        const started = Date.now();
        await assert.rejects(create(kubeconfig(), "ra-1", 30), /waiting will not help: HTTP 401: /);
        assert.strictEqual(seen.length, 1);
        assert.ok(Date.now() - started < 5000, "no poll interval was waited");
    });

    it("fails at once when the exec plugin is not installed", async () => {
        const missing = path.join(dir, "not-installed", "kubelogin");
        await assert.rejects(create(kubeconfig({ command: missing }), "ra-1", 30), /waiting will not help: .*ENOENT/);
        assert.strictEqual(seen.length, 0);
    });

    it("does not trust a server whose certificate the kubeconfig's CA did not sign", async () => {
        answer = { status: 201, body: { status: { allowed: true } } };
        await assert.rejects(
            create(kubeconfig({ ca: otherCa }), "ra-1", 0),
            /the deployer still may not create namespaces on the cluster 0s after its role assignment ra-1 was created \(last answer: .*certificate/,
        );
        assert.strictEqual(seen.length, 0, "no request reached the server");
    });

    it("replaces the wait for a new role assignment and keeps it otherwise", async () => {
        const olds = await recordedInputs(kubeconfig(), "ra-1", 30);
        const provider = providerOf(olds);
        const otherPlugin = await recordedInputs(kubeconfig({ command: "/usr/local/bin/kubelogin" }), "ra-1", 30);
        assert.deepStrictEqual(await provider.diff!("ra-1", olds, otherPlugin), { changes: false, replaces: [] });
        assert.deepStrictEqual(await provider.diff!("ra-1", olds, await recordedInputs(kubeconfig(), "ra-2", 30)), { changes: true, replaces: ["roleAssignmentId"] });
    });

    it("is serialized with only Node's built-in modules to require, which resolve wherever the host runs", async () => {
        const text = (await recordedInputs(kubeconfig(), "ra-1", 30)).__provider as string;
        const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        assert.ok(required.includes("https") && required.includes("child_process"), `requires: ${required.join(", ")}`);
        assert.deepStrictEqual(required.filter((m) => !builtinModules.includes(m)), []);
    });
});
