import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as k8s from "@pulumi/kubernetes";
import {
    WorkloadIdentityServiceAccount,
    WorkloadIdentityServiceAccountArgs,
} from "../components/workloadIdentityServiceAccount";
import { FAKE, fakeIssuerUrl, one, ofType, Recorded, RunResult, runUnderMocks, valueOf } from "./harness";
import { TYPES } from "./resourceTypes";

const RG_SCOPE = `/subscriptions/${FAKE.subscriptionId}/resourceGroups/rg-geo`;
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n";

/** A cluster registered under mocks, so the issuer is a real Output of another resource. */
function cluster(name: string): { resource: containerservice.ManagedCluster; issuerUrl: pulumi.Output<string> } {
    const resource = new containerservice.ManagedCluster(name, {
        resourceGroupName: "rg-geo",
        resourceName: name,
        location: "westeurope",
        oidcIssuerProfile: { enabled: true },
    });
    return { resource, issuerUrl: resource.oidcIssuerProfile.apply((p) => p!.issuerURL!) };
}

interface Built {
    component: WorkloadIdentityServiceAccount;
    provider: k8s.Provider;
    clusterUrn: pulumi.Output<string>;
}

function build(overrides: Partial<WorkloadIdentityServiceAccountArgs> = {}, name = "geofencing-api"): Built {
    const c = cluster("aks-geo");
    const provider = new k8s.Provider("test", { kubeconfig: KUBECONFIG });
    const component = new WorkloadIdentityServiceAccount(name, {
        namespace: "geofencing",
        serviceAccountName: "geofencing-api",
        issuerUrl: c.issuerUrl,
        kubernetesProvider: provider,
        resourceGroupName: "rg-geo",
        location: "westeurope",
        tenantId: FAKE.tenantId,
        ...overrides,
    });
    return { component, provider, clusterUrn: c.resource.urn };
}

let defaultRun: Promise<RunResult<Built>> | undefined;
/** The component with default arguments, run once and shared: the tests only read what it recorded. */
const runDefaults = () => (defaultRun ??= runUnderMocks(() => build()));

async function providerRef(provider: k8s.Provider): Promise<string> {
    return `${await valueOf(provider.urn)}::${await valueOf(provider.id)}`;
}

function kubernetesObjects(resources: Recorded[]): Recorded[] {
    return resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom);
}

/** The one error a call with bad arguments fails with: the component, its name and every problem. */
const invalid = (...problems: string[]) => `WorkloadIdentityServiceAccount "geofencing-api" has invalid arguments:\n  - ${problems.join("\n  - ")}`;

/** Expects constructing the component with these args to fail with exactly these problems. */
async function rejects(overrides: Partial<WorkloadIdentityServiceAccountArgs>, ...problems: string[]): Promise<void> {
    await assert.rejects(
        runUnderMocks(() => build(overrides)),
        (e: Error) => {
            assert.ok(e instanceof pulumi.ResourceError, String(e));
            assert.strictEqual(e.message, invalid(...problems));
            return true;
        },
    );
}

