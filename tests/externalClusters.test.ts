import * as assert from "assert";
import * as path from "path";
import { main, Plan, planStack, readSecretKeys, readStackConfig } from "../commands/plan/main";
import { renderMarkdown } from "../commands/plan/render";
import { buildTrustMap, describeCondition, ResourceRecord, TYPES as TRUST_TYPES } from "../commands/plan/trustMap";
import { BUILT_IN_ROLES } from "../components/roles";
import { durationSeconds, repositoryPrefixCondition } from "../components/registryPullManifests";
import { ConfigError, parseStackConfig, RawConfig, rawConfigFromMap } from "../stack/config";
import { kubeconfigSecretProblem } from "../stack/externalClusters";
import { readExternalKubeconfigs } from "../stack/loadConfig";
import { ESO_SCHEMAS, schemaProblems } from "./crdSchema";
import { rejectionMessage, runUnderMocks, valueOf } from "./harness";
import { TYPES } from "./resourceTypes";

const EKS_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E";
const FIXTURES = path.join(__dirname, "fixtures", "external");
const KEY = "credless-aks:externalClusters";

function raw(externalClusters: unknown, registry: Record<string, unknown> = { namePrefix: "contosogeo" }): RawConfig {
    return { stack: "dev", location: "westeurope", github: { repository: "contoso/geofencing" }, registry, externalClusters };
}

const eks = (overrides: Record<string, unknown> = {}) => ({ name: "eks-shop", issuerUrl: EKS_ISSUER, namespaces: ["shop"], kubeconfigSecret: "eksShopKubeconfig", ...overrides });

