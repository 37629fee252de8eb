import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzeResponse, AnalyzerInfo, AnalyzerResourceOptions } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../policy/policies";

/**
 * Starts policy/ the way `pulumi preview --policy-pack policy` does for a
 * Node.js pack (the CLI's pulumi-analyzer-policy shim runs
 * @pulumi/pulumi/cmd/run-policy-pack with the pack directory as working
 * directory, the stack's config in PULUMI_CONFIG and its name in
 * PULUMI_NODEJS_STACK), then talks to it over the analyzer protocol.
 * One difference: the host's ts-node transpiles without type-checking
 * (tests/fixtures/policy/transpileOnlyHost.js says why and where that check runs).
 */
describe("policy pack served as the Pulumi CLI starts it", function () {
    this.timeout(120000);
    let pack: ChildProcess;
    let client: AnalyzerClient;

    before(async () => {
        const root = path.join(__dirname, "..");
        const host = [path.join(root, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."];
        pack = spawn(process.execPath, ["--require", path.join(__dirname, "fixtures/policy/transpileOnlyHost.js"), ...host], {
            cwd: path.join(root, "policy"),
            env: { ...process.env, PULUMI_CONFIG: JSON.stringify({ "credless-aks:environment": "prod" }), PULUMI_NODEJS_STACK: "release" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        pack.stderr?.on("data", (chunk) => (stderr += chunk));
        const port = await new Promise<string>((resolve, reject) => {
            pack.stdout?.once("data", (chunk) => resolve(String(chunk).trim()));
            pack.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        });
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.kill();
    });

    it("serves every policy of policy/policies.ts under the pack name credless-aks", async () => {
        const info = await new Promise<AnalyzerInfo>((resolve, reject) =>
            client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res))),
        );
        assert.strictEqual(info.getName(), "credless-aks");
        assert.deepStrictEqual(
            info.getPoliciesList().map((p) => p.getName()),
            policies.map((p) => p.name),
        );
    });

    it("reports violations with the engine's message format and reads prod from the stack's config", async () => {
        const request = new AnalyzeRequest();
        request.setType("azure-native:containerservice:ManagedCluster");
        request.setName("cluster");
        request.setUrn("urn:pulumi:release::credless-aks::azure-native:containerservice:ManagedCluster::cluster");
        request.setProperties(
            Struct.fromJavaScript({
                oidcIssuerProfile: { enabled: true },
                securityProfile: { workloadIdentity: { enabled: true } },
                disableLocalAccounts: false,
                aadProfile: { managed: true, enableAzureRBAC: true },
                autoUpgradeProfile: { upgradeChannel: "stable" },
                networkProfile: { networkPolicy: "cilium" },
                apiServerAccessProfile: { enablePrivateCluster: true },
                sku: { name: "Base", tier: "Free" },
            }),
        );
        request.setOptions(new AnalyzerResourceOptions());
        const response = await new Promise<AnalyzeResponse>((resolve, reject) =>
            client.analyze(request, (err, res) => (err ? reject(err) : resolve(res))),
        );
        const description = (name: string) => policies.find((p) => p.name === name)?.description;
        assert.deepStrictEqual(
            response.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getMessage()]),
            [
                ["aks-local-accounts-disabled", `${description("aks-local-accounts-disabled")}\ndisableLocalAccounts is false: it must be true`],
                ["aks-paid-tier-in-prod", `${description("aks-paid-tier-in-prod")}\nsku.tier is "Free" in prod: use Standard or Premium`],
            ],
        );
    });
});
