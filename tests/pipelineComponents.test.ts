import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { invalidArgumentsMessage } from "../components/argumentProblems";
import { GitHubAppKeyVault, GitHubAppKeyVaultArgs } from "../components/gitHubAppKeyVault";
import { GitHubPipelineEnvironment, GitHubPipelineEnvironmentArgs } from "../components/gitHubPipelineEnvironment";
import { PipelineIdentity, PipelineIdentityArgs } from "../components/pipelineIdentity";
import { PulumiCloudPipelineAccess } from "../components/pulumiCloudPipelineAccess";
import { rejectionMessage, runUnderMocks } from "./harness";

const run = (program: () => void) => runUnderMocks(program, { project: "credless-aks-bootstrap" });
const fails = (program: () => void) => rejectionMessage(() => run(program), "the component");

const identity = (over: Partial<PipelineIdentityArgs>): PipelineIdentityArgs => ({
    identityName: "id-x",
    resourceGroupName: "rg",
    location: "westeurope",
    repository: { owner: "contoso", name: "platform" },
    triggers: [{ kind: "environment", name: "infra-dev" }],
    ...over,
});

describe("PipelineIdentity: argument rules, each with its exact message", () => {
    const cases: [string, Partial<PipelineIdentityArgs>, string[]][] = [
        ["unknown kind", { kind: "servicePrincipal" as never }, ['kind is "servicePrincipal": must be one of managedIdentity, application']],
        ["unknown subject format", { subjectFormat: "id" as never }, ['subjectFormat is "id": must be one of name, immutable']],
        ["managed identity without its group", { resourceGroupName: undefined }, ['resourceGroupName and location are required with kind "managedIdentity"']],
        [
            "app registration with a group",
            { kind: "application" },
            ['resourceGroupName and location are set with kind "application": an app registration lives in the directory, not in a resource group'],
        ],
        ["no trigger", { triggers: [] }, ["triggers lists 0 triggers: must list 1 to 20 (one federated credential each)"]],
        [
            "a trigger twice",
            { triggers: [{ kind: "pull_request" }, { kind: "pull_request" }] },
            ['triggers[1] is "pull_request": is listed twice; each subject can be trusted only once per identity'],
        ],
    ];
    for (const [what, over, problems] of cases) {
        it(`refuses ${what}`, async () => {
            const message = await fails(() => {
                new PipelineIdentity("x", identity(over));
            });
            assert.strictEqual(message, invalidArgumentsMessage("PipelineIdentity", "x", problems));
        });
    }
});

describe("GitHubAppKeyVault: argument rules", () => {
    const vault = (over: Partial<GitHubAppKeyVaultArgs>): GitHubAppKeyVaultArgs => ({
        vaultName: "kv-x-1",
        resourceGroupName: "rg",
        location: "westeurope",
        tenantId: "t",
        readers: [{ secretName: "github-app-key-dev", principalId: "p", key: "apply-dev" }],
        ...over,
    });
    it("refuses a bad vault name, a bad secret name and a key used twice, all at once", async () => {
        const message = await fails(() => {
            new GitHubAppKeyVault(
                "v",
                vault({
                    vaultName: "1kv",
                    readers: [
                        { secretName: "a_b", principalId: "p", key: "k" },
                        { secretName: "ok", principalId: "q", key: "k" },
                    ],
                }),
            );
        });
        assert.strictEqual(
            message,
            invalidArgumentsMessage("GitHubAppKeyVault", "v", [
                'vaultName is "1kv": must be 3 to 24 letters, digits or \'-\', start with a letter, end with a letter or digit, and have no \'--\'',
                'readers[0].secretName is "a_b": must be 1 to 127 letters, digits or \'-\'',
                'readers[1].key is "k": is used twice',
            ]),
        );
    });
    it("grants Key Vault Secrets User on the one secret, never on the vault", async () => {
        const { resources } = await run(() => {
            new GitHubAppKeyVault("v", vault({}));
        });
        const grants = resources.filter((r) => r.type === "azure-native:authorization:RoleAssignment");
        assert.deepStrictEqual(
            grants.map((g) => String(g.inputs.scope).split("/providers/")[1]),
            ["Microsoft.KeyVault/vaults/kv-x-1/secrets/github-app-key-dev"],
        );
    });
});

describe("GitHubPipelineEnvironment: argument rules", () => {
    const environment = (over: Partial<GitHubPipelineEnvironmentArgs>): GitHubPipelineEnvironmentArgs => ({
        repository: "platform",
        environmentName: "infra-dev",
        secrets: { INFRA_APPLY_CLIENT_ID: "c" },
        ...over,
    });
    it("refuses more than six reviewers and an empty branch list", async () => {
        const message = await fails(() => {
            new GitHubPipelineEnvironment("e", environment({ reviewers: { userIds: [1, 2, 3, 4], teamIds: [5, 6, 7] }, deploymentBranches: [] }));
        });
        assert.strictEqual(
            message,
            invalidArgumentsMessage("GitHubPipelineEnvironment", "e", [
                "reviewers lists 7 users and teams: GitHub allows at most 6",
                "deploymentBranches is []: list at least one branch, or leave it out to let any branch deploy",
            ]),
        );
    });
    it("without branches leaves the environment open and creates no branch policy; reviewers turn on prevent-self-review", async () => {
        const { resources } = await run(() => {
            new GitHubPipelineEnvironment("e", environment({ reviewers: { userIds: [1] } }));
        });
        const env = resources.find((r) => r.type === "github:index/repositoryEnvironment:RepositoryEnvironment")!;
        assert.strictEqual(env.inputs.deploymentBranchPolicy, undefined);
        assert.strictEqual(env.inputs.preventSelfReview, true);
        assert.strictEqual(resources.filter((r) => r.type === "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy").length, 0);
    });
});

describe("PulumiCloudPipelineAccess: argument rules", () => {
    it("refuses a bad organization and no environment", async () => {
        const message = await fails(() => {
            new PulumiCloudPipelineAccess("p", { organization: "a b", project: "credless-aks", environments: [] });
        });
        assert.strictEqual(
            message,
            invalidArgumentsMessage("PulumiCloudPipelineAccess", "p", ['organization is "a b": must be a Pulumi Cloud organization name', "environments is []: list at least one environment"]),
        );
    });
    it("hands out no organization token: every policy is a team token for one exact subject", async () => {
        const { resources } = await run(() => {
            new PulumiCloudPipelineAccess("p", {
                organization: "contoso",
                project: "credless-aks",
                environments: [{ environment: "dev", planSubject: pulumi.output("repo:o/r:environment:infra-dev-plan"), applySubject: "repo:o/r:environment:infra-dev" }],
            });
        });
        const issuer = resources.find((r) => r.type === "pulumiservice:index:OidcIssuer")!;
        assert.deepStrictEqual(
            issuer.inputs.policies.map((p: { tokenType: string; rules: { sub: string } }) => [p.tokenType, p.rules.sub]),
            [
                ["team", "repo:o/r:environment:infra-dev-plan"],
                ["team", "repo:o/r:environment:infra-dev"],
            ],
        );
    });
});
