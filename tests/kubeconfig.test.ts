import * as assert from "assert";
import fc from "fast-check";
import { parse } from "yaml";
import { KUBELOGIN_MODES, KubeloginMode, kubeconfigAccess, toNonInteractiveKubeconfig } from "../components/kubeconfig";
import { AKS_AAD_SERVER_APP_ID } from "../components/microsoftConstants";
import { FAKE, fakeUserKubeconfig } from "./harness";

const FQDN = "aks-dev-1a2b3c4d.hcp.westeurope.azmk8s.io";
const DEVICE_CODE = fakeUserKubeconfig("aks-dev", FQDN);
const AZURE_CLI_APP = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";

/** The legacy form: `az aks get-credentials` before exec plugins (auth-provider azure, config-mode 1 = non-legacy). */
function legacyKubeconfig(configMode: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- cluster:",
        `    server: https://${FQDN}:443`,
        "  name: aks-dev",
        "contexts:",
        "- context: {cluster: aks-dev, user: clusterUser_rg_aks-dev}",
        "  name: aks-dev",
        "current-context: aks-dev",
        "users:",
        "- name: clusterUser_rg_aks-dev",
        "  user:",
        "    auth-provider:",
        "      name: azure",
        "      config:",
        `        apiserver-id: ${AKS_AAD_SERVER_APP_ID}`,
        `        client-id: ${AZURE_CLI_APP}`,
        `        config-mode: "${configMode}"`,
        "        environment: AzurePublicCloud",
        `        tenant-id: ${FAKE.tenantId}`,
    ].join("\n");
}

function execOf(kubeconfig: string): { command: string; args: string[]; apiVersion: string; env?: unknown } {
    const users = parse(kubeconfig).users;
    assert.strictEqual(users.length, 1);
    assert.strictEqual(users[0].user["auth-provider"], undefined);
    return users[0].user.exec;
}

describe("kubeconfig: toNonInteractiveKubeconfig", () => {
    // Expected arguments: what convert.go in github.com/Azure/kubelogin writes per mode.
    const expected: Record<KubeloginMode, string[]> = {
        azurecli: ["get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_APP_ID],
        workloadidentity: ["get-token", "--login", "workloadidentity", "--server-id", AKS_AAD_SERVER_APP_ID],
        msi: ["get-token", "--login", "msi", "--server-id", AKS_AAD_SERVER_APP_ID],
        spn: [
            "get-token",
            "--login",
            "spn",
            "--server-id",
            AKS_AAD_SERVER_APP_ID,
            "--client-id",
            AZURE_CLI_APP,
            "--tenant-id",
            FAKE.tenantId,
            "--environment",
            "AzurePublicCloud",
        ],
    };

    for (const mode of KUBELOGIN_MODES) {
        it(`writes kubelogin convert-kubeconfig's args for ${mode} from the device-code kubeconfig`, () => {
            const exec = execOf(toNonInteractiveKubeconfig(DEVICE_CODE, mode));
            assert.strictEqual(exec.command, "kubelogin");
            assert.strictEqual(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
            assert.deepStrictEqual(exec.args, expected[mode]);
        });
    }

    it("converts the legacy auth-provider form, adding --legacy for spn only when config-mode is 0", () => {
        assert.deepStrictEqual(execOf(toNonInteractiveKubeconfig(legacyKubeconfig("1"), "spn")).args, expected.spn);
        assert.deepStrictEqual(execOf(toNonInteractiveKubeconfig(legacyKubeconfig("0"), "spn")).args, [...expected.spn, "--legacy"]);
        assert.deepStrictEqual(execOf(toNonInteractiveKubeconfig(legacyKubeconfig("0"), "azurecli")).args, expected.azurecli);
    });

    it("never asks for device code or interactive login and embeds no secret, in any mode", () => {
        for (const mode of KUBELOGIN_MODES) {
            for (const source of [DEVICE_CODE, legacyKubeconfig("1")]) {
                const out = toNonInteractiveKubeconfig(source, mode);
                assert.ok(!out.includes("devicecode"), `${mode}: ${out}`);
                assert.ok(!/interactive|--client-secret|--password|--client-certificate/.test(out), `${mode}: ${out}`);
            }
        }
    });

    it("keeps clusters, contexts, the server and its CA untouched", () => {
        const before = parse(DEVICE_CODE);
        const after = parse(toNonInteractiveKubeconfig(DEVICE_CODE, "workloadidentity"));
        assert.deepStrictEqual(after.clusters, before.clusters);
        assert.deepStrictEqual(after.contexts, before.contexts);
        assert.strictEqual(after["current-context"], before["current-context"]);
    });

    it("preserves whatever server id the cluster uses", () => {
        fc.assert(
            fc.property(fc.uuid(), fc.constantFrom(...KUBELOGIN_MODES), (serverId, mode) => {
                const source = DEVICE_CODE.replace(AKS_AAD_SERVER_APP_ID, serverId);
                const args = execOf(toNonInteractiveKubeconfig(source, mode)).args;
                assert.strictEqual(args[args.indexOf("--server-id") + 1], serverId);
            }),
        );
    });

    it("rejects login modes that need a person", () => {
        for (const mode of ["devicecode", "interactive", "ropc", ""]) {
            assert.throws(
                () => toNonInteractiveKubeconfig(DEVICE_CODE, mode as KubeloginMode),
                (e: Error) => e.message === `kubelogin mode "${mode}" is not a non-interactive login mode: expected one of azurecli, workloadidentity, spn, msi`,
            );
        }
    });

    it("rejects kubeconfigs it cannot convert, with the reason", () => {
        const cases: [string, string][] = [
            ["users: [", "kubeconfig is not valid YAML: "],
            ["kind: Config", "kubeconfig has no users list: expected the user kubeconfig of an Entra ID cluster"],
            [
                "users:\n- name: admin\n  user:\n    token: abc",
                "kubeconfig has no user that runs kubelogin or uses the azure auth-provider: expected the user kubeconfig of an Entra ID cluster",
            ],
            [
                DEVICE_CODE.replace(/ {6}- --server-id\n {6}- \S+\n/, ""),
                'kubeconfig user "clusterUser_aks-dev" has no --server-id (apiserver-id): kubelogin needs it for every login mode',
            ],
        ];
        for (const [source, message] of cases) {
            assert.throws(
                () => toNonInteractiveKubeconfig(source, "azurecli"),
                (e: Error) => e.message.startsWith(message),
            );
        }
        assert.throws(
            () => toNonInteractiveKubeconfig(DEVICE_CODE.replace(/ {6}- --tenant-id\n {6}- \S+\n/, ""), "spn"),
            (e: Error) => e.message === `kubeconfig user "clusterUser_aks-dev" has no --tenant-id: kubelogin's spn mode needs it`,
        );
    });
});

describe("kubeconfig: kubeconfigAccess", () => {
    it("reads server, CA and the exec command of the current context", () => {
        const access = kubeconfigAccess(toNonInteractiveKubeconfig(DEVICE_CODE, "azurecli"));
        assert.strictEqual(access.server, `https://${FQDN}:443`);
        assert.ok(access.certificateAuthorityData?.startsWith("LS0t"));
        assert.strictEqual(access.command, "kubelogin");
        assert.deepStrictEqual(access.args, ["get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_APP_ID]);
        assert.deepStrictEqual(access.env, {});
    });

    it("fails on a context without an exec plugin", () => {
        assert.throws(
            () => kubeconfigAccess(legacyKubeconfig("1")),
            (e: Error) => e.message === "kubeconfig's current context has no cluster server or no exec credential plugin",
        );
    });
});
