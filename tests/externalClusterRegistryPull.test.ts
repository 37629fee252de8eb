import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { ExternalClusterRegistryPull, ExternalClusterRegistryPullArgs } from "../components/externalClusterRegistryPull";
import { invalidArgumentsMessage } from "../components/argumentProblems";
import { BUILT_IN_ROLES } from "../components/roles";
import { durationSeconds } from "../components/registryPullManifests";
import { ESO_SCHEMAS, schemaProblems } from "./crdSchema";
import { FAKE, one, ofType, Recorded, runUnderMocks, valueOf } from "./harness";
import { TYPES } from "./resourceTypes";

/** An EKS issuer as AWS publishes it (no trailing slash), used verbatim. */
export const EKS_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E";
const REGISTRY_ID = `/subscriptions/${FAKE.subscriptionId}/resourceGroups/rg-geo/providers/Microsoft.ContainerRegistry/registries/contosogeo`;
const LOGIN_SERVER = "contosogeo.azurecr.io";
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n";

const EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret";
const CLUSTER_GENERATOR = "kubernetes:generators.external-secrets.io/v1alpha1:ClusterGenerator";

function build(overrides: Partial<ExternalClusterRegistryPullArgs> = {}) {
    const provider = new k8s.Provider("eks", { kubeconfig: KUBECONFIG });
    return new ExternalClusterRegistryPull("eks-prod", {
        issuerUrl: EKS_ISSUER,
        kubernetesProvider: provider,
        registry: { resourceId: REGISTRY_ID, loginServer: LOGIN_SERVER },
        namespaces: ["shop", "payments"],
        tenantId: FAKE.tenantId,
        resourceGroupName: "rg-geo",
        location: "westeurope",
        ...overrides,
    });
}

/** Expects the component to refuse these args with exactly these problems, in one error that names it. */
async function rejects(overrides: Partial<ExternalClusterRegistryPullArgs>, ...problems: string[]): Promise<void> {
    await assert.rejects(runUnderMocks(() => build(overrides)), (e: Error) => {
        assert.strictEqual(e.message, invalidArgumentsMessage("ExternalClusterRegistryPull", "eks-prod", problems));
        return true;
    });
}

/** A CustomResource as the API server would receive it. */
const manifest = (r: Recorded) => ({ apiVersion: r.inputs.apiVersion, kind: r.inputs.kind, metadata: r.inputs.metadata, spec: r.inputs.spec });

