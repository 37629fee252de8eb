import * as assert from "assert";
import * as github from "@pulumi/github";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as resources from "@pulumi/azure-native/resources";
import { GitHubActionsIdentity } from "../components/gitHubActionsIdentity";
import { GitHubDeploymentSecrets, GitHubDeploymentSecretsArgs } from "../components/gitHubDeploymentSecrets";
import { FAKE, isSecret, ofType, one, plain, Recorded, runUnderMocks } from "./harness";
import { TYPES } from "./resourceTypes";

const plainValues = {
    secrets: {
        AZURE_CLIENT_ID: "11111111-1111-4111-a111-111111111111",
        AZURE_TENANT_ID: FAKE.tenantId,
        AZURE_SUBSCRIPTION_ID: FAKE.subscriptionId,
        REGISTRY_LOGIN_SERVER: "contosogeo.azurecr.io",
    },
    variables: { AKS_CLUSTER_NAME: "geofencing-dev", AKS_RESOURCE_GROUP: "geofencing-dev" },
};

function base(overrides: Partial<GitHubDeploymentSecretsArgs> = {}): GitHubDeploymentSecretsArgs {
    return { repository: "geofencing", environmentName: "dev", ...plainValues, ...overrides };
}

async function rejection(args: GitHubDeploymentSecretsArgs): Promise<string> {
    try {
        await runUnderMocks(() => new GitHubDeploymentSecrets("gh", args));
    } catch (e) {
        return (e as Error).message;
    }
    assert.fail("expected the component to refuse its arguments");
}


const byName = (list: Recorded[], key: string) => Object.fromEntries(list.map((r) => [r.inputs[key], r]));

