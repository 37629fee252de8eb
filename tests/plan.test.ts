import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { GITHUB_OIDC_ISSUER } from "../components/githubConstants";
import { roleNameOf } from "../components/roles";
import { registerBare } from "../dev/bench/engineFloorChild";
import { FIXTURE_STACKS, main, parseArgs, Plan, planStack, readStackConfig } from "../commands/plan/main";
import { withTrustMap, START, END } from "../commands/plan/readme";
import { renderJson, renderMarkdown, renderText } from "../commands/plan/render";
import { trustMapMermaid } from "../commands/plan/trustMap";
import { parseStackOutputs } from "../commands/verify/outputs";
import { runUnderMocks } from "./harness";
import { TYPES } from "./resourceTypes";

const ROOT = path.join(__dirname, "..");

/**
 * Checks the Mermaid flowchart's structure: a header, then only node
 * definitions and labelled edges whose ends are defined nodes. (Mermaid's own
 * parser needs a DOM; this checks the subset the plan writes.)
 */
function mermaidProblems(block: string): string[] {
    const lines = block.split("\n");
    const problems: string[] = [];
    if (lines[0] !== "flowchart LR") {
        problems.push(`first line is "${lines[0]}", not "flowchart LR"`);
    }
    const nodes = new Set<string>();
    const edges: [string, string][] = [];
    for (const line of lines.slice(1)) {
        const node = /^ {4}(n\d+)(\["[^"]*"\]|\("[^"]*"\)|\(\["[^"]*"\]\))$/.exec(line);
        const edge = /^ {4}(n\d+) (?:-->|-\.->)\|(?:"[^"]+"|[a-z ]+)\| (n\d+)$/.exec(line);
        if (node) {
            if (nodes.has(node[1])) {
                problems.push(`node ${node[1]} defined twice`);
            }
            nodes.add(node[1]);
        } else if (edge) {
            edges.push([edge[1], edge[2]]);
        } else {
            problems.push(`not a node or edge: ${line}`);
        }
    }
    for (const [from, to] of edges) {
        for (const end of [from, to]) {
            if (!nodes.has(end)) {
                problems.push(`edge end ${end} is not defined before use`);
            }
        }
    }
    return problems;
}

function capture(): { io: Parameters<typeof main>[1] & object; out: () => string; err: () => string } {
    let out = "";
    let err = "";
    return {
        io: { root: FIXTURE_STACKS, stdout: (t) => (out += t), stderr: (t) => (err += t) },
        out: () => out,
        err: () => err,
    };
}

const planned = new Map<string, Promise<Plan>>();
/** Each stack's plan, made once and shared: the tests only read it. */
function planOf(stack: string): Promise<Plan> {
    let plan = planned.get(stack);
    if (plan === undefined) {
        plan = planStack(stack, readStackConfig(stack, FIXTURE_STACKS));
        planned.set(stack, plan);
    }
    return plan;
}

describe("plan: both stacks", function () {
    this.timeout(60000);
    const plans: Record<string, Plan> = {};
    before(async () => {
        plans.dev = await planOf("dev");
        plans.prod = await planOf("prod");
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every role assignment appears once in the trust map, with its principal and scope`, () => {
            const plan = plans[stack];
            const grants = plan.trustMap.identities.flatMap((i) => i.grants.map((g) => ({ ...g, principalId: i.principalId })));
            const assignments = plan.resources.filter((r) => r.type === TYPES.roleAssignment);
            assert.strictEqual(grants.length, assignments.length);
            for (const a of assignments) {
                const found = grants.filter((g) => g.assignment === a.name);
                assert.strictEqual(found.length, 1, a.name);
                assert.strictEqual(found[0].principalId, a.inputs.principalId);
                assert.strictEqual(found[0].scope, a.inputs.scope);
                assert.strictEqual(found[0].role, roleNameOf(String(a.inputs.roleDefinitionId).split("/").pop()!));
            }
        });

        it(`${stack}: every federated credential appears once, on the identity it belongs to`, () => {
            const plan = plans[stack];
            const obtainers = plan.trustMap.identities.flatMap((i) => i.obtainedBy.filter((o) => o.credential).map((o) => ({ ...o, identity: i })));
            const credentials = plan.resources.filter((r) => r.type.endsWith("FederatedIdentityCredential"));
            assert.strictEqual(obtainers.length, credentials.length);
            for (const c of credentials) {
                const found = obtainers.filter((o) => o.credential === c.name);
                assert.strictEqual(found.length, 1, c.name);
                assert.strictEqual(found[0].subject, c.inputs.subject);
                assert.strictEqual(found[0].issuer, c.inputs.issuer);
                if (c.type.startsWith("azure-native:")) {
                    assert.strictEqual(found[0].identity.kind, "managed-identity");
                    assert.ok(found[0].identity.name.includes(c.inputs.resourceName));
                } else {
                    assert.strictEqual(found[0].identity.kind, "entra-application");
                }
            }
            const github = obtainers.filter((o) => o.kind === "github");
            assert.deepStrictEqual(github.map((o) => [o.issuer, o.subject]), [[GITHUB_OIDC_ISSUER, `repo:contoso/geofencing:environment:${stack}`]]);
        });

        it(`${stack}: shows that whoever may run pods in a workload's namespace can obtain its identity`, () => {
            const plan = plans[stack];
            const app = plan.trustMap.identities.find((i) => i.kind === "entra-application")!;
            for (const workload of plan.trustMap.identities.filter((i) => i.kind === "managed-identity")) {
                const via = workload.obtainedBy.filter((o) => o.kind === "pod-creator").map((o) => o.viaPrincipalId);
                assert.ok(via.includes(app.principalId), `${workload.name} is reachable by the GitHub app's RBAC Writer role`);
            }
            const kubelet = plan.trustMap.identities.find((i) => i.kind === "kubelet-identity")!;
            assert.deepStrictEqual(kubelet.obtainedBy.filter((o) => o.kind === "pod-creator"), []);
        });

        it(`${stack}: names the kubelet identity's AcrPull and the deployer's cluster admin`, () => {
            const kubelet = plans[stack].trustMap.identities.find((i) => i.kind === "kubelet-identity")!;
            assert.deepStrictEqual(kubelet.grants.map((g) => g.role), ["AcrPull"]);
            assert.match(kubelet.grants[0].scopeLabel, /^registry "contosogeo[a-z0-9]{13}"$/);
            const deployer = plans[stack].trustMap.identities.find((i) => i.name.startsWith("the principal running pulumi up"))!;
            assert.deepStrictEqual(deployer.grants.map((g) => g.role), ["Azure Kubernetes Service RBAC Cluster Admin"]);
        });

        it(`${stack}: passes every mandatory policy`, () => {
            assert.strictEqual(plans[stack].policies.evaluated > 10, true);
            assert.deepStrictEqual(plans[stack].policies.findings.filter((f) => f.enforcementLevel === "mandatory"), []);
        });

        it(`${stack}: text shows the tree with security settings, the trust map and the policies`, () => {
            const text = renderText(plans[stack]);
            assert.match(text, /# credless-aks:aks:AksCluster {2}cluster\n {4}\+ azure-native:containerservice:ManagedCluster {2}cluster-cluster {2}\[oidcIssuer=on workloadIdentity=on localAccounts=disabled azureRBAC=on tier=(Free|Standard)/);
            assert.match(text, /\[sku=(Basic|Premium) adminUser=off anonymousPull=off\]/);
            assert.match(text, /obtained by: GitHub repo:contoso\/geofencing:environment:/);
            assert.match(text, /Policies:\n {2}\d+ policies: (all passed|0 mandatory and \d+ advisory findings)/);
        });

        it(`${stack}: Markdown holds one well-formed Mermaid flowchart of the trust map`, () => {
            const markdown = renderMarkdown(plans[stack]);
            const blocks = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
            assert.strictEqual(blocks.length, 1);
            assert.deepStrictEqual(mermaidProblems(blocks[0]), []);
            const edges = blocks[0].split("\n").filter((l) => / (-->|-\.->)\|/.test(l)).length;
            const expected = plans[stack].trustMap.identities.reduce(
                (n, i) => n + i.grants.length + i.obtainedBy.length + (i.apiPermissions ?? []).length + (i.clusterAdminOf ?? []).length,
                0,
            );
            assert.strictEqual(edges, expected);
        });

        it(`${stack}: JSON is the same plan, machine-readable`, () => {
            const json = JSON.parse(renderJson(plans[stack]));
            assert.strictEqual(json.stack, stack);
            assert.strictEqual(json.resources.length, plans[stack].resources.length);
            assert.deepStrictEqual(json.trustMap, JSON.parse(JSON.stringify(plans[stack].trustMap)));
            assert.strictEqual(json.outputs.githubRepository, "contoso/geofencing");
        });
    }

    it("the README shows the dev stack's trust map exactly as the plan generates it (npm run readme)", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.strictEqual(readme, withTrustMap(readme, trustMapMermaid(plans.dev.trustMap)), "README.md is stale: run npm run readme");
        assert.ok(readme.includes(START) && readme.includes(END));
    });

    it("the structural Mermaid check catches broken diagrams", () => {
        assert.deepStrictEqual(mermaidProblems('flowchart LR\n    n1["a"]\n    n1 -->|"AcrPull"| n2'), ["edge end n2 is not defined before use"]);
        assert.deepStrictEqual(mermaidProblems('graph TD\n    n1["a "b""]'), ['first line is "graph TD", not "flowchart LR"', 'not a node or edge:     n1["a "b""]']);
    });
});

describe("plan: the command", function () {
    this.timeout(60000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-plan-"));
        const bad = { config: { "azure-native:location": "westeurope", "credless-aks:github": { repository: "geofencing" }, "credless-aks:registry": { namePrefix: "ok" } } };
        fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), stringify(bad));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prints the plan and exits 0 for dev", async () => {
        const c = capture();
        assert.strictEqual(await main(["dev"], c.io), 0);
        assert.match(c.out(), /^credless-aks plan for stack "dev" \(offline: no cloud account, nothing contacted\)/);
        assert.strictEqual(c.err(), "");
    });

    it("prints Markdown with --format markdown", async () => {
        const c = capture();
        assert.strictEqual(await main(["prod", "--format", "markdown"], c.io), 0);
        assert.match(c.out(), /^### credless-aks plan: `prod`\n/);
        assert.ok(c.out().includes("```mermaid\nflowchart LR\n"));
    });

    it("exits 1 with the validation messages for bad config, printing no plan", async () => {
        const c = capture();
        assert.strictEqual(await main(["bad"], { ...c.io, root: dir }), 1);
        assert.match(c.err(), /^Pulumi\.bad\.yaml: invalid configuration \(1 problem\):\n {2}- credless-aks:github\.repository is "geofencing": must be "owner\/name"/);
        assert.strictEqual(c.out(), "");
    });

    it("exits 1 for a stack without a config file, naming the stacks there are", async () => {
        const c = capture();
        assert.strictEqual(await main(["staging"], c.io), 1);
        assert.match(c.err(), /no stack "staging": .*Pulumi\.staging\.yaml does not exist \(stacks here: dev, prod\)/);
    });

    it("exits 2 on bad arguments", async () => {
        assert.deepStrictEqual(parseArgs(["dev", "--format", "html"]), { error: '--format is "html": must be one of text, markdown, json' });
        assert.deepStrictEqual(parseArgs([]), { error: "usage: npm run plan -- [--project stack|bootstrap] <stack> [--format text|markdown|json] [--out FILE] [--dir DIR]" });
        assert.deepStrictEqual(parseArgs(["--project", "app", "dev"]), { error: '--project is "app": must be one of stack, bootstrap' });
        assert.deepStrictEqual(parseArgs(["--project=bootstrap", "example"]), { stack: "example", format: "text", project: "bootstrap" });
        assert.deepStrictEqual(parseArgs(["dev", "prod"]), { error: 'unexpected argument "prod": give one stack name' });
        assert.deepStrictEqual(parseArgs(["--format=json", "dev"]), { stack: "dev", format: "json", project: "stack" });
        const c = capture();
        assert.strictEqual(await main(["--verbose"], c.io), 2);
        assert.strictEqual(c.err(), "unknown option --verbose\n");
    });
});