describe("ExternalClusterRegistryPull: Azure side", () => {
    it("trusts each namespace's puller service account through the EKS issuer, character for character", async () => {
        const { resources } = await runUnderMocks(() => build());
        const credentials = ofType(resources, TYPES.identityFederatedCredential);
        assert.deepStrictEqual(
            credentials.map((c) => [c.inputs.issuer, c.inputs.subject, c.inputs.audiences]),
            [
                [EKS_ISSUER, "system:serviceaccount:shop:acr-pull-token", ["api://AzureADTokenExchange"]],
                [EKS_ISSUER, "system:serviceaccount:payments:acr-pull-token", ["api://AzureADTokenExchange"]],
            ],
        );
        const identity = one(resources, TYPES.userAssignedIdentity);
        // The identity's name output, not a copy of the string: the credentials wait for the identity.
        assert.deepStrictEqual(
            credentials.map((c) => [c.inputs.resourceName, c.propertyDependencies.resourceName]),
            credentials.map(() => [identity.state.name, [identity.urn]]),
        );
        // Written one after the other: Azure refuses concurrent credential writes on one identity.
        assert.ok(credentials[1].dependencies.includes(credentials[0].urn));
    });

    it("grants AcrPull on the registry only, to the identity, with no condition", async () => {
        const { resources } = await runUnderMocks(() => build());
        const roles = ofType(resources, TYPES.roleAssignment);
        assert.strictEqual(roles.length, 1);
        const identity = one(resources, TYPES.userAssignedIdentity);
        assert.strictEqual(roles[0].inputs.scope, REGISTRY_ID);
        assert.strictEqual(roles[0].inputs.roleDefinitionId, `/subscriptions/${FAKE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.AcrPull}`);
        assert.strictEqual(roles[0].inputs.principalId, identity.state.principalId);
        assert.strictEqual(roles[0].inputs.principalType, "ServicePrincipal");
        assert.strictEqual(roles[0].inputs.condition, undefined);
    });

    it("grants Container Registry Repository Reader on an ABAC registry, limited to the prefixes by a 2.0 condition", async () => {
        const { resources } = await runUnderMocks(() =>
            build({ registry: { resourceId: REGISTRY_ID, loginServer: LOGIN_SERVER, abacRepositoryPermissions: true }, repositoryPrefixes: ["shop", "payments/api"] }),
        );
        const [role] = ofType(resources, TYPES.roleAssignment);
        assert.strictEqual(role.inputs.roleDefinitionId.split("/").pop(), "b93aa761-3e63-49ed-ac28-beffa264f7ac");
        assert.strictEqual(role.inputs.scope, REGISTRY_ID);
        assert.strictEqual(role.inputs.conditionVersion, "2.0");
        assert.strictEqual(
            role.inputs.condition,
            [
                "(",
                " (",
                "  !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})",
                "  AND",
                "  !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})",
                " )",
                " OR",
                " (",
                "  @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'shop/'",
                "  OR",
                "  @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'payments/api/'",
                " )",
                ")",
            ].join("\n"),
        );
    });

    it("adds the Catalog Lister on the registry only when asked", async () => {
        const abac = { resourceId: REGISTRY_ID, loginServer: LOGIN_SERVER, abacRepositoryPermissions: true };
        const without = await runUnderMocks(() => build({ registry: abac }));
        assert.strictEqual(ofType(without.resources, TYPES.roleAssignment).length, 1);
        const { resources } = await runUnderMocks(() => build({ registry: abac, catalogLister: true }));
        const roles = ofType(resources, TYPES.roleAssignment)
            .map((r) => [r.inputs.roleDefinitionId.split("/").pop(), r.inputs.scope, r.inputs.condition])
            .sort((a, b) => (a[0] === BUILT_IN_ROLES["Container Registry Repository Reader"] ? -1 : b[0] === BUILT_IN_ROLES["Container Registry Repository Reader"] ? 1 : 0));
        assert.deepStrictEqual(roles, [
            [BUILT_IN_ROLES["Container Registry Repository Reader"], REGISTRY_ID, undefined],
            ["bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7", REGISTRY_ID, undefined],
        ]);
    });
});

