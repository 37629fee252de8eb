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
    });
});

describe("config: defaults", () => {
    it("defaults the environment to the stack name and trusts that GitHub environment", () => {
        const c = parseStackConfig(minimal({ stack: "staging" }));
        assert.strictEqual(c.environment, "staging");
        assert.deepStrictEqual(c.github.triggers, [{ kind: "environment", name: "staging" }]);
        assert.strictEqual(c.github.secretsScope, "environment");
        assert.strictEqual(c.github.subjectFormat, "name");
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

    it("derives namespace and service account from the workload name", () => {
        const c = parseStackConfig(minimal({ workloads: [{ name: "billing" }] }));
        assert.deepStrictEqual(
            { ...c.workloads[0] },
            { name: "billing", namespace: "billing", serviceAccount: "billing", identityType: "managedIdentity", createNamespace: true, tokenExpirationSeconds: undefined, roles: [] },
        );
    });
});

describe("config: every rule has its message", () => {
    const cases: [string, Partial<RawConfig>, string][] = [
        ["missing location", { location: undefined }, "azure-native:location is missing: it is required"],
        ["bad location", { location: "West Europe" }, 'azure-native:location is "West Europe": must be an Azure region name such as "westeurope" (lower-case letters and digits)'],
        ["missing github", { github: undefined }, "credless-aks:github is missing: it is required"],
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
            { github: { repository: "a/b", triggers: ["environment:dev", "branch:main"], protectedBranches: true } },
            'credless-aks:github.triggers[1] is "branch:main": would let jobs outside the protected environment obtain the identity, bypassing its reviewers and branch rules; trust only environment triggers here',
        ],
        ["unknown subject format", { github: { repository: "a/b", subjectFormat: "id" } }, 'credless-aks:github.subjectFormat is "id": must be one of name, immutable'],
        ["unknown github key", { github: { repository: "a/b", repo: "x" } }, "credless-aks:github.repo is not a known key: expected one of repository, subjectFormat, keepNameSubjects, ownerId, repositoryId, triggers, secretsScope, environmentName, reviewers, protectedBranches, preventSelfReview, canAdminsBypass, deployNamespaces"],
        [
            "a deploy namespace no workload uses",
            { github: { repository: "a/b", deployNamespaces: ["geofencing", "kube-system"] }, workloads: [{ name: "api", namespace: "geofencing" }] },
            'credless-aks:github.deployNamespaces[1] is "kube-system": is not the namespace of any workload ("geofencing"): the workflows get deploy rights on the workloads\' namespaces only',
        ],
        ["a deploy namespace listed twice", { github: { repository: "a/b", deployNamespaces: ["geofencing", "geofencing"] }, workloads: [{ name: "api", namespace: "geofencing" }] }, 'credless-aks:github.deployNamespaces[1] is "geofencing": is listed twice'],
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