describe("GitHubDeploymentSecrets: environment scope", () => {
    it("wires every secret and variable to the output of the resource it describes", async () => {
        const { resources: recorded } = await runUnderMocks(() => {
            const rg = new resources.ResourceGroup("rg", { resourceGroupName: "geofencing-dev" });
            const registry = new containerregistry.Registry("acr", { resourceGroupName: rg.name, registryName: "contosogeo1a2b3c4d5e6f7", sku: { name: "Basic" } });
            const cluster = new containerservice.ManagedCluster("aks", { resourceGroupName: rg.name, resourceName: "geofencing-dev" });
            const identity = new GitHubActionsIdentity("gha", { repository: { owner: "contoso", name: "geofencing" }, environment: "dev" });
            const client = authorization.getClientConfigOutput();
            return new GitHubDeploymentSecrets("gh", {
                repository: "geofencing",
                environmentName: "dev",
                secrets: {
                    AZURE_CLIENT_ID: identity.clientId,
                    AZURE_TENANT_ID: identity.tenantId,
                    AZURE_SUBSCRIPTION_ID: client.subscriptionId,
                    REGISTRY_LOGIN_SERVER: registry.loginServer,
                },
                variables: { AKS_CLUSTER_NAME: cluster.name, AKS_RESOURCE_GROUP: rg.name },
            });
        });
        const app = one(recorded, TYPES.application);
        const sp = one(recorded, TYPES.servicePrincipal);
        const acr = one(recorded, TYPES.registry);
        const aks = one(recorded, TYPES.managedCluster);
        const rg = one(recorded, TYPES.resourceGroup);
        const secrets = byName(ofType(recorded, TYPES.environmentSecret), "secretName");
        const variables = byName(ofType(recorded, TYPES.environmentVariable), "variableName");

        const wired = (r: Recorded) => ({ value: plain(r.inputs.value), from: r.propertyDependencies.value });
        assert.deepStrictEqual(wired(secrets.AZURE_CLIENT_ID), { value: app.state.clientId, from: [app.urn] });
        assert.deepStrictEqual(wired(secrets.AZURE_TENANT_ID), { value: FAKE.tenantId, from: [sp.urn] });
        assert.deepStrictEqual(wired(secrets.AZURE_SUBSCRIPTION_ID), { value: FAKE.subscriptionId, from: [] });
        assert.deepStrictEqual(wired(secrets.REGISTRY_LOGIN_SERVER), { value: "contosogeo1a2b3c4d5e6f7.azurecr.io", from: [acr.urn] });
        assert.deepStrictEqual(wired(variables.AKS_CLUSTER_NAME), { value: "geofencing-dev", from: [aks.urn] });
        assert.deepStrictEqual(wired(variables.AKS_RESOURCE_GROUP), { value: "geofencing-dev", from: [rg.urn] });
    });

    it("creates the environment first and writes the four secrets and two variables into it", async () => {
        const { resources: recorded } = await runUnderMocks(() => new GitHubDeploymentSecrets("gh", base()));
        const environment = one(recorded, TYPES.repositoryEnvironment);
        assert.deepStrictEqual(
            { repository: environment.inputs.repository, environment: environment.inputs.environment, reviewers: environment.inputs.reviewers, policy: environment.inputs.deploymentBranchPolicy },
            { repository: "geofencing", environment: "dev", reviewers: undefined, policy: undefined },
        );
        const written = [...ofType(recorded, TYPES.environmentSecret), ...ofType(recorded, TYPES.environmentVariable)];
        assert.deepStrictEqual(
            written.map((r) => r.inputs.secretName ?? r.inputs.variableName),
            ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "REGISTRY_LOGIN_SERVER", "AKS_CLUSTER_NAME", "AKS_RESOURCE_GROUP"],
        );
        for (const r of ofType(recorded, TYPES.environmentSecret)) {
            assert.ok(isSecret(r.inputs.value), `${r.name}'s value reaches the provider as a secret`);
        }
        for (const r of written) {
            assert.strictEqual(r.inputs.environment, "dev");
            assert.strictEqual(r.inputs.repository, "geofencing");
            assert.deepStrictEqual(r.propertyDependencies.environment, [environment.urn], `${r.name} waits for the environment`);
            assert.strictEqual(r.deleteBeforeReplace, true, `${r.name} must be deleted before its replacement is written`);
        }
        assert.deepStrictEqual(ofType(recorded, TYPES.repositorySecret), []);
        assert.deepStrictEqual(ofType(recorded, TYPES.repositoryVariable), []);
    });

    it("lets dev and prod write to different environments of the same repository", async () => {
        const { resources: recorded } = await runUnderMocks(() => [
            new GitHubDeploymentSecrets("dev", base({ environmentName: "dev" })),
            new GitHubDeploymentSecrets("prod", base({ environmentName: "prod", reviewers: { teamIds: [4711042] }, deploymentBranches: ["main"] })),
        ]);
        const environmentsOf = (prefix: string) => new Set(ofType(recorded, TYPES.environmentSecret).filter((r) => r.name.startsWith(`${prefix}-`)).map((r) => r.inputs.environment));
        assert.deepStrictEqual([...environmentsOf("dev")], ["dev"]);
        assert.deepStrictEqual([...environmentsOf("prod")], ["prod"]);
        const keys = ofType(recorded, TYPES.environmentSecret).map((r) => `${r.inputs.repository}/${r.inputs.environment}/${r.inputs.secretName}`);
        assert.strictEqual(new Set(keys).size, 8);
    });

    it("configures reviewers, the deployment branches and the bypass rules for prod", async () => {
        const { resources: recorded } = await runUnderMocks(
            () =>
                new GitHubDeploymentSecrets(
                    "prod",
                    base({ environmentName: "prod", reviewers: { userIds: [583231], teamIds: [4711042] }, deploymentBranches: ["main"], preventSelfReview: true, canAdminsBypass: false }),
                ),
        );
        const environment = one(recorded, TYPES.repositoryEnvironment);
        assert.deepStrictEqual(environment.inputs.reviewers, [{ users: [583231], teams: [4711042] }]);
        // Custom branch policies, never "protected branches only": that one lets every branch deploy
        // while the repository has no branch protection rule.
        assert.deepStrictEqual(environment.inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
        const policies = ofType(recorded, TYPES.environmentDeploymentPolicy);
        assert.deepStrictEqual(
            policies.map((p) => p.inputs),
            [{ repository: "geofencing", environment: "prod", branchPattern: "main" }],
        );
        assert.deepStrictEqual(policies[0].propertyDependencies.environment, [environment.urn], "the policy waits for the environment's custom_branch_policies");
        assert.strictEqual(environment.inputs.preventSelfReview, true);
        assert.strictEqual(environment.inputs.canAdminsBypass, false);
    });

    it("uses the given GitHub provider for every child", async () => {
        const { resources: recorded } = await runUnderMocks(() => {
            const provider = new github.Provider("github", { owner: "contoso" });
            return new GitHubDeploymentSecrets("gh", base({ provider, deploymentBranches: ["main"] }));
        });
        const provider = one(recorded, "pulumi:providers:github");
        const children = recorded.filter((r) => r.type.startsWith("github:"));
        assert.strictEqual(children.length, 8);
        for (const child of children) {
            assert.ok(child.provider.startsWith(`${provider.urn}::`), `${child.name} uses ${child.provider}`);
        }
    });
});