describe("WorkloadIdentityServiceAccount: managed identity (default)", () => {
    it("creates the identity with the given name, resource group, location and tags", async () => {
        const { resources } = await runUnderMocks(() => build({ identityName: "id-geo-dev-api", tags: { env: "dev" } }));
        const mi = one(resources, TYPES.userAssignedIdentity);
        assert.strictEqual(mi.inputs.resourceName, "id-geo-dev-api");
        assert.strictEqual(mi.inputs.resourceGroupName, "rg-geo");
        assert.strictEqual(mi.inputs.location, "westeurope");
        assert.deepStrictEqual(mi.inputs.tags, { env: "dev" });
        assert.strictEqual(ofType(resources, TYPES.application).length, 0);
    });

    it("names the identity id-<component name> by default", async () => {
        const { resources } = await runDefaults();
        assert.strictEqual(one(resources, TYPES.userAssignedIdentity).inputs.resourceName, "id-geofencing-api");
    });

    it("trusts the cluster's issuer output character for character, for the service account's real namespace and name", async () => {
        const { resources, value } = await runDefaults();
        const fic = one(resources, TYPES.identityFederatedCredential);
        const clusterUrn = await valueOf(value.clusterUrn);
        assert.strictEqual(fic.inputs.issuer, fakeIssuerUrl("westeurope", "aks-geo"));
        assert.ok(fic.inputs.issuer.endsWith("/"), "the trailing slash the cluster reports is kept");
        assert.ok(fic.propertyDependencies.issuer.includes(clusterUrn), "issuer comes from the cluster's output");

        const sa = one(resources, TYPES.serviceAccount);
        assert.strictEqual(fic.inputs.subject, `system:serviceaccount:${sa.inputs.metadata.namespace}:${sa.inputs.metadata.name}`);
        assert.strictEqual(fic.inputs.subject, "system:serviceaccount:geofencing:geofencing-api");
        assert.deepStrictEqual(fic.inputs.audiences, ["api://AzureADTokenExchange"]);
        assert.strictEqual(fic.inputs.federatedIdentityCredentialResourceName, "geofencing-geofencing-api");
        assert.strictEqual(fic.inputs.resourceGroupName, "rg-geo");
        assert.strictEqual(fic.deleteBeforeReplace, true);

        const mi = one(resources, TYPES.userAssignedIdentity);
        assert.strictEqual(fic.inputs.resourceName, mi.state.name);
        assert.ok(fic.propertyDependencies.resourceName.includes(mi.urn));
    });

    it("passes an issuer given as text unchanged", async () => {
        const issuer = "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/";
        const { resources } = await runUnderMocks(() => build({ issuerUrl: issuer }));
        assert.strictEqual(one(resources, TYPES.identityFederatedCredential).inputs.issuer, issuer);
    });

    it("annotates the service account with the identity's client id and the tenant id", async () => {
        const { resources } = await runDefaults();
        const mi = one(resources, TYPES.userAssignedIdentity);
        const sa = one(resources, TYPES.serviceAccount);
        assert.strictEqual(sa.inputs.metadata.annotations["azure.workload.identity/client-id"], mi.state.clientId);
        assert.ok(sa.propertyDependencies.metadata.includes(mi.urn), "the client id annotation comes from the identity");
        assert.strictEqual(sa.inputs.metadata.annotations["azure.workload.identity/tenant-id"], FAKE.tenantId);
        assert.strictEqual(sa.inputs.metadata.annotations["azure.workload.identity/service-account-token-expiration"], undefined);
    });

    it("sets the token expiration annotation when asked", async () => {
        const { resources } = await runUnderMocks(() => build({ tokenExpirationSeconds: 7200 }));
        assert.strictEqual(one(resources, TYPES.serviceAccount).inputs.metadata.annotations["azure.workload.identity/service-account-token-expiration"], "7200");
    });

    it("creates the credentials of one identity one after another, each deleted before it is replaced", async () => {
        const green = cluster("aks-geo-green");
        const { resources } = await runUnderMocks(() =>
            build({
                additionalFederations: [
                    { issuerUrl: green.issuerUrl, namespace: "geofencing", serviceAccountName: "geofencing-api", name: "green" },
                    { issuerUrl: green.issuerUrl, namespace: "jobs", serviceAccountName: "geofencing-api" },
                ],
            }),
        );
        const fics = ofType(resources, TYPES.identityFederatedCredential);
        const byName = (n: string) => fics.find((f) => f.inputs.federatedIdentityCredentialResourceName === n)!;
        const [own, second, third] = [byName("geofencing-geofencing-api"), byName("green"), byName("jobs-geofencing-api")];
        assert.strictEqual(fics.length, 3);
        assert.ok(!own.dependencies.some((d) => fics.some((f) => f.urn === d)), "the first credential waits for no other");
        assert.ok(second.dependencies.includes(own.urn), "the second waits for the first");
        assert.ok(third.dependencies.includes(second.urn), "the third waits for the second");
        assert.ok(fics.every((f) => f.deleteBeforeReplace));
        assert.strictEqual(second.inputs.issuer, fakeIssuerUrl("westeurope", "aks-geo-green"));
        assert.strictEqual(second.inputs.subject, "system:serviceaccount:geofencing:geofencing-api");
        assert.strictEqual(third.inputs.subject, "system:serviceaccount:jobs:geofencing-api");
    });

    it("creates every Kubernetes object through the caller's provider", async () => {
        const { resources, value } = await runDefaults();
        const objects = kubernetesObjects(resources);
        assert.deepStrictEqual(objects.map((o) => o.type).sort(), [TYPES.namespace, TYPES.serviceAccount]);
        const ref = await providerRef(value.provider);
        for (const o of objects) {
            assert.strictEqual(o.provider, ref, `${o.type} ${o.name}`);
        }
    });

    it("creates the namespace and labels both objects as managed by pulumi, with the caller's labels", async () => {
        const { resources } = await runUnderMocks(() => build({ labels: { "app.kubernetes.io/part-of": "geofencing" } }));
        const ns = one(resources, TYPES.namespace);
        const sa = one(resources, TYPES.serviceAccount);
        const labels = { "app.kubernetes.io/part-of": "geofencing", "app.kubernetes.io/managed-by": "pulumi" };
        assert.strictEqual(ns.inputs.metadata.name, "geofencing");
        assert.deepStrictEqual(ns.inputs.metadata.labels, labels);
        assert.deepStrictEqual(sa.inputs.metadata.labels, labels);
        assert.ok(sa.propertyDependencies.metadata.includes(ns.urn), "the service account waits for its namespace");
        assert.strictEqual(sa.inputs.metadata.labels["azure.workload.identity/use"], undefined, "the use label belongs on pods");
    });

    it("uses an existing namespace when told to", async () => {
        const { resources } = await runUnderMocks(() => build({ createNamespace: false }));
        assert.strictEqual(ofType(resources, TYPES.namespace).length, 0);
        assert.strictEqual(one(resources, TYPES.serviceAccount).inputs.metadata.namespace, "geofencing");
    });

    it("creates the service account in a namespace created elsewhere, after it exists", async () => {
        const { resources } = await runUnderMocks(() => {
            const shared = new k8s.core.v1.Namespace("shared", { metadata: { name: "geofencing" } });
            return build({ createNamespace: false, namespaceResource: shared });
        });
        const shared = one(resources, TYPES.namespace, "shared");
        const sa = one(resources, TYPES.serviceAccount);
        assert.strictEqual(sa.inputs.metadata.namespace, "geofencing");
        assert.ok(sa.dependencies.includes(shared.urn) || (sa.propertyDependencies.metadata ?? []).includes(shared.urn));
        assert.strictEqual(ofType(resources, TYPES.namespace).length, 1);
    });

    it("assigns roles to the identity's principal through the shared role module", async () => {
        const { resources } = await runUnderMocks(() =>
            build({ roleAssignments: [{ roleDefinitionIdOrName: "Storage Blob Data Reader", scope: RG_SCOPE, description: "read maps" }] }),
        );
        const mi = one(resources, TYPES.userAssignedIdentity);
        const role = one(resources, TYPES.roleAssignment);
        assert.strictEqual(role.inputs.principalId, mi.state.principalId);
        assert.ok(role.propertyDependencies.principalId.includes(mi.urn));
        assert.strictEqual(role.inputs.principalType, "ServicePrincipal");
        assert.strictEqual(role.inputs.scope, RG_SCOPE);
        assert.strictEqual(
            role.inputs.roleDefinitionId,
            `/subscriptions/${FAKE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
        );
        assert.strictEqual(role.inputs.description, "read maps");
    });

    it("keeps role assignment resource names when the list is reordered", async () => {
        const reader = { roleDefinitionIdOrName: "Storage Blob Data Reader", scope: RG_SCOPE };
        const secrets = { roleDefinitionIdOrName: "Key Vault Secrets User", scope: RG_SCOPE };
        const first = await runUnderMocks(() => build({ roleAssignments: [reader, secrets] }));
        const second = await runUnderMocks(() => build({ roleAssignments: [secrets, reader] }));
        const names = (rs: Recorded[]) => ofType(rs, TYPES.roleAssignment).map((r) => `${r.name}=${r.inputs.roleDefinitionId}`).sort();
        assert.deepStrictEqual(names(first.resources), names(second.resources));
    });

    it("creates the service account after every credential and role assignment", async () => {
        const green = cluster("aks-geo-green");
        const { resources } = await runUnderMocks(() =>
            build({
                additionalFederations: [{ issuerUrl: green.issuerUrl, namespace: "geofencing", serviceAccountName: "geofencing-api", name: "green" }],
                roleAssignments: [{ roleDefinitionIdOrName: "Storage Blob Data Reader", scope: RG_SCOPE }],
            }),
        );
        const sa = one(resources, TYPES.serviceAccount);
        for (const r of [...ofType(resources, TYPES.identityFederatedCredential), one(resources, TYPES.roleAssignment)]) {
            assert.ok(sa.dependencies.includes(r.urn), `service account waits for ${r.name}`);
        }
    });

    it("parents every child to the component", async () => {
        const { resources } = await runDefaults();
        const component = one(resources, TYPES.workloadIdentityServiceAccount);
        for (const r of resources.filter((x) => [TYPES.userAssignedIdentity, TYPES.identityFederatedCredential, TYPES.namespace, TYPES.serviceAccount].includes(x.type))) {
            assert.strictEqual(r.parent, component.urn, r.name);
        }
    });

    it("outputs ids, the service account and a pod template snippet", async () => {
        const { value, resources } = await runDefaults();
        const mi = one(resources, TYPES.userAssignedIdentity);
        const c = value.component;
        assert.strictEqual(await valueOf(c.clientId), mi.state.clientId);
        assert.strictEqual(await valueOf(c.principalId), mi.state.principalId);
        assert.strictEqual(await valueOf(c.identityResourceId), mi.id);
        assert.strictEqual(await valueOf(c.namespace), "geofencing");
        assert.strictEqual(await valueOf(c.serviceAccountName), "geofencing-api");
        assert.deepStrictEqual(await valueOf(c.subjects), ["system:serviceaccount:geofencing:geofencing-api"]);
        assert.deepStrictEqual(await valueOf(c.podTemplateSnippet), {
            metadata: { labels: { "azure.workload.identity/use": "true" } },
            spec: { serviceAccountName: "geofencing-api" },
        });
        assert.match(await valueOf(c.podTemplateSnippetYaml), /serviceAccountName: "geofencing-api"/);
    });
});

describe("WorkloadIdentityServiceAccount: app registration", () => {
    it("creates an application, its service principal and the credential on the application", async () => {
        const { resources, value } = await runUnderMocks(() =>
            build({
                identityType: "application",
                identityName: "geofencing-api-dev",
                applicationOwners: [FAKE.deployerObjectId],
                resourceGroupName: undefined,
                location: undefined,
                roleAssignments: [{ roleDefinitionIdOrName: "Storage Blob Data Reader", scope: RG_SCOPE }],
            }),
        );
        assert.strictEqual(ofType(resources, TYPES.userAssignedIdentity).length, 0);
        const app = one(resources, TYPES.application);
        const sp = one(resources, TYPES.servicePrincipal);
        const fic = one(resources, TYPES.applicationFederatedCredential);
        assert.strictEqual(app.inputs.displayName, "geofencing-api-dev");
        assert.deepStrictEqual(app.inputs.owners, [FAKE.deployerObjectId]);
        assert.strictEqual(sp.inputs.clientId, app.state.clientId);
        assert.deepStrictEqual(sp.inputs.owners, [FAKE.deployerObjectId]);
        assert.strictEqual(fic.inputs.applicationId, app.id);
        assert.strictEqual(fic.inputs.displayName, "geofencing-geofencing-api");
        assert.strictEqual(fic.inputs.issuer, fakeIssuerUrl("westeurope", "aks-geo"));
        assert.strictEqual(fic.inputs.subject, "system:serviceaccount:geofencing:geofencing-api");
        assert.deepStrictEqual(fic.inputs.audiences, ["api://AzureADTokenExchange"]);
        assert.strictEqual(fic.deleteBeforeReplace, true);

        const sa = one(resources, TYPES.serviceAccount);
        assert.strictEqual(sa.inputs.metadata.annotations["azure.workload.identity/client-id"], app.state.clientId);
        const role = one(resources, TYPES.roleAssignment);
        assert.strictEqual(role.inputs.principalId, sp.state.objectId);
        assert.strictEqual(role.inputs.principalType, "ServicePrincipal");
        assert.strictEqual(await valueOf(value.component.principalId), sp.state.objectId);
        assert.strictEqual(await valueOf(value.component.identityResourceId), app.id);
        const ref = await providerRef(value.provider);
        for (const o of kubernetesObjects(resources)) {
            assert.strictEqual(o.provider, ref, `${o.type} ${o.name}`);
        }
    });
});

describe("WorkloadIdentityServiceAccount: bad arguments", () => {
    const LABEL = "must be an RFC 1123 label: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit";
    const SUBDOMAIN =
        "must be an RFC 1123 subdomain: at most 253 lower-case letters, digits, '-' or '.', each dot-separated part starting and ending with a letter or digit";

    it("rejects a namespace that is not an RFC 1123 label", async () => {
        await rejects({ namespace: "Geo_Fencing" }, `namespace is "Geo_Fencing": ${LABEL}`);
    });

    it("rejects a namespace resource together with createNamespace", async () => {
        await assert.rejects(
            runUnderMocks(() => build({ namespaceResource: new k8s.core.v1.Namespace("shared", { metadata: { name: "geofencing" } }) })),
            { message: invalid("namespaceResource is set and createNamespace is true: set createNamespace false when the namespace is created elsewhere") },
        );
    });

    it("rejects a namespace resource whose name differs from namespace, when the name is known", async () => {
        await assert.rejects(
            runUnderMocks(() => build({ createNamespace: false, namespaceResource: new k8s.core.v1.Namespace("shared", { metadata: { name: "maps" } }) })),
            // The serializer wraps the error with the property it was serializing.
            (e: Error) => e.message.endsWith(invalid('namespaceResource is named "maps" but namespace is "geofencing": they must be equal')),
        );
    });

    it("fails with the message docs/library.md shows", async () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "library.md"), "utf8");
        const shown = /```\n(WorkloadIdentityServiceAccount "billing"[\s\S]*?)\n```/.exec(doc)?.[1];
        assert.ok(shown, "docs/library.md shows no WorkloadIdentityServiceAccount error");
        await assert.rejects(
            runUnderMocks(() => build({ namespace: "Billing", tokenExpirationSeconds: 60 }, "billing")),
            (e: Error) => {
                assert.strictEqual(e.message, shown);
                return true;
            },
        );
    });

    it("reports every problem of one call together, in argument order", async () => {
        await rejects(
            { namespace: "Geo_Fencing", serviceAccountName: "api-", location: undefined, tokenExpirationSeconds: 60, labels: { team: "maps team" } },
            `namespace is "Geo_Fencing": ${LABEL}`,
            `serviceAccountName is "api-": ${SUBDOMAIN}`,
            'location is missing: it is required when identityType is "managedIdentity"',
            "tokenExpirationSeconds is 60: must be a whole number of seconds from 3600 to 86400",
            `labels["team"] is "maps team": must be a Kubernetes label value: empty, or 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
        );
    });

    it("rejects a service account name that is not an RFC 1123 subdomain", async () => {
        await rejects({ serviceAccountName: "api-" }, `serviceAccountName is "api-": ${SUBDOMAIN}`);
    });

    it("rejects bad names in additional federations", async () => {
        const issuerUrl = "https://northeurope.oic.prod-aks.azure.com/t/c/";
        await rejects(
            { additionalFederations: [{ issuerUrl, namespace: "-jobs", serviceAccountName: "api" }] },
            `additionalFederations[0].namespace is "-jobs": ${LABEL}`,
        );
        await rejects(
            { additionalFederations: [{ issuerUrl, namespace: "jobs", serviceAccountName: "API" }] },
            `additionalFederations[0].serviceAccountName is "API": ${SUBDOMAIN}`,
        );
        await rejects(
            { additionalFederations: [{ issuerUrl, namespace: "jobs", serviceAccountName: "api", name: "green.blue" }] },
            `additionalFederations[0].name is "green.blue": must be a federated credential name: 3 to 120 letters, digits, '-' or '_', starting with a letter or digit`,
        );
    });

    it("rejects an issuer given as text that Entra ID would never match", async () => {
        await rejects(
            { issuerUrl: "https://westeurope.oic.prod-aks.azure.com/t/c/ " },
            `issuerUrl is "https://westeurope.oic.prod-aks.azure.com/t/c/ ": must be the cluster's OIDC issuer URL exactly as the cluster reports it: https://..., no whitespace, at most 600 characters`,
        );
    });

    it("rejects more than 20 federated credentials on one identity", async () => {
        const additionalFederations = Array.from({ length: 20 }, (_, i) => ({
            issuerUrl: "https://northeurope.oic.prod-aks.azure.com/t/c/",
            namespace: `ns${i}`,
            serviceAccountName: "api",
        }));
        await rejects(
            { additionalFederations },
            "additionalFederations has 20 entries: with the service account's own credential the identity would hold 21 federated credentials; Entra ID allows at most 20 per application or user-assigned managed identity",
        );
    });

    it("accepts exactly 20 federated credentials", async () => {
        const additionalFederations = Array.from({ length: 19 }, (_, i) => ({
            issuerUrl: "https://northeurope.oic.prod-aks.azure.com/t/c/",
            namespace: `ns${i}`,
            serviceAccountName: "api",
        }));
        const { resources } = await runUnderMocks(() => build({ additionalFederations }));
        assert.strictEqual(ofType(resources, TYPES.identityFederatedCredential).length, 20);
    });

    it("rejects a duplicate issuer and subject, given as the same output or as equal text", async () => {
        const issuer = "https://westeurope.oic.prod-aks.azure.com/t/c/";
        await rejects(
            { issuerUrl: issuer, additionalFederations: [{ issuerUrl: issuer, namespace: "geofencing", serviceAccountName: "geofencing-api", name: "again" }] },
            `additionalFederations[0] is {"namespace":"geofencing","serviceAccountName":"geofencing-api"}: has the same issuer and subject as the service account's own credential; Entra ID requires each issuer and subject pair to be unique per identity`,
        );
        const shared = pulumi.output(issuer);
        await rejects(
            {
                issuerUrl: shared,
                additionalFederations: [
                    { issuerUrl: shared, namespace: "jobs", serviceAccountName: "api" },
                    { issuerUrl: shared, namespace: "jobs", serviceAccountName: "api", name: "jobs-api-2" },
                ],
            },
            `additionalFederations[1] is {"namespace":"jobs","serviceAccountName":"api"}: has the same issuer and subject as additionalFederations[0]; Entra ID requires each issuer and subject pair to be unique per identity`,
        );
    });

    it("asks for a name when the default credential name is taken", async () => {
        const issuerUrl = "https://northeurope.oic.prod-aks.azure.com/t/c/";
        await rejects(
            { additionalFederations: [{ issuerUrl, namespace: "geofencing", serviceAccountName: "geofencing-api" }] },
            `additionalFederations[0].name is missing (defaults to "geofencing-geofencing-api"): the service account's own credential already has that federated credential name; give this credential its own name, for example after its cluster`,
        );
        await rejects(
            {
                additionalFederations: [
                    { issuerUrl, namespace: "jobs", serviceAccountName: "api", name: "green" },
                    { issuerUrl, namespace: "jobs2", serviceAccountName: "api", name: "green" },
                ],
            },
            `additionalFederations[1].name is "green": additionalFederations[0] already has that federated credential name; give this credential its own name, for example after its cluster`,
        );
    });

    it("requires resource group and location for a managed identity", async () => {
        await rejects({ resourceGroupName: undefined }, 'resourceGroupName is missing: it is required when identityType is "managedIdentity"');
        await rejects({ location: undefined }, 'location is missing: it is required when identityType is "managedIdentity"');
    });

    it("rejects a bad managed identity name", async () => {
        await rejects(
            { identityName: "id.geo" },
            `identityName is "id.geo": must be a managed identity name: 3 to 128 letters, digits, '-' or '_', starting with a letter or digit`,
        );
    });

    it("rejects an unknown identity type", async () => {
        await rejects({ identityType: "servicePrincipal" as never }, 'identityType is "servicePrincipal": must be one of managedIdentity, application');
    });

    it("rejects options of the other identity type", async () => {
        await rejects({ applicationOwners: [FAKE.deployerObjectId] }, 'applicationOwners is set: it applies only to identityType "application"');
        await rejects(
            { identityType: "application", tags: { env: "dev" } },
            'tags is set: it applies only to identityType "managedIdentity"; Entra app registrations carry no Azure tags',
        );
    });

    it("rejects a token expiration outside 3600 to 86400 seconds", async () => {
        await rejects({ tokenExpirationSeconds: 3599 }, "tokenExpirationSeconds is 3599: must be a whole number of seconds from 3600 to 86400");
        await rejects({ tokenExpirationSeconds: 86401 }, "tokenExpirationSeconds is 86401: must be a whole number of seconds from 3600 to 86400");
    });

    it("rejects labels Kubernetes would refuse, and an override of managed-by", async () => {
        await rejects(
            { labels: { team: "maps team" } },
            `labels["team"] is "maps team": must be a Kubernetes label value: empty, or 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
        );
        await rejects({ labels: { "app.kubernetes.io/managed-by": "helm" } }, 'labels["app.kubernetes.io/managed-by"] is "helm": is set by the component to "pulumi"');
    });

    it("rejects unknown, privileged and duplicate roles", async () => {
        await rejects(
            { roleAssignments: [{ roleDefinitionIdOrName: "Blob Reader", scope: RG_SCOPE }] },
            `roleAssignments[0].roleDefinitionIdOrName is "Blob Reader": is neither a built-in role name known to credless-aks (${Object.keys(
                require("../components/roles").BUILT_IN_ROLES,
            ).join(", ")}) nor a role definition id (a GUID or /providers/Microsoft.Authorization/roleDefinitions/<GUID>)`,
        );
        await rejects(
            { roleAssignments: [{ roleDefinitionIdOrName: "Contributor", scope: RG_SCOPE }] },
            `roleAssignments[0].roleDefinitionIdOrName is "Contributor": grants control of the scope or of who may access it, which credless-aks never grants (Owner, Contributor, User Access Administrator, Role Based Access Control Administrator, Azure Kubernetes Service Cluster Admin Role, Azure Kubernetes Service Contributor Role); pick a narrower role`,
        );
        await rejects(
            {
                roleAssignments: [
                    { roleDefinitionIdOrName: "Storage Blob Data Reader", scope: RG_SCOPE },
                    { roleDefinitionIdOrName: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", scope: RG_SCOPE.toUpperCase() },
                ],
            },
            `roleAssignments[1] is {"roleDefinitionIdOrName":"2a2b9908-6ea1-4ae2-8e65-a410df84e7d1","scope":"${RG_SCOPE.toUpperCase()}"}: assigns role 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1 at the same scope as roleAssignments[0]`,
        );
    });
});
