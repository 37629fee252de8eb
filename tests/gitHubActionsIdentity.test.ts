import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as github from "@pulumi/github";
import { GitHubActionsIdentity, GitHubActionsIdentityArgs } from "../components/gitHubActionsIdentity";
import { FAKE, ofType, one, Recorded, runUnderMocks, valueOf } from "./harness";
import { TYPES } from "./resourceTypes";

const REGISTRY_ID = `/subscriptions/${FAKE.subscriptionId}/resourceGroups/geofencing-dev/providers/Microsoft.ContainerRegistry/registries/contosogeo1a2b3c4d5e6f7`;
const CLUSTER_ID = `/subscriptions/${FAKE.subscriptionId}/resourceGroups/geofencing-dev/providers/Microsoft.ContainerService/managedClusters/geofencing-dev`;

function base(overrides: Partial<GitHubActionsIdentityArgs> = {}): GitHubActionsIdentityArgs {
    return { repository: { owner: "contoso", name: "geofencing" }, environment: "dev", ...overrides };
}

async function run(args: GitHubActionsIdentityArgs) {
    const result = await runUnderMocks(() => {
        const identity = new GitHubActionsIdentity("gha", args);
        return {
            clientId: identity.clientId,
            principalId: identity.principalId,
            applicationObjectId: identity.applicationObjectId,
            tenantId: identity.tenantId,
            displayName: identity.displayName,
            subjects: identity.subjects,
        };
    });
    const outputs = {
        clientId: await valueOf(result.value.clientId),
        principalId: await valueOf(result.value.principalId),
        applicationObjectId: await valueOf(result.value.applicationObjectId),
        tenantId: await valueOf(result.value.tenantId),
        displayName: await valueOf(result.value.displayName),
        subjects: await valueOf(result.value.subjects),
    };
    return { resources: result.resources, outputs };
}

let defaultRun: ReturnType<typeof run> | undefined;
/** The identity with default arguments, run once and shared: the tests only read what it recorded. */
const runDefaults = () => (defaultRun ??= run(base()));

async function rejection(args: GitHubActionsIdentityArgs): Promise<string> {
    try {
        await runUnderMocks(() => new GitHubActionsIdentity("gha", args));
    } catch (e) {
        return (e as Error).message;
    }
    assert.fail("expected the component to refuse its arguments");
}

const subjectsOf = (resources: Recorded[]) => ofType(resources, TYPES.applicationFederatedCredential).map((r) => r.inputs.subject);

describe("GitHubActionsIdentity: app, service principal, federated credentials", () => {
    it("trusts the environment's jobs by default, with GitHub's issuer and Entra's audience character for character", async () => {
        const { resources, outputs } = await runDefaults();
        const app = one(resources, TYPES.application);
        const fic = one(resources, TYPES.applicationFederatedCredential);
        assert.strictEqual(app.inputs.displayName, "github-contoso-geofencing-dev");
        assert.strictEqual(fic.inputs.issuer, "https://token.actions.githubusercontent.com");
        assert.deepStrictEqual(fic.inputs.audiences, ["api://AzureADTokenExchange"]);
        assert.strictEqual(fic.inputs.subject, "repo:contoso/geofencing:environment:dev");
        assert.strictEqual(fic.inputs.displayName, "environment-dev");
        assert.deepStrictEqual(outputs.subjects, ["repo:contoso/geofencing:environment:dev"]);
    });

    it("attaches every credential to the app's resource id and deletes the old credential before replacing it", async () => {
        const { resources } = await run(base({ triggers: [{ kind: "environment", name: "dev" }, { kind: "branch", name: "main" }, { kind: "pull_request" }] }));
        const app = one(resources, TYPES.application);
        const fics = ofType(resources, TYPES.applicationFederatedCredential);
        assert.strictEqual(fics.length, 3);
        for (const fic of fics) {
            assert.strictEqual(fic.inputs.applicationId, app.id);
            assert.deepStrictEqual(fic.propertyDependencies.applicationId, [app.urn]);
            assert.strictEqual(fic.deleteBeforeReplace, true, `${fic.name} must be deleted before it is replaced`);
        }
        assert.deepStrictEqual(subjectsOf(resources), [
            "repo:contoso/geofencing:environment:dev",
            "repo:contoso/geofencing:ref:refs/heads/main",
            "repo:contoso/geofencing:pull_request",
        ]);
    });

    it("creates the service principal of the app's client id, and no password or certificate", async () => {
        const { resources, outputs } = await run(base({ owners: [FAKE.deployerObjectId] }));
        const app = one(resources, TYPES.application);
        const sp = one(resources, TYPES.servicePrincipal);
        assert.strictEqual(sp.inputs.clientId, app.state.clientId);
        assert.deepStrictEqual(sp.propertyDependencies.clientId, [app.urn]);
        assert.deepStrictEqual(app.inputs.owners, [FAKE.deployerObjectId]);
        assert.deepStrictEqual(sp.inputs.owners, [FAKE.deployerObjectId]);
        assert.strictEqual(app.inputs.password, undefined);
        assert.deepStrictEqual(
            resources.filter((r) => /password|certificate|secret/i.test(r.type)).map((r) => r.type),
            [],
        );
        assert.deepStrictEqual(outputs, {
            clientId: app.state.clientId,
            principalId: sp.state.objectId,
            applicationObjectId: app.state.objectId,
            tenantId: FAKE.tenantId,
            displayName: "github-contoso-geofencing-dev",
            subjects: ["repo:contoso/geofencing:environment:dev"],
        });
    });

    it("parents every child to the component", async () => {
        const { resources } = await run(base({ registry: { resourceId: REGISTRY_ID }, cluster: { resourceId: CLUSTER_ID, namespaces: ["geofencing"] } }));
        const component = one(resources, TYPES.gitHubActionsIdentity);
        const children = resources.filter((r) => r !== component);
        assert.strictEqual(children.length, 6);
        for (const child of children) {
            assert.strictEqual(child.parent, component.urn, `${child.type} ${child.name}`);
        }
    });
});