describe("GitHubDeploymentSecrets: deployment branches and tags", () => {
    it("without patterns, sets no branch policy and creates none", async () => {
        const { resources: recorded } = await runUnderMocks(() => new GitHubDeploymentSecrets("gh", base()));
        assert.strictEqual(one(recorded, TYPES.repositoryEnvironment).inputs.deploymentBranchPolicy, undefined);
        assert.deepStrictEqual(ofType(recorded, TYPES.environmentDeploymentPolicy), []);
    });

    it("creates one policy per branch and tag pattern, named after the pattern", async () => {
        const { resources: recorded } = await runUnderMocks(
            () => new GitHubDeploymentSecrets("prod", base({ environmentName: "prod", deploymentBranches: ["main", "release/*"], deploymentTags: ["v*"] })),
        );
        assert.deepStrictEqual(one(recorded, TYPES.repositoryEnvironment).inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
        assert.deepStrictEqual(
            ofType(recorded, TYPES.environmentDeploymentPolicy).map((p) => [p.name, p.inputs]),
            [
                ["prod-deployment-refs-branch-main", { repository: "geofencing", environment: "prod", branchPattern: "main" }],
                ["prod-deployment-refs-branch-release/*", { repository: "geofencing", environment: "prod", branchPattern: "release/*" }],
                ["prod-deployment-refs-tag-v*", { repository: "geofencing", environment: "prod", tagPattern: "v*" }],
            ],
        );
        const component = one(recorded, TYPES.gitHubDeploymentBranchPolicy);
        for (const p of ofType(recorded, TYPES.environmentDeploymentPolicy)) {
            assert.strictEqual(p.parent, component.urn);
        }
    });
});

describe("GitHubDeploymentSecrets: repository scope", () => {
    it("writes repository secrets and variables and creates no environment", async () => {
        const { resources: recorded } = await runUnderMocks(() => new GitHubDeploymentSecrets("gh", base({ scope: "repository", environmentName: undefined })));
        assert.deepStrictEqual(ofType(recorded, TYPES.repositoryEnvironment), []);
        assert.deepStrictEqual(ofType(recorded, TYPES.environmentSecret), []);
        const secrets = ofType(recorded, TYPES.repositorySecret);
        const variables = ofType(recorded, TYPES.repositoryVariable);
        assert.deepStrictEqual(
            secrets.map((r) => [r.inputs.repository, r.inputs.secretName, plain(r.inputs.value)]),
            Object.entries(plainValues.secrets).map(([k, v]) => ["geofencing", k, v]),
        );
        assert.deepStrictEqual(
            variables.map((r) => [r.inputs.repository, r.inputs.variableName, r.inputs.value]),
            Object.entries(plainValues.variables).map(([k, v]) => ["geofencing", k, v]),
        );
        for (const r of [...secrets, ...variables]) {
            assert.strictEqual(r.deleteBeforeReplace, true, r.name);
        }
        for (const r of secrets) {
            assert.ok(isSecret(r.inputs.value), `${r.name}'s value reaches the provider as a secret`);
        }
    });
});

describe("GitHubDeploymentSecrets: refuses bad arguments with one clear message each", () => {
    const prefix = 'GitHubDeploymentSecrets "gh" has invalid arguments:\n  - ';
    const cases: [string, GitHubDeploymentSecretsArgs, string][] = [
        [
            "owner/name instead of the name",
            base({ repository: "contoso/geofencing" }),
            'repository is "contoso/geofencing": must be a GitHub repository name: 1 to 100 letters, digits, \'.\', \'-\' or \'_\' (the name alone: the owner is the GitHub provider\'s "owner")',
        ],
        ["unknown scope", base({ scope: "organization" as never }), 'scope is "organization": must be one of environment, repository'],
        ["environment scope without environment", base({ environmentName: undefined }), 'environmentName is missing: it is required with scope "environment"'],
        [
            "environment with a wildcard",
            base({ environmentName: "prod*" }),
            "environmentName is \"prod*\": must be 1 to 255 characters without whitespace, ':' or wildcard characters (jobs that use it are trusted by their OIDC subject)",
        ],
        [
            "seven reviewers",
            base({ reviewers: { userIds: [1, 2, 3, 4], teamIds: [5, 6, 7] } }),
            "reviewers lists 7 users and teams: GitHub allows at most 6 required reviewers on an environment",
        ],
        [
            "reviewers in repository scope",
            base({ scope: "repository", environmentName: undefined, reviewers: { teamIds: [1] } }),
            'reviewers is set with scope "repository": it configures a GitHub environment, which this scope does not create',
        ],
        [
            "environment name in repository scope",
            base({ scope: "repository" }),
            'environmentName is set with scope "repository": it configures a GitHub environment, which this scope does not create',
        ],
        [
            "the removed protectedBranches",
            base({ protectedBranches: true } as never),
            'protectedBranches is true: it is no longer supported, because GitHub lets every branch deploy when the repository has no branch protection rule; list the branches that may deploy in deploymentBranches (e.g. ["main"]) instead',
        ],
        [
            "a deployment branch given as a full ref",
            base({ deploymentBranches: ["refs/heads/main"] }),
            'deploymentBranches[0] is "refs/heads/main": must name the branch or tag ("main", "v*"), not the full ref: leave out "refs/heads/" or "refs/tags/"; a pull request ref ("refs/pull/*/merge") would let code that is not merged deploy',
        ],
        [
            "an empty list of deployment branches, which would silently restrict nothing",
            base({ deploymentBranches: [] }),
            "deploymentBranches and deploymentTags list no pattern: leave them out to let every branch deploy, or list at least one",
        ],
        [
            "deployment tags in repository scope",
            base({ scope: "repository", environmentName: undefined, deploymentTags: ["v*"] }),
            'deploymentTags is set with scope "repository": it configures a GitHub environment, which this scope does not create',
        ],
        [
            "missing secret",
            base({ secrets: { ...plainValues.secrets, REGISTRY_LOGIN_SERVER: undefined as never } }),
            "secrets.REGISTRY_LOGIN_SERVER is missing: every one of AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID, REGISTRY_LOGIN_SERVER is required",
        ],
        [
            "unknown variable",
            base({ variables: { ...plainValues.variables, KUBECONFIG: "x" } as never }),
            "variables.KUBECONFIG is not a known name: expected one of AKS_CLUSTER_NAME, AKS_RESOURCE_GROUP (githubConstants.ts holds the one list)",
        ],
    ];
    for (const [title, args, message] of cases) {
        it(title, async () => {
            assert.strictEqual(await rejection(args), prefix + message);
        });
    }
    it("reports every problem of one call together", async () => {
        assert.strictEqual(
            await rejection(base({ scope: "repository", environmentName: "dev", deploymentBranches: ["main"] })),
            prefix +
                'environmentName is set with scope "repository": it configures a GitHub environment, which this scope does not create\n  - ' +
                'deploymentBranches is set with scope "repository": it configures a GitHub environment, which this scope does not create',
        );
    });
});