describe("ExternalClusterRegistryPull: cluster side", () => {
    it("writes a ClusterGenerator that validates against ESO's CRD schema and names the puller", async () => {
        const { resources } = await runUnderMocks(() => build());
        const generator = one(resources, CLUSTER_GENERATOR);
        assert.deepStrictEqual(schemaProblems(ESO_SCHEMAS.ClusterGenerator, manifest(generator)), []);
        assert.deepStrictEqual(generator.inputs.spec, {
            kind: "ACRAccessToken",
            generator: {
                acrAccessTokenSpec: {
                    registry: LOGIN_SERVER,
                    tenantId: FAKE.tenantId,
                    environmentType: "PublicCloud",
                    auth: { workloadIdentity: { serviceAccountRef: { name: "acr-pull-token" } } },
                },
            },
        });
    });

    it("writes per namespace an ExternalSecret that validates, refreshes within an hour and targets a dockerconfigjson secret", async () => {
        const { resources } = await runUnderMocks(() => build());
        const secrets = ofType(resources, EXTERNAL_SECRET);
        assert.deepStrictEqual(secrets.map((s) => s.inputs.metadata.namespace), ["shop", "payments"]);
        for (const s of secrets) {
            assert.deepStrictEqual(schemaProblems(ESO_SCHEMAS.ExternalSecret, manifest(s)), []);
            assert.ok(durationSeconds(s.inputs.spec.refreshInterval)! <= 3600, s.inputs.spec.refreshInterval);
            assert.strictEqual(s.inputs.spec.refreshInterval, "30m");
            assert.strictEqual(s.inputs.spec.target.name, "acr-pull");
            assert.strictEqual(s.inputs.spec.target.template.type, "kubernetes.io/dockerconfigjson");
            assert.deepStrictEqual(s.inputs.spec.dataFrom, [
                { sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "ClusterGenerator", name: "eks-prod-acr" } } },
            ]);
            const rendered = s.inputs.spec.target.template.data[".dockerconfigjson"].replace("{{ .username }}", "u").replace("{{ .password }}", "p");
            assert.deepStrictEqual(JSON.parse(rendered), { auths: { [LOGIN_SERVER]: { username: "u", password: "p" } } });
        }
    });

    it("annotates each puller service account with the identity's client id and the tenant", async () => {
        const { resources } = await runUnderMocks(() => build());
        const identity = one(resources, TYPES.userAssignedIdentity);
        const accounts = ofType(resources, TYPES.serviceAccount);
        assert.deepStrictEqual(
            accounts.map((a) => [a.inputs.metadata.namespace, a.inputs.metadata.name, a.inputs.metadata.annotations]),
            ["shop", "payments"].map((ns) => [
                ns,
                "acr-pull-token",
                { "azure.workload.identity/client-id": identity.state.clientId, "azure.workload.identity/tenant-id": FAKE.tenantId },
            ]),
        );
    });

    it("creates each ExternalSecret after the credentials, the role, the service account and the generator", async () => {
        const { resources } = await runUnderMocks(() => build());
        const [first] = ofType(resources, EXTERNAL_SECRET);
        const must = [
            ...ofType(resources, TYPES.identityFederatedCredential),
            ...ofType(resources, TYPES.roleAssignment),
            one(resources, CLUSTER_GENERATOR),
            ofType(resources, TYPES.serviceAccount).find((a) => a.inputs.metadata.namespace === "shop")!,
        ];
        for (const r of must) {
            assert.ok(first.dependencies.includes(r.urn), `${r.name} is not a dependency`);
        }
    });

    it("patches nothing, installs nothing and creates no namespace by default; each when asked", async () => {
        const plain = await runUnderMocks(() => build());
        for (const type of ["kubernetes:core/v1:ServiceAccountPatch", "kubernetes:helm.sh/v3:Release", TYPES.namespace]) {
            assert.strictEqual(ofType(plain.resources, type).length, 0, type);
        }
        const { resources } = await runUnderMocks(() => build({ patchDefaultServiceAccount: true, installExternalSecrets: true, createNamespaces: true }));
        const patches = ofType(resources, "kubernetes:core/v1:ServiceAccountPatch");
        assert.deepStrictEqual(
            patches.map((p) => [p.inputs.metadata.name, p.inputs.metadata.namespace, p.inputs.imagePullSecrets]),
            [
                ["default", "shop", [{ name: "acr-pull" }]],
                ["default", "payments", [{ name: "acr-pull" }]],
            ],
        );
        const release = one(resources, "kubernetes:helm.sh/v3:Release");
        assert.deepStrictEqual([release.inputs.chart, release.inputs.version, release.inputs.repositoryOpts.repo], ["external-secrets", "2.0.0", "https://charts.external-secrets.io"]);
        assert.ok(one(resources, CLUSTER_GENERATOR).dependencies.includes(release.urn));
        assert.deepStrictEqual(ofType(resources, TYPES.namespace).map((n) => n.inputs.metadata.name), ["shop", "payments"]);
    });

    it("outputs the subjects, the secret name and the refresh interval", async () => {
        const { value } = await runUnderMocks(() => build({ refreshInterval: "1h" }));
        assert.deepStrictEqual(await valueOf(value.subjects), ["system:serviceaccount:shop:acr-pull-token", "system:serviceaccount:payments:acr-pull-token"]);
        assert.strictEqual(await valueOf(value.secretName), "acr-pull");
        assert.strictEqual(await valueOf(value.refreshInterval), "1h");
    });
});

