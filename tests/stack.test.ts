import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { GITHUB_OIDC_ISSUER, GITHUB_SECRET_NAMES, GITHUB_VARIABLE_NAMES } from "../components/githubConstants";
import { BUILT_IN_ROLES, roleAssignmentName } from "../components/roles";
import { ConfigError } from "../stack/config";
import { FIXTURE_STACKS, readStackConfig } from "../commands/plan/main";
import { FAKE, one, ofType, plain, Recorded, transitiveDependencies, valueOf } from "./harness";
import { configMap, ProgramRun, runProgram } from "./stackRun";
import { TYPES } from "./resourceTypes";

const roleId = (r: Recorded) => String(r.inputs.roleDefinitionId).split("/").pop();
const withRole = (resources: Recorded[], role: keyof typeof BUILT_IN_ROLES) => ofType(resources, TYPES.roleAssignment).filter((r) => roleId(r) === BUILT_IN_ROLES[role]);

describe("stack: both environments under mocks", function () {
    this.timeout(60000);
    const runs: Record<string, ProgramRun> = {};
    before(async () => {
        runs.dev = await runProgram("dev");
        runs.prod = await runProgram("prod");
    });

    for (const stack of ["dev", "prod"]) {
        describe(stack, () => {
            const r = () => runs[stack];

            it("runs without error and registers every resource once", () => {
                assert.strictEqual(r().error, undefined, String(r().error));
                const urns = r().resources.map((x) => x.urn);
                assert.strictEqual(new Set(urns).size, urns.length, "duplicate URNs");
                for (const type of [TYPES.resourceGroup, TYPES.managedCluster, TYPES.registry, TYPES.application, TYPES.servicePrincipal, TYPES.repositoryEnvironment]) {
                    assert.strictEqual(ofType(r().resources, type).length, 1, type);
                }
                assert.strictEqual(ofType(r().resources, TYPES.userAssignedIdentity).length, 2);
                assert.strictEqual(ofType(r().resources, TYPES.identityFederatedCredential).length, 2);
                assert.strictEqual(ofType(r().resources, TYPES.serviceAccount).length, 2);
                assert.strictEqual(ofType(r().resources, TYPES.namespace).length, 1, "one shared namespace for both workloads");
                assert.deepStrictEqual(ofType(r().resources, TYPES.environmentSecret).map((s) => s.inputs.secretName).sort(), [...GITHUB_SECRET_NAMES].sort());
                assert.deepStrictEqual(ofType(r().resources, TYPES.environmentVariable).map((s) => s.inputs.variableName).sort(), [...GITHUB_VARIABLE_NAMES].sort());
            });

            it("tags every Azure resource with environment, project and managed-by", () => {
                const tagged = r().resources.filter((x) => [TYPES.resourceGroup, TYPES.managedCluster, TYPES.registry, TYPES.userAssignedIdentity].includes(x.type));
                for (const x of tagged) {
                    assert.strictEqual(x.inputs.tags?.environment, stack, `${x.type} ${x.name}`);
                    assert.strictEqual(x.inputs.tags?.project, "credless-aks");
                    assert.strictEqual(x.inputs.tags?.["managed-by"], "pulumi");
                }
            });

            it("binds AcrPull for the kubelet identity at the registry, with a deterministic name", () => {
                const cluster = one(r().resources, TYPES.managedCluster);
                const registry = one(r().resources, TYPES.registry);
                const pulls = withRole(r().resources, "AcrPull");
                assert.strictEqual(pulls.length, 1);
                assert.strictEqual(pulls[0].inputs.principalId, cluster.state.identityProfile.kubeletidentity.objectId);
                assert.strictEqual(pulls[0].inputs.scope, registry.id);
                assert.strictEqual(pulls[0].inputs.principalType, "ServicePrincipal");
                assert.strictEqual(pulls[0].inputs.roleAssignmentName, roleAssignmentName(registry.id, pulls[0].inputs.principalId, BUILT_IN_ROLES.AcrPull));
            });

            it("gives the GitHub app AcrPush on the registry and deploy rights in the workload namespace only", () => {
                const sp = one(r().resources, TYPES.servicePrincipal);
                const registry = one(r().resources, TYPES.registry);
                const cluster = one(r().resources, TYPES.managedCluster);
                const push = withRole(r().resources, "AcrPush");
                assert.deepStrictEqual(push.map((p) => [p.inputs.principalId, p.inputs.scope]), [[sp.state.objectId, registry.id]]);
                const user = withRole(r().resources, "Azure Kubernetes Service Cluster User Role");
                assert.deepStrictEqual(user.map((p) => [p.inputs.principalId, p.inputs.scope]), [[sp.state.objectId, cluster.id]]);
                const writer = withRole(r().resources, "Azure Kubernetes Service RBAC Writer");
                assert.deepStrictEqual(writer.map((p) => [p.inputs.principalId, p.inputs.scope]), [[sp.state.objectId, `${cluster.id}/namespaces/geofencing`]]);
            });

            it("trusts GitHub's issuer for the stack's environment subject", () => {
                const fic = one(r().resources, TYPES.applicationFederatedCredential);
                const app = one(r().resources, TYPES.application);
                assert.strictEqual(fic.inputs.issuer, GITHUB_OIDC_ISSUER);
                assert.deepStrictEqual(fic.inputs.audiences, ["api://AzureADTokenExchange"]);
                assert.strictEqual(fic.inputs.subject, `repo:contoso/geofencing:environment:${stack}`);
                assert.strictEqual(fic.inputs.applicationId, app.id);
            });

            it("trusts each workload's service account through the cluster's issuer, character for character", () => {
                const cluster = one(r().resources, TYPES.managedCluster);
                const issuer: string = cluster.state.oidcIssuerProfile.issuerURL;
                assert.ok(issuer.endsWith("/"));
                const subjects = ofType(r().resources, TYPES.identityFederatedCredential).map((f) => {
                    assert.strictEqual(f.inputs.issuer, issuer);
                    return f.inputs.subject;
                });
                const accounts = ofType(r().resources, TYPES.serviceAccount).map((sa) => `system:serviceaccount:${sa.inputs.metadata.namespace}:${sa.inputs.metadata.name}`);
                assert.deepStrictEqual(subjects.sort(), accounts.sort());
                for (const sa of ofType(r().resources, TYPES.serviceAccount)) {
                    const mi = ofType(r().resources, TYPES.userAssignedIdentity).find((m) => m.state.clientId === sa.inputs.metadata.annotations["azure.workload.identity/client-id"]);
                    assert.ok(mi, `service account ${sa.inputs.metadata.name} is annotated with a managed identity's client id`);
                }
            });

            it("writes every GitHub secret from the resource that owns the value", () => {
                const value = (name: string) => plain(one(r().resources.filter((s) => s.inputs.secretName === name), TYPES.environmentSecret).inputs.value);
                const app = one(r().resources, TYPES.application);
                const sp = one(r().resources, TYPES.servicePrincipal);
                const registry = one(r().resources, TYPES.registry);
                assert.strictEqual(value("AZURE_CLIENT_ID"), app.state.clientId);
                assert.strictEqual(value("AZURE_TENANT_ID"), sp.state.applicationTenantId);
                assert.strictEqual(value("AZURE_SUBSCRIPTION_ID"), FAKE.subscriptionId);
                assert.strictEqual(value("REGISTRY_LOGIN_SERVER"), registry.state.loginServer);
                for (const secret of ofType(r().resources, TYPES.environmentSecret)) {
                    assert.strictEqual(secret.inputs.environment, stack);
                    assert.ok(
                        (secret.propertyDependencies.value ?? []).length > 0,
                        `${secret.inputs.secretName} must trace back to a resource, not config`,
                    );
                }
                const variable = (name: string) => one(r().resources.filter((s) => s.inputs.variableName === name), TYPES.environmentVariable).inputs.value;
                assert.strictEqual(variable("AKS_CLUSTER_NAME"), one(r().resources, TYPES.managedCluster).state.name);
                assert.strictEqual(variable("AKS_RESOURCE_GROUP"), one(r().resources, TYPES.resourceGroup).state.name);
            });

            it("creates the registry, the GitHub identity and its secrets in parallel with the cluster", () => {
                const cluster = one(r().resources, TYPES.managedCluster);
                const independent = r().resources.filter(
                    (x) => [TYPES.registry, TYPES.application, TYPES.servicePrincipal, TYPES.applicationFederatedCredential, TYPES.userAssignedIdentity, TYPES.environmentSecret, TYPES.repositoryEnvironment].includes(x.type) || withRole(r().resources, "AcrPush").includes(x),
                );
                assert.ok(independent.length >= 10);
                for (const x of independent) {
                    assert.ok(!transitiveDependencies(r().resources, x).has(cluster.urn), `${x.type} ${x.name} waits for the cluster`);
                }
                for (const x of [...ofType(r().resources, TYPES.identityFederatedCredential), ...ofType(r().resources, TYPES.serviceAccount), ...withRole(r().resources, "AcrPull")]) {
                    assert.ok(transitiveDependencies(r().resources, x).has(cluster.urn), `${x.type} ${x.name} needs the cluster's outputs`);
                }
            });

            it("creates Kubernetes objects only after the deployer's role has propagated (through the provider)", () => {
                const wait = one(r().resources, TYPES.rbacPropagationWait);
                const admin = withRole(r().resources, "Azure Kubernetes Service RBAC Cluster Admin")[0];
                assert.ok(transitiveDependencies(r().resources, wait).has(admin.urn));
                for (const x of [...ofType(r().resources, TYPES.namespace), ...ofType(r().resources, TYPES.serviceAccount)]) {
                    assert.ok(transitiveDependencies(r().resources, x).has(wait.urn), `${x.type} ${x.name} waits for the propagation check`);
                }
            });

            it("exports every output other stacks need, the kubeconfig as a secret", async () => {
                const outputs = r().value!;
                const cluster = one(r().resources, TYPES.managedCluster);
                const registry = one(r().resources, TYPES.registry);
                assert.strictEqual(await valueOf(outputs.oidcIssuerUrl), cluster.state.oidcIssuerProfile.issuerURL);
                assert.strictEqual(await valueOf(outputs.kubeletIdentityObjectId), cluster.state.identityProfile.kubeletidentity.objectId);
                assert.strictEqual(await valueOf(outputs.clusterId), cluster.id);
                assert.strictEqual(await valueOf(outputs.registryId), registry.id);
                assert.strictEqual(await valueOf(outputs.registryLoginServer), registry.state.loginServer);
                assert.strictEqual(await valueOf(outputs.githubClientId), one(r().resources, TYPES.application).state.clientId);
                assert.strictEqual(await valueOf(outputs.tenantId), FAKE.tenantId);
                assert.strictEqual(await valueOf(outputs.subscriptionId), FAKE.subscriptionId);
                assert.deepStrictEqual(await valueOf(outputs.githubSubjects), [`repo:contoso/geofencing:environment:${stack}`]);
                const workloads = (await valueOf(outputs.workloads)) as Record<string, { clientId: string; namespace: string; serviceAccount: string }>;
                assert.deepStrictEqual(Object.keys(workloads).sort(), ["geofencing-api", "geofencing-worker"]);
                const mi = ofType(r().resources, TYPES.userAssignedIdentity).map((m) => m.state.clientId);
                assert.ok(mi.includes(workloads["geofencing-api"].clientId));
                assert.strictEqual(workloads["geofencing-api"].namespace, "geofencing");
                assert.ok(await pulumi.isSecret(outputs.kubeconfig as pulumi.Output<unknown>));
                for (const [key, value] of Object.entries(outputs)) {
                    assert.notStrictEqual(await valueOf(value), undefined, `output ${key}`);
                }
            });
        });
    }

    it("dev and prod have the same shape, apart from prod's maintenance window and deployment branch, and share no Azure or GitHub name", () => {
        const shape = (run: ProgramRun, env: string) => run.resources.map((x) => `${x.type}::${x.name.replace(`-${env}`, "-<env>")}`).sort();
        const dev = shape(runs.dev, "dev");
        const prod = shape(runs.prod, "prod");
        assert.deepStrictEqual(prod.filter((x) => !dev.includes(x)), [
            "azure-native:containerservice:MaintenanceConfiguration::cluster-maintenance-cluster",
            "azure-native:containerservice:MaintenanceConfiguration::cluster-maintenance-nodeOs",
            "credless-aks:github:GitHubDeploymentBranchPolicy::github-secrets-deployment-refs",
            "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy::github-secrets-deployment-refs-branch-main",
        ]);
        assert.deepStrictEqual(dev.filter((x) => !prod.includes(x)), []);
        const names = (run: ProgramRun) =>
            run.resources
                .filter((x) => x.custom && !x.type.startsWith("kubernetes:"))
                .map((x) => x.inputs.resourceName ?? x.inputs.registryName ?? x.inputs.displayName ?? x.inputs.environment ?? (x.type === TYPES.resourceGroup ? x.inputs.resourceGroupName : undefined))
                .filter((n): n is string => typeof n === "string");
        const devNames = new Set(names(runs.dev));
        assert.ok(devNames.size >= 6, [...devNames].join(", "));
        assert.deepStrictEqual(names(runs.prod).filter((n) => devNames.has(n)), []);
    });

    it("dev and prod differ where config says: tier, SKU, protection, reviewers", () => {
        const get = (run: ProgramRun, type: string) => one(run.resources, type).inputs;
        assert.strictEqual(one(runs.dev.resources, TYPES.managedCluster).protect, false);
        assert.strictEqual(one(runs.prod.resources, TYPES.managedCluster).protect, true);
        assert.strictEqual(get(runs.prod, TYPES.repositoryEnvironment).preventSelfReview, true);
        assert.strictEqual(get(runs.prod, TYPES.repositoryEnvironment).canAdminsBypass, false);
        assert.strictEqual(get(runs.prod, TYPES.registry).zoneRedundancy, "Enabled");
        assert.strictEqual(get(runs.dev, TYPES.registry).zoneRedundancy, "Disabled");
        assert.strictEqual(get(runs.dev, TYPES.managedCluster).sku.tier, "Free");
        assert.strictEqual(get(runs.prod, TYPES.managedCluster).sku.tier, "Standard");
        assert.strictEqual(get(runs.dev, TYPES.registry).sku.name, "Basic");
        assert.strictEqual(get(runs.prod, TYPES.registry).sku.name, "Premium");
        assert.strictEqual(get(runs.dev, TYPES.repositoryEnvironment).environment, "dev");
        assert.strictEqual(get(runs.prod, TYPES.repositoryEnvironment).environment, "prod");
        assert.deepStrictEqual(get(runs.dev, TYPES.repositoryEnvironment).reviewers ?? [], []);
        assert.deepStrictEqual(get(runs.prod, TYPES.repositoryEnvironment).reviewers?.[0]?.teams, [4711042]);
    });

    it("prod's environment accepts deployments from main only, through a custom branch policy that needs no branch protection", () => {
        const environment = one(runs.prod.resources, TYPES.repositoryEnvironment);
        assert.deepStrictEqual(environment.inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
        const policies = ofType(runs.prod.resources, TYPES.environmentDeploymentPolicy);
        assert.deepStrictEqual(
            policies.map((p) => p.inputs),
            [{ repository: "geofencing", environment: "prod", branchPattern: "main" }],
        );
        assert.deepStrictEqual(policies[0].propertyDependencies.environment, [environment.urn]);
        // Nothing in the stack depends on branch protection: it creates no rule and reads none.
        assert.deepStrictEqual(runs.prod.resources.filter((r) => /branchProtection|repositoryRuleset/i.test(r.type)), []);
        assert.strictEqual(one(runs.dev.resources, TYPES.repositoryEnvironment).inputs.deploymentBranchPolicy, undefined);
    });
});

describe("stack: variations that config allows", function () {
    this.timeout(60000);
    const dev = readStackConfig("dev", FIXTURE_STACKS);
    const devGithub = JSON.parse(dev["credless-aks:github"]);

    it("deployment tags alone restrict the environment to those tags", async () => {
        const run = await runProgram("dev", { ...dev, ...configMap({ "credless-aks:github": { ...devGithub, deploymentTags: ["v*"] } }) });
        assert.strictEqual(run.error, undefined, String(run.error));
        assert.deepStrictEqual(one(run.resources, TYPES.repositoryEnvironment).inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
        assert.deepStrictEqual(
            ofType(run.resources, TYPES.environmentDeploymentPolicy).map((p) => p.inputs),
            [{ repository: "geofencing", environment: "dev", tagPattern: "v*" }],
        );
    });

    it("repository scope writes repository secrets and variables and creates no GitHub environment", async () => {
        const run = await runProgram("dev", { ...dev, ...configMap({ "credless-aks:github": { ...devGithub, secretsScope: "repository" } }) });
        assert.strictEqual(run.error, undefined, String(run.error));
        assert.deepStrictEqual(ofType(run.resources, TYPES.repositoryEnvironment), []);
        assert.deepStrictEqual(ofType(run.resources, TYPES.environmentSecret), []);
        const secrets = ofType(run.resources, TYPES.repositorySecret);
        assert.deepStrictEqual(secrets.map((x) => x.inputs.secretName).sort(), [...GITHUB_SECRET_NAMES].sort());
        assert.ok(secrets.every((x) => x.inputs.repository === "geofencing"));
        assert.strictEqual(ofType(run.resources, TYPES.repositoryVariable).length, GITHUB_VARIABLE_NAMES.length);
        assert.strictEqual(await valueOf(run.value!.githubEnvironment), null);
    });

    it("an application workload gets an app registration owned by the deployer, without tags", async () => {
        const workloads = [{ name: "api", namespace: "geofencing", identityType: "application" }];
        const run = await runProgram("dev", { ...dev, ...configMap({ "credless-aks:workloads": workloads }) });
        assert.strictEqual(run.error, undefined, String(run.error));
        assert.deepStrictEqual(ofType(run.resources, TYPES.userAssignedIdentity), []);
        const apps = ofType(run.resources, TYPES.application);
        assert.strictEqual(apps.length, 2, "the GitHub app and the workload's app");
        for (const app of apps) {
            assert.deepStrictEqual(app.inputs.owners, [FAKE.deployerObjectId]);
        }
        const credential = ofType(run.resources, TYPES.applicationFederatedCredential).find((f) => f.inputs.subject === "system:serviceaccount:geofencing:api");
        assert.ok(credential);
        assert.strictEqual(credential.inputs.issuer, one(run.resources, TYPES.managedCluster).state.oidcIssuerProfile.issuerURL);
    });

    it("an existing resource group is used, not created", async () => {
        const run = await runProgram("dev", { ...dev, ...configMap({ "credless-aks:resourceGroup": { existingName: "rg-platform-shared" } }) });
        assert.strictEqual(run.error, undefined, String(run.error));
        assert.deepStrictEqual(ofType(run.resources, TYPES.resourceGroup), []);
        assert.strictEqual(one(run.resources, TYPES.managedCluster).inputs.resourceGroupName, "rg-platform-shared");
        assert.strictEqual(one(run.resources, TYPES.registry).inputs.resourceGroupName, "rg-platform-shared");
        assert.ok(run.calls.some((c) => c.token === "azure-native:resources:getResourceGroup" && c.inputs.resourceGroupName === "rg-platform-shared"));
    });

    it("without workloads the GitHub app gets no rights on the cluster", async () => {
        const run = await runProgram("dev", { ...dev, ...configMap({ "credless-aks:workloads": [] }) });
        assert.strictEqual(run.error, undefined, String(run.error));
        assert.deepStrictEqual(withRole(run.resources, "Azure Kubernetes Service Cluster User Role"), []);
        assert.deepStrictEqual(withRole(run.resources, "Azure Kubernetes Service RBAC Writer"), []);
        assert.strictEqual(withRole(run.resources, "AcrPush").length, 1);
    });
});

describe("stack: bad config registers nothing", function () {
    this.timeout(30000);
    const dev = readStackConfig("dev", FIXTURE_STACKS);
    const cases: [string, Record<string, unknown>, RegExp][] = [
        ["a repository without an owner", { "credless-aks:github": { repository: "geofencing" } }, /credless-aks:github\.repository is "geofencing": must be "owner\/name"/],
        ["a registry prefix with a hyphen", { "credless-aks:registry": { namePrefix: "contoso-geo" } }, /credless-aks:registry\.namePrefix is "contoso-geo"/],
        ["an unknown tier", { "credless-aks:cluster": { tier: "Gold" } }, /credless-aks:cluster\.tier is "Gold": must be one of Free, Standard/],
        ["an unknown SKU", { "credless-aks:registry": { namePrefix: "contosogeo", sku: "Ultra" } }, /credless-aks:registry\.sku is "Ultra": must be one of Basic, Standard, Premium/],
        ["a service account breaking RFC 1123", { "credless-aks:workloads": [{ name: "api", serviceAccount: "API_SA" }] }, /credless-aks:workloads\[0\]\.serviceAccount is "API_SA": must be an RFC 1123 subdomain/],
        ["a wildcard trigger", { "credless-aks:github": { repository: "contoso/geofencing", triggers: ["branch:*"] } }, /wildcard/],
        ["duplicate workloads", { "credless-aks:workloads": [{ name: "api" }, { name: "api" }] }, /duplicates credless-aks:workloads\[0\]\.name/],
        ["a namespace breaking RFC 1123", { "credless-aks:workloads": [{ name: "api", namespace: "Api" }] }, /credless-aks:workloads\[0\]\.namespace is "Api": must be an RFC 1123 label/],
        [
            "the removed protectedBranches",
            { "credless-aks:github": { repository: "contoso/geofencing", protectedBranches: true } },
            /credless-aks:github\.protectedBranches is true: is no longer supported: .* Write deploymentBranches: \["main"\] instead/,
        ],
        ["more than 20 triggers", { "credless-aks:github": { repository: "contoso/geofencing", triggers: Array.from({ length: 21 }, (_, i) => `tag:v${i}`) } }, /at most 20 federated credentials/],
    ];
    for (const [title, overrides, message] of cases) {
        it(`rejects ${title} before any resource`, async () => {
            const run = await runProgram("dev", { ...dev, ...configMap(overrides) });
            assert.ok(run.error instanceof ConfigError, String(run.error));
            assert.match((run.error as Error).message, message);
            assert.deepStrictEqual(run.resources, []);
        });
    }
});