describe("GitHubActionsIdentity: immutable subjects", () => {
    it("spells the repository with its ids, taken from outputs", async () => {
        const { resources, outputs } = await run(
            base({
                repository: { owner: "Contoso", name: "GeoFencing", ownerId: pulumi.output(9919), repositoryId: pulumi.output(681234567) },
                subjectFormat: "immutable",
                triggers: [{ kind: "environment", name: "dev" }, { kind: "tag", name: "v1.0.0" }],
            }),
        );
        assert.deepStrictEqual(subjectsOf(resources), [
            "repo:Contoso@9919/GeoFencing@681234567:environment:dev",
            "repo:Contoso@9919/GeoFencing@681234567:ref:refs/tags/v1.0.0",
        ]);
        assert.deepStrictEqual(
            ofType(resources, TYPES.applicationFederatedCredential).map((r) => r.inputs.displayName),
            // '.' is not among the characters a credential name takes: replaced, plus a hash of the trigger.
            ["environment-dev-immutable", "tag-v1-0-0-44d89748-immutable"],
        );
        assert.deepStrictEqual(outputs.subjects, subjectsOf(resources));
    });

    it("keeps the name-based credentials, under their old names, while migrating", async () => {
        const before = await runDefaults();
        const during = await run(base({ repository: { owner: "contoso", name: "geofencing", ownerId: 9919, repositoryId: 681234567 }, subjectFormat: "immutable", keepNameSubjects: true }));
        const old = one(before.resources, TYPES.applicationFederatedCredential);
        const kept = one(during.resources, TYPES.applicationFederatedCredential, old.name);
        assert.deepStrictEqual(
            { subject: kept.inputs.subject, displayName: kept.inputs.displayName },
            { subject: old.inputs.subject, displayName: old.inputs.displayName },
        );
        assert.deepStrictEqual(during.outputs.subjects, [
            "repo:contoso/geofencing:environment:dev",
            "repo:contoso@9919/geofencing@681234567:environment:dev",
        ]);
    });

    it("builds the subjects of a custom template, with the reusable workflow", async () => {
        const workflow = "contoso/platform/.github/workflows/deploy.yml@refs/heads/main";
        const { outputs } = await run(
            base({
                repository: { owner: "contoso", name: "geofencing", ownerId: 9919, repositoryId: 681234567 },
                subjectFormat: "immutable",
                subjectClaimKeys: ["repo", "context", "job_workflow_ref"],
                jobWorkflowRef: workflow,
            }),
        );
        assert.deepStrictEqual(outputs.subjects, [`repo:contoso@9919/geofencing@681234567:environment:dev:job_workflow_ref:${workflow}`]);
    });

    it("works with the ids the stack looks up through the GitHub provider", async () => {
        const result = await runUnderMocks(() => {
            const repo = github.getRepositoryOutput({ fullName: "contoso/geofencing" });
            const owner = github.getUserOutput({ username: "contoso" });
            return new GitHubActionsIdentity("gha", {
                repository: { owner: "contoso", name: "geofencing", ownerId: owner.id.apply(Number), repositoryId: repo.repoId },
                environment: "prod",
                subjectFormat: "immutable",
            }).subjects;
        });
        assert.deepStrictEqual(await valueOf(result.value), [`repo:contoso@${FAKE.githubOwnerId}/geofencing@${FAKE.githubRepositoryId}:environment:prod`]);
    });
});