function problems(config: RawConfig): string[] {
    try {
        parseStackConfig(config);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

describe("config: externalClusters", () => {
    it("reads an EKS cluster, keeping the issuer exactly as given, with the defaults", () => {
        const c = parseStackConfig(raw([eks({ issuerUrl: `${EKS_ISSUER}/` })]));
        assert.deepStrictEqual(c.externalClusters, [
            {
                name: "eks-shop",
                issuerUrl: `${EKS_ISSUER}/`,
                namespaces: ["shop"],
                kubeconfigSecret: "eksShopKubeconfig",
                refreshInterval: "30m",
                repositoryPrefixes: [],
                catalogLister: false,
                patchDefaultServiceAccount: false,
                installExternalSecrets: false,
            },
        ]);
    });

    it("defaults to none", () => {
        assert.deepStrictEqual(parseStackConfig(raw(undefined)).externalClusters, []);
    });

    const cases: [string, unknown, Record<string, unknown> | undefined, string[]][] = [
        [
            "an issuer that is not https",
            [eks({ issuerUrl: "http://oidc.example.com/x" })],
            undefined,
            [`${KEY}[0].issuerUrl is "http://oidc.example.com/x": must be the cluster's OIDC issuer URL exactly as the cluster reports it: https://..., no whitespace, at most 600 characters`],
        ],
        [
            "an issuer with a trailing space",
            [eks({ issuerUrl: `${EKS_ISSUER} ` })],
            undefined,
            [`${KEY}[0].issuerUrl is "${EKS_ISSUER} ": must be the cluster's OIDC issuer URL exactly as the cluster reports it: https://..., no whitespace, at most 600 characters`],
        ],
        [
            "a namespace that is not an RFC 1123 label",
            [eks({ namespaces: ["Shop_1"] })],
            undefined,
            [
                `${KEY}[0].namespaces[0] is "Shop_1": must be an RFC 1123 label: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit`,
            ],
        ],
        ["a namespace listed twice", [eks({ namespaces: ["shop", "shop"] })], undefined, [`${KEY}[0].namespaces[1] is "shop": is listed twice`]],
        ["no namespace", [eks({ namespaces: [] })], undefined, [`${KEY}[0].namespaces is []: list the namespaces whose pods pull from the registry`]],
        [
            "two clusters with one name",
            [eks(), eks({ kubeconfigSecret: "other" })],
            undefined,
            [`${KEY}[1].name is "eks-shop": duplicates ${KEY}[0].name; external cluster names must be unique`],
        ],
        [
            "two clusters with one kubeconfig",
            [eks(), eks({ name: "gke-shop" })],
            undefined,
            [`${KEY}[1].kubeconfigSecret is "eksShopKubeconfig": is also ${KEY}[0].kubeconfigSecret; each cluster needs its own kubeconfig`],
        ],
        [
            "a kubeconfig key with the namespace prefix",
            [eks({ kubeconfigSecret: "credless-aks:eksShopKubeconfig" })],
            undefined,
            [
                `${KEY}[0].kubeconfigSecret is "credless-aks:eksShopKubeconfig": must be a config key name in the credless-aks namespace, without the "credless-aks:" prefix: a letter, then letters, digits, '-' or '_' (at most 100)`,
            ],
        ],
        [
            "a kubeconfig key that is one of the stack's settings",
            [eks({ kubeconfigSecret: "cluster" })],
            undefined,
            [
                `${KEY}[0].kubeconfigSecret is "cluster": is one of the stack's own settings (environment, resourceGroup, github, cluster, registry, workloads, externalClusters); name a key of its own, such as "clusterKubeconfig"`,
            ],
        ],
        [
            "a refresh interval longer than an hour",
            [eks({ refreshInterval: "30h" })],
            undefined,
            [
                `${KEY}[0].refreshInterval is "30h": must be from 1m to 1h: the ACR refresh token in the secret lives 3 hours, and a refresh every hour or more often keeps a valid one in place even when a refresh fails`,
            ],
        ],
        [
            "repository prefixes on an RBAC-mode registry",
            [eks({ repositoryPrefixes: ["shop"] })],
            undefined,
            [`${KEY}[0].repositoryPrefixes is ["shop"]: needs credless-aks:registry.permissionsMode "abac": only an ABAC-mode registry honours repository conditions`],
        ],
        [
            "the Catalog Lister on an RBAC-mode registry",
            [eks({ catalogLister: true })],
            undefined,
            [`${KEY}[0].catalogLister is true: needs credless-aks:registry.permissionsMode "abac": the Catalog Lister role exists for ABAC-mode registries`],
        ],
        [
            "an unknown key and a missing issuer",
            [{ name: "eks-shop", namespaces: ["shop"], kubeconfigSecret: "k", kubeconfig: "inline" }],
            undefined,
            [
                `${KEY}[0].kubeconfig is not a known key: expected one of name, issuerUrl, namespaces, kubeconfigSecret, refreshInterval, repositoryPrefixes, catalogLister, patchDefaultServiceAccount, installExternalSecrets`,
                `${KEY}[0].issuerUrl is missing: it is required`,
            ],
        ],
    ];
    for (const [what, clusters, registry, expected] of cases) {
        it(`refuses ${what}`, () => {
            assert.deepStrictEqual(problems(raw(clusters, registry)), expected);
        });
    }

    it("lets the kubeconfig keys the clusters name through the unknown-key check, and nothing else", () => {
        const raw = rawConfigFromMap("dev", {
            "credless-aks:externalClusters": JSON.stringify([eks()]),
            "credless-aks:eksShopKubeconfig": "not read here",
            "credless-aks:eksShopKubeconfg": "a typo",
        });
        assert.deepStrictEqual(raw.externalClusters, [eks()]);
        assert.strictEqual(raw.readProblems?.length, 1);
        assert.ok(raw.readProblems![0].startsWith("credless-aks:eksShopKubeconfg is not a known key"), raw.readProblems![0]);
    });

    it("accepts prefixes and the Catalog Lister on an ABAC-mode registry", () => {
        const c = parseStackConfig(raw([eks({ repositoryPrefixes: ["shop"], catalogLister: true })], { namePrefix: "contosogeo", permissionsMode: "abac" }));
        assert.deepStrictEqual([c.externalClusters[0].repositoryPrefixes, c.externalClusters[0].catalogLister], [["shop"], true]);
    });
});

describe("config: an external cluster's kubeconfig secret", () => {
    const EXEC_KUBECONFIG = [
        "apiVersion: v1",
        "kind: Config",
        "users:",
        "  - name: eks",
        "    user:",
        "      exec:",
        "        apiVersion: client.authentication.k8s.io/v1beta1",
        "        command: aws",
        "        args: [eks, get-token, --cluster-name, shop]",
    ].join("\n");

    it("names each problem and its fix", () => {
        const cluster = `${KEY}[0]`;
        assert.strictEqual(
            kubeconfigSecretProblem("eksShopKubeconfig", cluster, undefined, false),
            `credless-aks:eksShopKubeconfig is not set: ${cluster}.kubeconfigSecret names it; set it with pulumi config set --secret credless-aks:eksShopKubeconfig < <kubeconfig file>`,
        );
        assert.strictEqual(
            kubeconfigSecretProblem("eksShopKubeconfig", cluster, EXEC_KUBECONFIG, false),
            "credless-aks:eksShopKubeconfig is set in plain text in the stack's config, where anyone who can read the file can use it: remove it (pulumi config rm credless-aks:eksShopKubeconfig) and set it again with pulumi config set --secret credless-aks:eksShopKubeconfig < <kubeconfig file>",
        );
        assert.strictEqual(
            kubeconfigSecretProblem("eksShopKubeconfig", cluster, "users:\n  - name: x\n    user:\n      token: abc\n", true),
            "credless-aks:eksShopKubeconfig holds a static credential (users[0].user.token): use a kubeconfig whose user runs an exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin), so that no long-lived credential is stored",
        );
        assert.strictEqual(kubeconfigSecretProblem("eksShopKubeconfig", cluster, EXEC_KUBECONFIG, true), undefined);
    });

    const config = { "azure-native:location": "westeurope" };
    const stackConfig = () => parseStackConfig(raw([eks()]));

    it("refuses the kubeconfig in plain text, as github:token is", async () => {
        const message = await rejectionMessage(
            () => runUnderMocks(() => readExternalKubeconfigs(stackConfig()), { config: { ...config, "credless-aks:eksShopKubeconfig": EXEC_KUBECONFIG }, preview: true }),
            "readExternalKubeconfigs",
        );
        assert.match(message, /^invalid configuration \(1 problem\):\n {2}- credless-aks:eksShopKubeconfig is set in plain text/);
    });

    it("reads the kubeconfig set with --secret, and keeps it secret", async () => {
        const { value } = await runUnderMocks(() => readExternalKubeconfigs(stackConfig()), {
            config: { ...config, "credless-aks:eksShopKubeconfig": EXEC_KUBECONFIG },
            secretKeys: ["credless-aks:eksShopKubeconfig"],
            preview: true,
        });
        assert.strictEqual(await valueOf(value["eks-shop"]), EXEC_KUBECONFIG);
        assert.strictEqual(await (value["eks-shop"] as unknown as { isSecret: Promise<boolean> }).isSecret, true);
    });
});

describe("plan: a stack with an EKS cluster (tests/fixtures/external/Pulumi.eks.yaml)", function () {
    this.timeout(60000);
    let plan: Plan;
    before(async () => {
        plan = await planStack("eks", readStackConfig("eks", FIXTURES), undefined, undefined, "stack", readSecretKeys("eks", FIXTURES));
    });
    const ofType = (type: string) => plan.resources.filter((r) => r.type === type);

    it("marks the kubeconfig key secret, as Pulumi does for a secure value", () => {
        assert.deepStrictEqual(readSecretKeys("eks", FIXTURES), ["credless-aks:eksShopKubeconfig"]);
    });

    it("trusts the EKS issuer exactly as configured, for each namespace's puller", () => {
        const credentials = ofType(TYPES.identityFederatedCredential).filter((c) => c.name.startsWith("external-eks-shop"));
        assert.deepStrictEqual(
            credentials.map((c) => [c.inputs.issuer, c.inputs.subject, c.inputs.audiences]),
            [
                [EKS_ISSUER, "system:serviceaccount:shop:acr-pull-token", ["api://AzureADTokenExchange"]],
                [EKS_ISSUER, "system:serviceaccount:payments:acr-pull-token", ["api://AzureADTokenExchange"]],
            ],
        );
    });

    it("grants Container Registry Repository Reader on the stack's registry, limited to shop/", () => {
        const registry = ofType(TYPES.registry)[0];
        const [role] = ofType(TYPES.roleAssignment).filter((r) => r.name === "external-eks-shop-role-pull");
        assert.strictEqual(role.inputs.scope, registry.id);
        assert.strictEqual(role.inputs.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES["Container Registry Repository Reader"]);
        assert.strictEqual(role.inputs.conditionVersion, "2.0");
        assert.match(role.inputs.condition, /@Request\[Microsoft\.ContainerRegistry\/registries\/repositories:name\] StringStartsWithIgnoreCase 'shop\/'/);
    });

    it("writes ESO manifests that validate, with the configured refresh interval", () => {
        const [generator] = ofType("kubernetes:generators.external-secrets.io/v1alpha1:ClusterGenerator");
        const asManifest = (r: Plan["resources"][number]) => ({ apiVersion: r.inputs.apiVersion, kind: r.inputs.kind, metadata: r.inputs.metadata, spec: r.inputs.spec });
        assert.deepStrictEqual(schemaProblems(ESO_SCHEMAS.ClusterGenerator, asManifest(generator)), []);
        const secrets = ofType("kubernetes:external-secrets.io/v1:ExternalSecret");
        assert.strictEqual(secrets.length, 2);
        for (const s of secrets) {
            assert.deepStrictEqual(schemaProblems(ESO_SCHEMAS.ExternalSecret, asManifest(s)), []);
            assert.strictEqual(s.inputs.spec.refreshInterval, "45m");
            assert.ok(durationSeconds(s.inputs.spec.refreshInterval)! <= 3600);
            assert.deepStrictEqual([s.inputs.spec.target.name, s.inputs.spec.target.template.type], ["acr-pull", "kubernetes.io/dockerconfigjson"]);
        }
    });

    it("shows the chain in the trust map: service account -> managed identity -> pull right, and the refresh interval", () => {
        const identity = plan.trustMap.identities.find((i) => i.name === 'managed identity "id-pull-eks-shop-dev"')!;
        assert.deepStrictEqual(
            identity.obtainedBy.map((o) => o.label),
            ["shop", "payments"].map((ns) => `Kubernetes system:serviceaccount:${ns}:acr-pull-token via issuer ${EKS_ISSUER}`),
        );
        assert.deepStrictEqual(
            identity.grants.map((g) => g.role),
            ["Container Registry Repository Reader"],
        );
        assert.deepStrictEqual(
            (identity.pullSecrets ?? []).map((p) => [p.namespace, p.secretName, p.refreshInterval]),
            [
                ["shop", "acr-pull", "45m"],
                ["payments", "acr-pull", "45m"],
            ],
        );
    });

    it("prints the issuer, the condition and the refresh interval in the text plan", async () => {
        let out = "";
        const code = await main(["eks"], { root: FIXTURES, stdout: (t) => (out += t), stderr: (t) => (out += t) });
        assert.strictEqual(code, 0);
        assert.ok(out.includes(`obtained by: Kubernetes system:serviceaccount:shop:acr-pull-token via issuer ${EKS_ISSUER}\n`), out);
        assert.match(out, /may: Container Registry Repository Reader on registry "contosogeo[a-z0-9]{13}" \(only repositories starting with "shop\/"\)\n/);
        assert.match(out, /refreshes: pull secret "acr-pull" in namespace "payments" for contosogeo[a-z0-9]{13}\.azurecr\.io, every 45m\n/);
    });
});

describe("trust map: pull secrets of external clusters", () => {
    const r = (type: string, name: string, inputs: Record<string, any>, state: Record<string, any> = {}, provider = ""): ResourceRecord => ({
        type,
        name,
        urn: name,
        id: "",
        inputs,
        state,
        provider,
    });
    const generator = (provider: string) =>
        r(
            TRUST_TYPES.clusterGenerator,
            `gen-${provider}`,
            { metadata: { name: "pull" }, spec: { kind: "ACRAccessToken", generator: { acrAccessTokenSpec: { registry: "c.azurecr.io", auth: { workloadIdentity: { serviceAccountRef: { name: "acr-pull-token" } } } } } } },
            {},
            provider,
        );
    const account = (provider: string, clientId: string) =>
        r(TRUST_TYPES.serviceAccount, `sa-${provider}`, { metadata: { name: "acr-pull-token", namespace: "shop", annotations: { "azure.workload.identity/client-id": clientId } } }, {}, provider);
    const externalSecret = (provider: string, interval: string) =>
        r(
            TRUST_TYPES.externalSecret,
            `es-${provider}`,
            {
                metadata: { name: "acr-pull", namespace: "shop" },
                spec: { refreshInterval: interval, target: { name: "acr-pull" }, dataFrom: [{ sourceRef: { generatorRef: { kind: "ClusterGenerator", name: "pull" } } }] },
            },
            {},
            provider,
        );
    const identity = (name: string, clientId: string) => r(TRUST_TYPES.managedIdentity, name, { resourceName: name, resourceGroupName: "rg" }, { name, principalId: `p-${name}`, clientId });

    it("links each ExternalSecret to the identity its own cluster's puller names, not a look-alike on another cluster", () => {
        const map = buildTrustMap([
            identity("id-eks", "c-eks"),
            identity("id-gke", "c-gke"),
            generator("eks"),
            generator("gke"),
            account("eks", "c-eks"),
            account("gke", "c-gke"),
            externalSecret("eks", "30m"),
            externalSecret("gke", "1h"),
        ]);
        const secrets = (name: string) => map.identities.find((i) => i.name === `managed identity "${name}"`)!.pullSecrets;
        assert.deepStrictEqual(secrets("id-eks"), [{ namespace: "shop", secretName: "acr-pull", registry: "c.azurecr.io", refreshInterval: "30m", externalSecret: "es-eks" }]);
        assert.deepStrictEqual(secrets("id-gke"), [{ namespace: "shop", secretName: "acr-pull", registry: "c.azurecr.io", refreshInterval: "1h", externalSecret: "es-gke" }]);
    });

    it("describes a condition by its repository prefixes, or says there is one", () => {
        assert.strictEqual(describeCondition(repositoryPrefixCondition(["shop", "a/b"])), 'only repositories starting with "shop/", "a/b/"');
        assert.strictEqual(describeCondition("@Resource[x] StringEquals 'y'"), "limited by an ABAC condition");
    });
});

describe("plan: the EKS fixture's invariants", function () {
    this.timeout(60000);
    it("lists every role assignment and federated credential once, and draws a well-formed Mermaid chart", async () => {
        const plan = await planStack("eks", readStackConfig("eks", FIXTURES), undefined, undefined, "stack", readSecretKeys("eks", FIXTURES));
        const grants = plan.trustMap.identities.flatMap((i) => i.grants.map((g) => g.assignment)).sort();
        assert.deepStrictEqual(grants, plan.resources.filter((x) => x.type === TYPES.roleAssignment).map((x) => x.name).sort());
        const credentials = plan.trustMap.identities.flatMap((i) => i.obtainedBy.map((o) => o.credential).filter((c) => c !== undefined)).sort();
        assert.deepStrictEqual(credentials, plan.resources.filter((x) => x.type.endsWith("FederatedIdentityCredential")).map((x) => x.name).sort());
        const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(renderMarkdown(plan))![1].split("\n");
        assert.strictEqual(mermaid[0], "flowchart LR");
        for (const line of mermaid.slice(1)) {
            assert.match(line, /^ {4}(n\d+)(\["[^"]*"\]|\("[^"]*"\)|\(\["[^"]*"\]\))$|^ {4}n\d+ (?:-->|-\.->)\|(?:"[^"]+"|[a-z ]+)\| n\d+$/);
        }
    });
});