describe("ExternalClusterRegistryPull: argument rules", () => {
    it("refuses an issuer that is not https", () =>
        rejects(
            { issuerUrl: "http://oidc.example.com" },
            `issuerUrl is "http://oidc.example.com": must be the cluster's OIDC issuer URL exactly as the cluster reports it: https://..., no whitespace, at most 600 characters`,
        ));
    it("refuses a refresh interval over an hour", () =>
        rejects(
            { refreshInterval: "3h" },
            'refreshInterval is "3h": must be from 1m to 1h: the ACR refresh token in the secret lives 3 hours, and a refresh every hour or more often keeps a valid one in place even when a refresh fails',
        ));
    it("refuses a refresh interval that is not a duration", () =>
        rejects({ refreshInterval: "hourly" }, 'refreshInterval is "hourly": must be a duration such as "30m" or "1h" (hours, minutes, seconds: "1h", "45m", "1h30m")'));
    it("refuses a namespace listed twice", () => rejects({ namespaces: ["shop", "shop"] }, 'namespaces[1] is "shop": is listed twice'));
    it("refuses a namespace that is not an RFC 1123 label", () =>
        rejects({ namespaces: ["Shop"] }, 'namespaces[0] is "Shop": must be an RFC 1123 label: 1 to 63 lower-case letters, digits or \'-\', starting and ending with a letter or digit'));
    it("refuses no namespace", () =>
        rejects({ namespaces: [] }, "namespaces is []: must list 1 to 20 namespaces: each needs its own federated credential, and Entra ID allows 20 per identity"));
    it("refuses repository prefixes on a registry that is not in ABAC mode", () =>
        rejects(
            { repositoryPrefixes: ["shop"] },
            'repositoryPrefixes is ["shop"]: needs registry.abacRepositoryPermissions true: only a registry in RBAC Registry + ABAC Repository Permissions mode honours repository conditions and the catalog role',
        ));
    it("reports every problem at once, before any resource is registered", async () => {
        await rejects(
            { namespaces: ["shop", "shop"], refreshInterval: "2h", catalogLister: true },
            'namespaces[1] is "shop": is listed twice',
            'refreshInterval is "2h": must be from 1m to 1h: the ACR refresh token in the secret lives 3 hours, and a refresh every hour or more often keeps a valid one in place even when a refresh fails',
            "catalogLister is true: needs registry.abacRepositoryPermissions true: only a registry in RBAC Registry + ABAC Repository Permissions mode honours repository conditions and the catalog role",
        );
        let registered = 0;
        await runUnderMocks(() => {
            try {
                build({ refreshInterval: "2h" });
            } catch {
                // expected
            }
        }).then((run) => (registered = run.resources.filter((r) => r.custom).length));
        assert.strictEqual(registered, 1, "only the test's own Kubernetes provider is registered");
    });
    it("refuses a prefix with a trailing slash", () =>
        rejects(
            { registry: { resourceId: REGISTRY_ID, loginServer: LOGIN_SERVER, abacRepositoryPermissions: true }, repositoryPrefixes: ["shop/"] },
            `repositoryPrefixes[0] is "shop/": must be a repository path such as "team" or "team/app": lower-case letters, digits, '.', '_' or '-' between '/'-separated parts, no leading or trailing '/' (the condition adds the '/' itself)`,
        ));
});

describe("ESO CRD schema extract", () => {
    it("refuses a misspelt field, a wrong enum value and a missing required field", () => {
        const bad = {
            apiVersion: "external-secrets.io/v1",
            kind: "ExternalSecret",
            metadata: { name: "x" },
            spec: { refreshIntreval: "1h", target: { template: { engineVersion: "v1" } }, dataFrom: [{ sourceRef: { generatorRef: { kind: "ClusterGenerator" } } }] },
        };
        assert.deepStrictEqual(schemaProblems(ESO_SCHEMAS.ExternalSecret, bad), [
            ".spec.refreshIntreval: unknown field",
            '.spec.target.template.engineVersion: "v1" is not one of v2',
            ".spec.dataFrom[0].sourceRef.generatorRef.name: required",
        ]);
    });
});
