import * as assert from "assert";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzeResponse, AnalyzerInfo, AnalyzerResourceOptions } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../policy/policies";
import { PolicyHost, startPolicyHost } from "./policyHost";
import { TYPES } from "./resourceTypes";

/** Talks to policy/ over the analyzer protocol, served as the Pulumi CLI serves it (tests/policyHost.ts). */
describe("policy pack served as the Pulumi CLI starts it", function () {
    this.timeout(120000);
    let host: PolicyHost;
    let client: AnalyzerClient;

    before(async () => {
        host = await startPolicyHost();
        client = new AnalyzerClient(`127.0.0.1:${host.port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        host?.stop();
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
        request.setType(TYPES.managedCluster);
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