describe("plan: the stack's outputs are what verify reads", function () {
    this.timeout(60000);
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: npm run verify parses the outputs the program exports, kubeconfig aside`, async () => {
            const plan = await planOf(stack);
            // `pulumi stack output --json` prints secrets as "[secret]" unless asked; verify never asks.
            const { kubeconfig: _secret, ...outputs } = plan.outputs;
            const parsed = parseStackOutputs(stack, { ...outputs, kubeconfig: "[secret]" });
            assert.strictEqual(parsed.oidcIssuerUrl, plan.outputs.oidcIssuerUrl);
            assert.deepStrictEqual(Object.keys(parsed.workloads).sort(), ["geofencing-api", "geofencing-worker"]);
            assert.deepStrictEqual(parsed.githubSubjects, [`repo:contoso/geofencing:environment:${stack}`]);
        });
    }
});

/**
 * The benchmark's engine floor registers the resources a plan recorded again,
 * bare: it is a floor for the same work only if it registers the same
 * resources, under the same URNs, parents and providers.
 */
describe("bench: the engine floor registers the plan's resources again", () => {
    it("the same types, names, URNs, parents and providers as the dev plan, with the custom resources' inputs", async () => {
        const plan = await planOf("dev");
        const { resources } = await runUnderMocks(() => registerBare(plan.resources), { project: "credless-aks", stack: "dev" });
        const shape = (r: { type: string; name: string; urn: string; parent: string; custom: boolean; provider: string }) =>
            [r.type, r.name, r.urn, r.parent, r.custom, r.provider.split("::").slice(0, -1).join("::")].join(" | ");
        assert.ok(plan.resources.length > 20);
        assert.deepStrictEqual(resources.map(shape).sort(), plan.resources.map(shape).sort());
        const identity = plan.resources.find((r) => r.type === TYPES.userAssignedIdentity)!;
        assert.deepStrictEqual(resources.find((r) => r.urn === identity.urn)!.inputs, identity.inputs);
    });
});