describe("GitHubActionsIdentity: roles", () => {
    it("grants AcrPush on exactly the registry to the service principal's object id", async () => {
        const { resources } = await run(base({ registry: { resourceId: REGISTRY_ID } }));
        const sp = one(resources, TYPES.servicePrincipal);
        const push = one(resources, TYPES.roleAssignment);
        assert.strictEqual(push.inputs.scope, REGISTRY_ID);
        assert.strictEqual(push.inputs.principalId, sp.state.objectId);
        assert.deepStrictEqual(push.propertyDependencies.principalId, [sp.urn]);
        assert.strictEqual(push.inputs.principalType, "ServicePrincipal");
        assert.strictEqual(push.inputs.roleDefinitionId, `/subscriptions/${FAKE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/8311e382-0749-4cb8-b61a-304f252e45ec`);
    });

    it("grants Container Registry Repository Writer instead on an ABAC registry", async () => {
        const { resources } = await run(base({ registry: { resourceId: REGISTRY_ID, abacRepositoryPermissions: true } }));
        assert.match(one(resources, TYPES.roleAssignment).inputs.roleDefinitionId, /\/roleDefinitions\/2a1e307c-b015-4ebd-883e-5b7698a07328$/);
    });

    it("grants the cluster user role on the cluster and the deploy role per namespace only", async () => {
        const { resources } = await run(base({ cluster: { resourceId: CLUSTER_ID, namespaces: ["geofencing", "geofencing-jobs"] } }));
        const sp = one(resources, TYPES.servicePrincipal);
        const roles = ofType(resources, TYPES.roleAssignment).map((r) => ({ scope: r.inputs.scope, role: r.inputs.roleDefinitionId.split("/").pop(), principalId: r.inputs.principalId, principalType: r.inputs.principalType }));
        const expect = (scope: string, role: string) => ({ scope, role, principalId: sp.state.objectId, principalType: "ServicePrincipal" });
        assert.deepStrictEqual(roles, [
            expect(CLUSTER_ID, "4abbcc35-e782-43d8-92c5-2d3f1bd2253f"),
            expect(`${CLUSTER_ID}/namespaces/geofencing`, "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb"),
            expect(`${CLUSTER_ID}/namespaces/geofencing-jobs`, "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb"),
        ]);
    });

    it("takes another namespace role by name", async () => {
        const { resources } = await run(base({ cluster: { resourceId: CLUSTER_ID, namespaces: ["geofencing"], namespaceRole: "Azure Kubernetes Service RBAC Reader" } }));
        const deploy = one(resources, TYPES.roleAssignment, "gha-deploy-geofencing");
        assert.match(deploy.inputs.roleDefinitionId, /\/roleDefinitions\/7f6c6a51-bcf8-42ba-9220-52d62157d7db$/);
    });

    it("grants nothing without a registry or cluster", async () => {
        const { resources } = await runDefaults();
        assert.deepStrictEqual(ofType(resources, TYPES.roleAssignment), []);
    });
});

