import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { parse } from "yaml";
import { ConfigError, parseStackConfig, RawConfig } from "../stack/config";

/** Reads Pulumi.<stack>.yaml into the raw shape that stack/loadConfig.ts builds from Pulumi config. */
export function rawFromStackFile(stack: string): RawConfig {
    const file = path.join(__dirname, "fixtures", "stacks", `Pulumi.${stack}.yaml`);
    const config: Record<string, unknown> = parse(fs.readFileSync(file, "utf8")).config;
    const get = (key: string) => config[`credless-aks:${key}`];
    return {
        stack,
        location: config["azure-native:location"],
        environment: get("environment"),
        resourceGroup: get("resourceGroup"),
        github: get("github"),
        cluster: get("cluster"),
        registry: get("registry"),
        workloads: get("workloads"),
    };
}

function minimal(overrides: Partial<RawConfig> = {}): RawConfig {
    return {
        stack: "dev",
        location: "westeurope",
        github: { repository: "contoso/geofencing" },
        registry: { namePrefix: "contosogeo" },
        ...overrides,
    };
}

function problems(raw: RawConfig): string[] {
    try {
        parseStackConfig(raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

describe("config: the stack files", () => {
    it("loads the dev fixture into the typed object", () => {
        const c = parseStackConfig(rawFromStackFile("dev"));
        assert.strictEqual(c.environment, "dev");
        assert.strictEqual(c.location, "westeurope");
        assert.deepStrictEqual([c.github.owner, c.github.name], ["contoso", "geofencing"]);
        assert.deepStrictEqual(c.github.triggers, [{ kind: "environment", name: "dev" }]);
        assert.strictEqual(c.cluster.tier, "Free");
        assert.strictEqual(c.registry.sku, "Basic");
        assert.deepStrictEqual(c.github.deployNamespaces, ["geofencing"]);
        assert.strictEqual(c.workloads.length, 2);
    });

    it("loads the prod fixture, hardened", () => {
        const c = parseStackConfig(rawFromStackFile("prod"));
        assert.strictEqual(c.environment, "prod");
        assert.strictEqual(c.cluster.tier, "Standard");
        assert.strictEqual(c.cluster.deletionProtection, true);
        assert.strictEqual(c.registry.sku, "Premium");
        assert.ok(c.cluster.authorizedIpRanges.length > 0);
        assert.deepStrictEqual(c.github.reviewerTeamIds, [4711042]);
        assert.deepStrictEqual([c.github.deploymentBranches, c.github.deploymentTags], [["main"], []]);
    });
});

describe("config: defaults", () => {
    it("defaults the environment to the stack name and trusts that GitHub environment", () => {
        const c = parseStackConfig(minimal({ stack: "staging" }));
        assert.strictEqual(c.environment, "staging");
        assert.deepStrictEqual(c.github.triggers, [{ kind: "environment", name: "staging" }]);
        assert.strictEqual(c.github.secretsScope, "environment");
        // Not forced: the stack reads the format from GitHub before registering anything.
        assert.strictEqual(c.github.subjectFormat, undefined);
        assert.strictEqual(c.cluster.tier, "Free");
        assert.strictEqual(c.cluster.kubeloginMode, "azurecli");
        assert.strictEqual(c.cluster.deployerPrincipalType, undefined, "left to ARM, which looks the existing principal up");
        assert.strictEqual(c.cluster.managementLock, false);
        assert.strictEqual(c.registry.zoneRedundancy, false);
    });

    it("hardens prod by default: Standard tier, deletion protection", () => {
        const c = parseStackConfig(minimal({ stack: "prod" }));
        assert.strictEqual(c.cluster.tier, "Standard");
        assert.strictEqual(c.cluster.deletionProtection, true);
        assert.strictEqual(c.cluster.nodePool.count, 3);
    });

    it("restricts no deployment branch unless told, as GitHub does; reads branch and tag patterns as given", () => {
        const open = parseStackConfig(minimal());
        assert.deepStrictEqual([open.github.deploymentBranches, open.github.deploymentTags], [[], []]);
        const restricted = parseStackConfig(minimal({ github: { repository: "a/b", deploymentBranches: ["main", "release/*"], deploymentTags: ["v*"] } }));
        assert.deepStrictEqual([restricted.github.deploymentBranches, restricted.github.deploymentTags], [["main", "release/*"], ["v*"]]);
        const tagsOnly = parseStackConfig(minimal({ github: { repository: "a/b", deploymentBranches: [], deploymentTags: ["v*"] } }));
        assert.deepStrictEqual([tagsOnly.github.deploymentBranches, tagsOnly.github.deploymentTags], [[], ["v*"]]);
    });

    it("derives namespace and service account from the workload name", () => {
        const c = parseStackConfig(minimal({ workloads: [{ name: "billing" }] }));
        assert.deepStrictEqual(
            { ...c.workloads[0] },
            { name: "billing", namespace: "billing", serviceAccount: "billing", identityType: "managedIdentity", createNamespace: true, tokenExpirationSeconds: undefined, roles: [], apiPermissions: [] },
        );
    });
});

describe("config: every rule has its message", () => {
    const cases: [string, Partial<RawConfig>, string][] = [
        ["missing location", { location: undefined }, "azure-native:location is missing: it is required"],
        ["bad location", { location: "West Europe" }, 'azure-native:location is "West Europe": must be an Azure region name such as "westeurope" (lower-case letters and digits)'],
        ["missing github", { github: undefined }, "credless-aks:github is missing: it is required"],
        [
            "bad existing resource group",
            { resourceGroup: { existingName: "rg." } },
            "credless-aks:resourceGroup.existingName is \"rg.\": must be a resource group name: 1 to 90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
        ],
        ["repository without owner", { github: { repository: "geofencing" } }, 'credless-aks:github.repository is "geofencing": must be "owner/name", for example "contoso/geofencing"'],
        ["repository with empty owner", { github: { repository: "/geofencing" } }, 'credless-aks:github.repository is "/geofencing": must be "owner/name", for example "contoso/geofencing"'],
        ["owner with trailing hyphen", { github: { repository: "contoso-/geofencing" } }, 'credless-aks:github.repository is "contoso-/geofencing": has owner "contoso-", which must be a GitHub account name: 1 to 39 letters, digits or single hyphens, not starting or ending with a hyphen'],
        ["wildcard trigger", { github: { repository: "a/b", triggers: ["branch:release/*"] } }, 'credless-aks:github.triggers[0] is "branch:release/*": contains a wildcard character (*, ?, [ or ]): Entra ID matches federated-credential subjects exactly, with no wildcards'],
        ["unknown trigger", { github: { repository: "a/b", triggers: ["push"] } }, 'credless-aks:github.triggers[0] is "push": must be "environment:<name>", "branch:<name>", "tag:<name>" or "pull_request"'],
        ["duplicate trigger", { github: { repository: "a/b", triggers: ["environment:dev", "pull_request", "pull_request"] } }, 'credless-aks:github.triggers[2] is "pull_request": is listed twice; each subject can be trusted only once per identity'],
        [
            "more than 20 credentials",
            { github: { repository: "a/b", triggers: ["environment:dev", ...Array.from({ length: 20 }, (_, i) => `branch:b${i}`)] } },
            'credless-aks:github.triggers is "21 triggers": Entra ID allows at most 20 federated credentials on one application',
        ],
        ["keepNameSubjects without the immutable format", { github: { repository: "a/b", keepNameSubjects: true } }, 'credless-aks:github.keepNameSubjects is true: only applies with subjectFormat "immutable" (name-based subjects are already what "name" trusts)'],
        [
            "more than 20 credentials while migrating subject formats",
            { github: { repository: "a/b", subjectFormat: "immutable", ownerId: 1, repositoryId: 2, keepNameSubjects: true, triggers: ["environment:dev", ...Array.from({ length: 10 }, (_, i) => `branch:b${i}`)] } },
            'credless-aks:github.triggers is "11 triggers in two subject formats": Entra ID allows at most 20 federated credentials on one application',
        ],
        [
            "triggers without the environment that holds the secrets",
            { github: { repository: "a/b", triggers: ["branch:main"] } },
            'credless-aks:github.triggers is ["branch:main"]: must include "environment:dev": the secrets are written to GitHub environment "dev", and only jobs that run in it can read them',
        ],
        [
            "an environment trigger differing only in case",
            { github: { repository: "a/b", triggers: ["environment:dev", "environment:Dev"] } },
            'credless-aks:github.triggers[1] is "environment:Dev": differs from the environment "dev" only in letter case: Entra ID compares subjects case-sensitively, so write it as the workflow does',
        ],
        [
            "a branch trigger next to a protected environment",
            { github: { repository: "a/b", triggers: ["environment:dev", "branch:main"], deploymentBranches: ["main"] } },
            'credless-aks:github.triggers[1] is "branch:main": would let jobs outside the protected environment obtain the identity, bypassing its reviewers and branch rules; trust only environment triggers here',
        ],
        ["unknown subject format", { github: { repository: "a/b", subjectFormat: "id" } }, 'credless-aks:github.subjectFormat is "id": must be one of name, immutable'],
        [
            "a subject template with a claim the stack cannot build",
            { github: { repository: "a/b", subjectClaimKeys: ["repo", "context", "actor"] } },
            'credless-aks:github.subjectClaimKeys is ["repo","context","actor"]: credless-aks builds subjects from repo, context, environment, job_workflow_ref only, not from "actor"; use GitHub\'s default template for this repository, or a template of those claims',
        ],
        [
            "a subject template with job_workflow_ref but no workflow",
            { github: { repository: "a/b", subjectClaimKeys: ["repo", "context", "job_workflow_ref"] } },
            'credless-aks:github.subjectClaimKeys is ["repo","context","job_workflow_ref"]: has "job_workflow_ref": set jobWorkflowRef to the reusable workflow the deployment jobs run, as "owner/repo/.github/workflows/<file>@<ref>"',
        ],
        [
            "a job workflow ref in the wrong shape",
            { github: { repository: "a/b", subjectClaimKeys: ["repo", "context", "job_workflow_ref"], jobWorkflowRef: "deploy.yml" } },
            'credless-aks:github.jobWorkflowRef is "deploy.yml": must be "owner/repo/.github/workflows/<file>.yml@<ref>", as GitHub writes the job_workflow_ref claim',
        ],
        ["unknown github key", { github: { repository: "a/b", repo: "x" } }, "credless-aks:github.repo is not a known key: expected one of repository, subjectFormat, keepNameSubjects, ownerId, repositoryId, triggers, secretsScope, environmentName, reviewers, deploymentBranches, deploymentTags, preventSelfReview, canAdminsBypass, deployNamespaces, subjectClaimKeys, jobWorkflowRef"],
        [
            "a deploy namespace no workload uses",
            { github: { repository: "a/b", deployNamespaces: ["geofencing", "kube-system"] }, workloads: [{ name: "api", namespace: "geofencing" }] },
            'credless-aks:github.deployNamespaces[1] is "kube-system": is not the namespace of any workload ("geofencing"): the workflows get deploy rights on the workloads\' namespaces only',
        ],
        ["a deploy namespace listed twice", { github: { repository: "a/b", deployNamespaces: ["geofencing", "geofencing"] }, workloads: [{ name: "api", namespace: "geofencing" }] }, 'credless-aks:github.deployNamespaces[1] is "geofencing": is listed twice'],
        [
            "a Kubernetes version that is not a version",
            { cluster: { kubernetesVersion: "latest" } },
            'credless-aks:cluster.kubernetesVersion is "latest": must be a Kubernetes version, MAJOR.MINOR or MAJOR.MINOR.PATCH in digits (list the ones AKS offers with az aks get-versions --location <region> --output table)',
        ],
        ["unknown tier", { cluster: { tier: "Premium" } }, 'credless-aks:cluster.tier is "Premium": must be one of Free, Standard'],
        ["unknown sku", { registry: { namePrefix: "contosogeo", sku: "Free" } }, 'credless-aks:registry.sku is "Free": must be one of Basic, Standard, Premium'],
        ["registry prefix with hyphen", { registry: { namePrefix: "contoso-geo" } }, 'credless-aks:registry.namePrefix is "contoso-geo": must be 1 to 37 lower-case letters or digits (the registry name is the prefix plus a 13-character unique suffix, 50 at most, alphanumerics only)'],
        ["registry prefix too long", { registry: { namePrefix: "a".repeat(38) } }, `credless-aks:registry.namePrefix is "${"a".repeat(38)}": must be 1 to 37 lower-case letters or digits (the registry name is the prefix plus a 13-character unique suffix, 50 at most, alphanumerics only)`],
        ["retention on Basic", { registry: { namePrefix: "contosogeo", retentionDays: 7 } }, 'credless-aks:registry.retentionDays is 7: needs sku "Premium"; retention policies exist only there (the sku is "Basic")'],
        ["namespace breaking RFC 1123", { workloads: [{ name: "api", namespace: "Geo_Fencing" }] }, 'credless-aks:workloads[0].namespace is "Geo_Fencing": must be an RFC 1123 label: 1 to 63 lower-case letters, digits or \'-\', starting and ending with a letter or digit'],
        ["service account breaking RFC 1123", { workloads: [{ name: "api", serviceAccount: "-api" }] }, 'credless-aks:workloads[0].serviceAccount is "-api": must be an RFC 1123 subdomain: at most 253 lower-case letters, digits, \'-\' or \'.\', each dot-separated part starting and ending with a letter or digit'],
        ["duplicate workload name", { workloads: [{ name: "api" }, { name: "api", namespace: "other" }] }, 'credless-aks:workloads[1].name is "api": duplicates credless-aks:workloads[0].name; workload names must be unique'],
        [
            "duplicate namespace/service account",
            { workloads: [{ name: "api", namespace: "geo", serviceAccount: "sa" }, { name: "worker", namespace: "geo", serviceAccount: "sa" }] },
            'credless-aks:workloads[1] is {"namespace":"geo","serviceAccount":"sa"}: uses the same namespace and service account as credless-aks:workloads[0]; one service account can be trusted by one workload identity only',
        ],
        ["token expiration out of range", { workloads: [{ name: "api", tokenExpirationSeconds: 600 }] }, "credless-aks:workloads[0].tokenExpirationSeconds is 600: must be a whole number from 3600 to 86400"],
        ["privileged workload role", { workloads: [{ name: "api", roles: [{ role: "Owner", scope: "resourceGroup" }] }] }, 'credless-aks:workloads[0].roles[0].role is "Owner": grants control of the scope or of who may access it, which credless-aks never grants (Owner, Contributor, User Access Administrator, Role Based Access Control Administrator, Azure Kubernetes Service Cluster Admin Role, Azure Kubernetes Service Contributor Role); pick a narrower role'],
        ["bad role scope", { workloads: [{ name: "api", roles: [{ role: "AcrPull", scope: "everything" }] }] }, 'credless-aks:workloads[0].roles[0].scope is "everything": must be "registry", "resourceGroup" or an ARM resource id starting with /subscriptions/'],
        ["unknown deployer principal type", { cluster: { deployerPrincipalType: "Group" } }, 'credless-aks:cluster.deployerPrincipalType is "Group": must be one of User, ServicePrincipal'],
        [
            "node-image with another node OS channel",
            { cluster: { autoUpgradeChannel: "node-image", nodeOsUpgradeChannel: "SecurityPatch" } },
            'credless-aks:cluster.autoUpgradeChannel is "node-image": needs nodeOsUpgradeChannel "NodeImage", which AKS sets with it and allows no other (the nodeOsUpgradeChannel is "SecurityPatch")',
        ],
        [
            "a maintenance window too short",
            { cluster: { maintenanceWindow: { dayOfWeek: "Sunday", startTime: "02:00", durationHours: 2 } } },
            "credless-aks:cluster.maintenanceWindow.durationHours is 2: must be a whole number from 4 to 24",
        ],
        ["bad admin group id", { cluster: { adminGroupObjectIds: ["admins"] } }, 'credless-aks:cluster.adminGroupObjectIds[0] is "admins": must be a GUID'],
        ["bad authorized range", { cluster: { authorizedIpRanges: ["10.0.0.0/33"] } }, 'credless-aks:cluster.authorizedIpRanges[0] is "10.0.0.0/33": must be an IPv4 address or CIDR range such as 203.0.113.0/24'],
        ["autoscaler bounds", { cluster: { nodePool: { count: 1, minCount: 2, maxCount: 3 } } }, 'credless-aks:cluster.nodePool is {"minCount":2,"count":1,"maxCount":3}: needs minCount <= count <= maxCount'],
        ["bad environment", { environment: "Dev" }, 'credless-aks:environment is "Dev": must be 1 to 20 lower-case letters, digits or \'-\', starting with a letter and not ending with \'-\' (it becomes part of Azure resource names and of the GitHub OIDC subject)'],
        [
            "the removed protectedBranches, with what to write instead",
            { github: { repository: "a/b", protectedBranches: true } },
            'credless-aks:github.protectedBranches is true: is no longer supported: GitHub lets every branch deploy when the repository has no branch protection rule, so it did not restrict deployments. Write deploymentBranches: ["main"] instead (the branches that may deploy; deploymentTags for tags), or remove the key to let every branch deploy',
        ],
        ["deployment branches not a list", { github: { repository: "a/b", deploymentBranches: "main" } }, 'credless-aks:github.deploymentBranches is "main": must be a list (a YAML sequence, one "- " item per line), found a string'],
        [
            "an empty deployment branch list",
            { github: { repository: "a/b", deploymentBranches: [] } },
            'credless-aks:github.deploymentBranches lists no pattern: with custom deployment policies and no pattern, nothing could deploy; list at least one pattern (e.g. ["main"]), or leave it out to let every branch deploy',
        ],
        [
            "empty deployment branch and tag lists",
            { github: { repository: "a/b", deploymentBranches: [], deploymentTags: [] } },
            'credless-aks:github.deploymentBranches and credless-aks:github.deploymentTags list no pattern: with custom deployment policies and no pattern, nothing could deploy; list at least one pattern (e.g. ["main"]), or leave them out to let every branch deploy',
        ],
        [
            "a full ref as deployment branch",
            { github: { repository: "a/b", deploymentBranches: ["refs/heads/main"] } },
            'credless-aks:github.deploymentBranches[0] is "refs/heads/main": must name the branch or tag ("main", "v*"), not the full ref: leave out "refs/heads/" or "refs/tags/"; a pull request ref ("refs/pull/*/merge") would let code that is not merged deploy',
        ],
        [
            "a deployment tag with a space",
            { github: { repository: "a/b", deploymentTags: ["v 1"] } },
            "credless-aks:github.deploymentTags[0] is \"v 1\": must not contain whitespace, '~', '^', ':' or '\\' (Git allows none of them in branch and tag names)",
        ],
        [
            "a deployment branch listed twice",
            { github: { repository: "a/b", deploymentBranches: ["main", "main"] } },
            'credless-aks:github.deploymentBranches[1] is "main": is listed twice; GitHub keeps one deployment policy per pattern',
        ],
        [
            "deployment branches in repository scope",
            { github: { repository: "a/b", secretsScope: "repository", triggers: ["branch:main"], deploymentBranches: ["main"] } },
            'credless-aks:github.secretsScope is "repository": reviewers, deploymentBranches and deploymentTags configure a GitHub environment, which this scope does not create',
        ],
        ["immutable ids half set", { github: { repository: "a/b", subjectFormat: "immutable", ownerId: 1 } }, 'credless-aks:github.ownerId and credless-aks:github.repositoryId must be set together for subjectFormat "immutable" (or both left out to look them up through the GitHub provider)'],
    ];
    for (const [title, overrides, message] of cases) {
        it(title, () => {
            assert.deepStrictEqual(problems(minimal(overrides)), [message]);
        });
    }

    it("reports every problem at once, not only the first", () => {
        const found = problems({
            stack: "dev",
            location: undefined,
            github: { repository: "nope" },
            cluster: { tier: "Gold" },
            registry: { namePrefix: "x-y", sku: "Ultra" },
            workloads: [{ name: "API" }],
        });
        assert.strictEqual(found.length, 6, found.join("\n"));
        assert.match(new ConfigError(found).message, /^invalid configuration \(6 problems\):\n {2}- /);
    });
});

describe("config: property tests", () => {
    it("accepts every RFC 1123 label as a namespace and rejects upper case", () => {
        const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
        fc.assert(
            fc.property(label, (ns) => {
                const c = parseStackConfig(minimal({ workloads: [{ name: "api", namespace: ns }] }));
                assert.strictEqual(c.workloads[0].namespace, ns);
                assert.throws(() => parseStackConfig(minimal({ workloads: [{ name: "api", namespace: ns.toUpperCase() + "A" }] })), ConfigError);
            }),
        );
    });

    it("rejects every trigger that contains a wildcard", () => {
        fc.assert(
            fc.property(fc.constantFrom("branch:", "tag:", "environment:"), fc.string(), fc.constantFrom("*", "?", "[", "]"), fc.string(), (kind, a, w, b) => {
                const found = problems(minimal({ github: { repository: "a/b", triggers: [kind + a + w + b] } }));
                assert.ok(found.some((p) => p.includes("wildcard")), found.join("\n"));
            }),
        );
    });
});

describe("config: workload API permissions", () => {
    const graph = (permissions: unknown) => ({ workloads: [{ name: "api", apiPermissions: [{ api: "Microsoft Graph", permissions }] }] });

    it("reads them per workload, for both identity types", () => {
        const c = parseStackConfig(
            minimal({
                workloads: [
                    { name: "api", apiPermissions: [{ api: "Microsoft Graph", permissions: ["User.Read.All", "Group.Read.All"] }] },
                    { name: "worker", identityType: "application", apiPermissions: [{ api: "6f0851df-7654-4f88-a94e-bb9e539917dc", permissions: ["Reports.Read"] }] },
                ],
            }),
        );
        assert.deepStrictEqual(c.workloads[0].apiPermissions, [{ api: "Microsoft Graph", permissions: ["User.Read.All", "Group.Read.All"] }]);
        assert.deepStrictEqual(c.workloads[1].apiPermissions, [{ api: "6f0851df-7654-4f88-a94e-bb9e539917dc", permissions: ["Reports.Read"] }]);
    });

    const cases: [string, Partial<RawConfig>, string][] = [
        [
            "RoleManagement.ReadWrite.Directory",
            graph(["User.Read.All", "RoleManagement.ReadWrite.Directory"]),
            'credless-aks:workloads[0].apiPermissions[0].permissions[1] is "RoleManagement.ReadWrite.Directory": is refused: a workload holding Microsoft Graph RoleManagement.ReadWrite.Directory could take over the tenant: it manages directory role membership, so the workload could make any principal, itself included, a Global Administrator',
        ],
        [
            "AppRoleAssignment.ReadWrite.All",
            graph(["AppRoleAssignment.ReadWrite.All"]),
            'credless-aks:workloads[0].apiPermissions[0].permissions[0] is "AppRoleAssignment.ReadWrite.All": is refused: a workload holding Microsoft Graph AppRoleAssignment.ReadWrite.All could take over the tenant: it grants application permissions to any API, Microsoft Graph included, so the workload could grant itself RoleManagement.ReadWrite.Directory and then any directory role',
        ],
        [
            "Application.ReadWrite.All",
            graph(["Application.ReadWrite.All"]),
            'credless-aks:workloads[0].apiPermissions[0].permissions[0] is "Application.ReadWrite.All": is refused: a workload holding Microsoft Graph Application.ReadWrite.All could take over the tenant: it adds credentials to any application and service principal, so the workload could sign in as a more privileged one',
        ],
        [
            "Directory.ReadWrite.All, named by Graph's client id and in other letter case",
            { workloads: [{ name: "api", apiPermissions: [{ api: "00000003-0000-0000-c000-000000000000", permissions: ["directory.readwrite.all"] }] }] },
            'credless-aks:workloads[0].apiPermissions[0].permissions[0] is "directory.readwrite.all": is refused: a workload holding Microsoft Graph Directory.ReadWrite.All could take over the tenant: it writes any directory data, service principals and group memberships included, so the workload could take over a more privileged principal',
        ],
        ["an unknown API name", { workloads: [{ name: "api", apiPermissions: [{ api: "Graph", permissions: ["User.Read.All"] }] }] }, 'credless-aks:workloads[0].apiPermissions[0].api is "Graph": must be "Microsoft Graph" or the client (application) id of the API, a GUID'],
        ["a missing API", { workloads: [{ name: "api", apiPermissions: [{ permissions: ["User.Read.All"] }] }] }, "credless-aks:workloads[0].apiPermissions[0].api is missing: it is required"],
        ["no permissions", graph([]), 'credless-aks:workloads[0].apiPermissions[0].permissions is []: must list at least one application permission, such as "User.Read.All"'],
        ["permissions left out", { workloads: [{ name: "api", apiPermissions: [{ api: "Microsoft Graph" }] }] }, 'credless-aks:workloads[0].apiPermissions[0].permissions is []: must list at least one application permission, such as "User.Read.All"'],
        ["a permission with a space", graph(["User Read"]), `credless-aks:workloads[0].apiPermissions[0].permissions[0] is "User Read": must be an application permission's value as the API publishes it, such as "User.Read.All": letters, digits, '.', '-' or '_'`],
        ["a permission listed twice", graph(["User.Read.All", "User.Read.All"]), 'credless-aks:workloads[0].apiPermissions[0].permissions is ["User.Read.All","User.Read.All"]: lists "User.Read.All" twice'],
        [
            "the same API twice",
            { workloads: [{ name: "api", apiPermissions: [{ api: "Microsoft Graph", permissions: ["User.Read.All"] }, { api: "00000003-0000-0000-c000-000000000000", permissions: ["Group.Read.All"] }] }] },
            'credless-aks:workloads[0].apiPermissions[1].api is "00000003-0000-0000-c000-000000000000": names the same API as credless-aks:workloads[0].apiPermissions[0]; list each API once',
        ],
        ["an unknown key", { workloads: [{ name: "api", apiPermissions: [{ api: "Microsoft Graph", permissions: ["User.Read.All"], type: "Role" }] }] }, "credless-aks:workloads[0].apiPermissions[0].type is not a known key: expected one of api, permissions"],
        ["not a list", { workloads: [{ name: "api", apiPermissions: { api: "Microsoft Graph" } }] }, 'credless-aks:workloads[0].apiPermissions is {"api":"Microsoft Graph"}: must be a list (a YAML sequence, one "- " item per line), found an object'],
    ];
    for (const [title, overrides, message] of cases) {
        it(`rejects ${title}`, () => {
            assert.deepStrictEqual(problems(minimal(overrides)), [message]);
        });
    }
});

describe("config: cluster.adminGroup", () => {
    const member = "5b0b0f0e-4c5a-4f7e-9c61-0d2a6b8e1f33";
    const owner = "0d3c1e2f-7a8b-4c9d-8e1f-2a3b4c5d6e7f";

    it("reads a group with members and owners; not assignable to roles unless asked", () => {
        const c = parseStackConfig(minimal({ cluster: { adminGroup: { displayName: "aks-geofencing-admins", members: [member], owners: [owner] } } }));
        assert.deepStrictEqual(c.cluster.adminGroup, { displayName: "aks-geofencing-admins", members: [member], owners: [owner], assignableToRole: false });
        const asked = parseStackConfig(minimal({ cluster: { adminGroup: { displayName: "aks-admins", assignableToRole: true } } }));
        assert.deepStrictEqual(asked.cluster.adminGroup, { displayName: "aks-admins", members: [], owners: undefined, assignableToRole: true });
        assert.strictEqual(parseStackConfig(minimal()).cluster.adminGroup, undefined);
    });

    const cases: [string, unknown, string][] = [
        ["a missing display name", { members: [member] }, "credless-aks:cluster.adminGroup.displayName is missing: it is required"],
        ["a display name with spaces around it", { displayName: " admins" }, 'credless-aks:cluster.adminGroup.displayName is " admins": must be 1 to 256 characters without leading or trailing spaces'],
        ["a display name over 256 characters", { displayName: "a".repeat(257) }, `credless-aks:cluster.adminGroup.displayName is "${"a".repeat(257)}": must be 1 to 256 characters without leading or trailing spaces`],
        ["a member that is not an object id", { displayName: "admins", members: ["alice@contoso.com"] }, 'credless-aks:cluster.adminGroup.members[0] is "alice@contoso.com": must be an Entra object id (a GUID)'],
        ["an owner that is not an object id", { displayName: "admins", owners: ["bob"] }, 'credless-aks:cluster.adminGroup.owners[0] is "bob": must be an Entra object id (a GUID)'],
        ["a member listed twice", { displayName: "admins", members: [member, member.toUpperCase()] }, `credless-aks:cluster.adminGroup.members[1] is "${member.toUpperCase()}": is listed twice`],
        ["an empty owner list", { displayName: "admins", owners: [] }, "credless-aks:cluster.adminGroup.owners is []: must list at least one owner, or be left out to make the principal running pulumi up the owner"],
        ["assignableToRole not a boolean", { displayName: "admins", assignableToRole: "yes" }, 'credless-aks:cluster.adminGroup.assignableToRole is "yes": must be true or false'],
        ["an unknown key", { displayName: "admins", mailEnabled: true }, "credless-aks:cluster.adminGroup.mailEnabled is not a known key: expected one of displayName, members, owners, assignableToRole"],
        ["not an object", "aks-admins", 'credless-aks:cluster.adminGroup is "aks-admins": must be an object (a YAML mapping of keys to values), found a string'],
    ];
    for (const [title, adminGroup, message] of cases) {
        it(`rejects ${title}`, () => {
            assert.deepStrictEqual(problems(minimal({ cluster: { adminGroup } })), [message]);
        });
    }
});