describe("GitHubActionsIdentity: refuses bad arguments with one clear message each", () => {
    const prefix = 'GitHubActionsIdentity "gha" has invalid arguments:\n  - ';
    const cases: [string, GitHubActionsIdentityArgs, string][] = [
        ["owner with a slash", base({ repository: { owner: "contoso/x", name: "geofencing" } }), 'repository.owner is "contoso/x": must be a GitHub account name: 1 to 39 letters, digits or single hyphens, not starting or ending with a hyphen'],
        ["empty repository name", base({ repository: { owner: "contoso", name: "" } }), "repository.name is \"\": must be a GitHub repository name: 1 to 100 letters, digits, '.', '-' or '_'"],
        ["upper-case environment", base({ environment: "Dev" }), "environment is \"Dev\": must be 1 to 20 lower-case letters, digits or '-', starting with a letter and not ending with '-' (it becomes part of Azure resource names and of the GitHub OIDC subject)"],
        ["unknown subject format", base({ subjectFormat: "id" as never }), 'subjectFormat is "id": must be one of name, immutable'],
        [
            "immutable without ids",
            base({ subjectFormat: "immutable", repository: { owner: "contoso", name: "geofencing", ownerId: 9919 } }),
            'subjectFormat is "immutable": it needs repository.ownerId and repository.repositoryId (GitHub\'s numeric ids; look them up through the GitHub provider or set them in config)',
        ],
        ["keepNameSubjects with the name format", base({ keepNameSubjects: true }), 'keepNameSubjects is true: it only applies with subjectFormat "immutable" (the subject format is "name")'],
        ["no triggers", base({ triggers: [] }), "triggers is []: must list at least one trigger, or be left out to trust the environment's jobs"],
        [
            "wildcard branch",
            base({ triggers: [{ kind: "branch", name: "feature/*" }] }),
            'triggers[0] is "branch:feature/*": contains a wildcard character (*, ?, [ or ]): Entra ID matches federated-credential subjects exactly, with no wildcards',
        ],
        [
            "duplicate trigger",
            base({ triggers: [{ kind: "branch", name: "main" }, { kind: "branch", name: "main" }] }),
            'triggers[1] is "branch:main": is listed twice; each subject can be trusted only once per identity',
        ],
        [
            "21 triggers",
            base({ triggers: Array.from({ length: 21 }, (_, i) => ({ kind: "branch" as const, name: `b${i}` })) }),
            "triggers needs 21 federated credentials (21 triggers): Entra ID allows at most 20 on one application",
        ],
        [
            "11 triggers kept twice while migrating",
            base({
                repository: { owner: "contoso", name: "geofencing", ownerId: 1, repositoryId: 2 },
                subjectFormat: "immutable",
                keepNameSubjects: true,
                triggers: Array.from({ length: 11 }, (_, i) => ({ kind: "tag" as const, name: `v${i}` })),
            }),
            "triggers needs 22 federated credentials (11 triggers, twice with keepNameSubjects): Entra ID allows at most 20 on one application",
        ],
        [
            "a subject template with a claim it cannot build",
            base({ subjectClaimKeys: ["repo", "context", "actor"] }),
            'subjectClaimKeys: include_claim_keys ["repo","context","actor"]: credless-aks builds subjects from repo, context, environment, job_workflow_ref only, not from "actor"; use GitHub\'s default template for this repository, or a template of those claims',
        ],
        ["no namespaces", base({ cluster: { resourceId: CLUSTER_ID, namespaces: [] } }), "cluster.namespaces is []: must list at least one namespace to deploy to"],
        [
            "bad namespace",
            base({ cluster: { resourceId: CLUSTER_ID, namespaces: ["Geo_Fencing"] } }),
            "cluster.namespaces[0] is \"Geo_Fencing\": must be an RFC 1123 label: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit",
        ],
        ["namespace twice", base({ cluster: { resourceId: CLUSTER_ID, namespaces: ["geo", "geo"] } }), 'cluster.namespaces[1] is "geo": is listed twice'],
        [
            "privileged namespace role",
            base({ cluster: { resourceId: CLUSTER_ID, namespaces: ["geo"], namespaceRole: "Contributor" } }),
            'cluster.namespaceRole is "Contributor": grants control of the scope or of who may access it, which credless-aks never grants (Owner, Contributor, User Access Administrator, Role Based Access Control Administrator, Azure Kubernetes Service Cluster Admin Role, Azure Kubernetes Service Contributor Role); pick a narrower role',
        ],
    ];
    for (const [title, args, message] of cases) {
        it(title, async () => {
            assert.strictEqual(await rejection(args), prefix + message);
        });
    }

    it("reports all problems of one call together", async () => {
        const message = await rejection(base({ environment: "Dev", triggers: [] }));
        assert.strictEqual(
            message,
            prefix +
                "environment is \"Dev\": must be 1 to 20 lower-case letters, digits or '-', starting with a letter and not ending with '-' (it becomes part of Azure resource names and of the GitHub OIDC subject)\n  - " +
                "triggers is []: must list at least one trigger, or be left out to trust the environment's jobs",
        );
    });

    it("refuses an id that is not a positive whole number when it resolves, failing the run", async () => {
        const expected = prefix + "ownerId of contoso/geofencing is -1: must be a positive whole number (GitHub's numeric id)";
        await assert.rejects(
            runUnderMocks(
                () =>
                    new GitHubActionsIdentity(
                        "gha",
                        base({ repository: { owner: "contoso", name: "geofencing", ownerId: pulumi.output(-1), repositoryId: 2 }, subjectFormat: "immutable" }),
                    ),
            ),
            // The serializer wraps the error with the property it was serializing.
            (e: Error) => e.message.endsWith(expected),
        );
    });
});
