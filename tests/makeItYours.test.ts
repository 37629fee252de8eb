import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { FIXTURE_STACKS, main, readStackConfig } from "../commands/plan/main";
import { collisions, stackFootprint } from "../stack/collisions";
import { closestKey, ConfigError, parseStackConfig, rawConfigFromMap, StackConfig } from "../stack/config";
import { valueOf } from "./harness";
import { configMap, runProgram } from "./stackRun";

const ROOT = path.join(__dirname, "..");
const devMap = () => readStackConfig("dev", FIXTURE_STACKS);

function problemsOf(stack: string, map: Record<string, string>): string[] {
    try {
        parseStackConfig(rawConfigFromMap(stack, map));
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
    return assert.fail("expected the config to be rejected");
}

describe("make it yours: Pulumi.yaml's template for pulumi new", () => {
    const template = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).template;

    it("asks for repository, registry prefix, location and environment, each with a description and a default", () => {
        assert.ok(typeof template.description === "string" && template.description.length > 20);
        assert.deepStrictEqual(Object.keys(template.config).sort(), [
            "azure-native:location",
            "credless-aks:environment",
            "credless-aks:github.repository",
            "credless-aks:registry.namePrefix",
        ]);
        for (const [key, value] of Object.entries<{ description?: string; default?: string }>(template.config)) {
            assert.ok(value.description && value.description.length > 10, `${key} has a description`);
            assert.strictEqual(typeof value.default, "string", `${key} has a default`);
        }
    });

    it("a stack made from the template's answers (flat keys, environment left empty) is a valid stack named after itself", () => {
        const answers = Object.fromEntries(Object.entries<{ default: string }>(template.config).map(([k, v]) => [k, v.default]));
        const c = parseStackConfig(rawConfigFromMap("staging", { ...answers, "credless-aks:github.repository": "fabrikam/routing" }));
        assert.strictEqual(c.environment, "staging");
        assert.strictEqual(c.github.repository, "fabrikam/routing");
        assert.strictEqual(c.registry.namePrefix, template.config["credless-aks:registry.namePrefix"].default);
        assert.deepStrictEqual(c.github.triggers, [{ kind: "environment", name: "staging" }]);
    });

    it("a flat key set as well as inside its object is one problem", () => {
        assert.deepStrictEqual(problemsOf("dev", { ...devMap(), "credless-aks:github.repository": "fabrikam/routing" }), [
            "credless-aks:github.repository is set twice: once in credless-aks:github and once on its own; keep one",
        ]);
    });
});

describe("make it yours: unknown keys and wrongly typed values", () => {
    it("names the closest known key for a misspelt top-level key", () => {
        assert.deepStrictEqual(problemsOf("dev", { ...devMap(), "credless-aks:registy": '{"namePrefix":"x"}' }), [
            "credless-aks:registy is not a known key: did you mean credless-aks:registry? (the credless-aks: keys are environment, resourceGroup, github, cluster, registry, workloads, externalClusters; docs/configuration.md)",
        ]);
        assert.strictEqual(closestKey("workload", ["github", "workloads"]), "workloads");
        assert.strictEqual(closestKey("kubernetes", ["github", "workloads"]), undefined);
    });

    it("says found and expected, naming the file, when a list or an object is a plain string (Pulumi's getObject would throw)", () => {
        const run = problemsOf("dev", { ...devMap(), "credless-aks:workloads": "geofencing-api", "credless-aks:github": "contoso/geofencing" });
        assert.deepStrictEqual(run, [
            'credless-aks:workloads is "geofencing-api": must be a list (a YAML sequence, one "- " item per line), found a string',
            'credless-aks:github is "contoso/geofencing": must be an object (a YAML mapping of keys to values), found a string',
        ]);
    });

    it("tells the user to quote a version YAML read as a number", () => {
        const cluster = { ...JSON.parse(devMap()["credless-aks:cluster"]), kubernetesVersion: 1.3 };
        assert.deepStrictEqual(problemsOf("dev", { ...devMap(), "credless-aks:cluster": JSON.stringify(cluster) }), [
            'credless-aks:cluster.kubernetesVersion is 1.3: must be a string, found a number: YAML reads an unquoted 1.3 as a number (1.30 becomes 1.3), so write the value in quotes, as in "1.30"',
        ]);
    });

    it("the program registers nothing and fails with a RunError (no stack trace under pulumi up) naming the file", async () => {
        const run = await runProgram("dev", { ...devMap(), "credless-aks:registy": '{"namePrefix":"x"}' });
        assert.ok(run.error instanceof ConfigError, String(run.error));
        assert.ok(pulumi.RunError.isInstance(run.error));
        assert.match((run.error as Error).message, /^Pulumi\.dev\.yaml: invalid configuration \(1 problem\):\n {2}- credless-aks:registy is not a known key: did you mean credless-aks:registry\?/);
        assert.deepStrictEqual(run.resources, []);
    });
});

describe("make it yours: two stacks that would create the same objects", () => {
    const dev = () => parseStackConfig(rawConfigFromMap("dev", devMap()));
    const copy = (stack: string, extra: Record<string, unknown> = {}): StackConfig =>
        parseStackConfig(rawConfigFromMap(stack, { ...devMap(), ...configMap(extra) }));

    it("a copy of dev that still says environment dev clashes on all four names", () => {
        assert.deepStrictEqual(collisions(copy("staging", { "credless-aks:environment": "dev" }), [dev()]), [
            "Pulumi.staging.yaml and Pulumi.dev.yaml would both create resource group \"rg-geofencing-dev\": the second pulumi up would take it over; give each stack its own credless-aks:environment (it defaults to the stack name) or github.repository",
            "Pulumi.staging.yaml and Pulumi.dev.yaml would both create app registration \"github-contoso-geofencing-dev\": the second pulumi up would take it over; give each stack its own credless-aks:environment (it defaults to the stack name) or github.repository",
            'Pulumi.staging.yaml and Pulumi.dev.yaml would both create registry "contosogeo<suffix>" (its suffix comes from the resource group "rg-geofencing-dev" and the environment "dev"): the second pulumi up would take it over; give each stack its own credless-aks:environment (it defaults to the stack name) or github.repository',
            'Pulumi.staging.yaml and Pulumi.dev.yaml would both create GitHub environment "dev" of contoso/geofencing: the second pulumi up would take it over; give each stack its own credless-aks:environment (it defaults to the stack name) or github.repository',
        ]);
    });

    it("a copy under its own stack name (the environment follows it) clashes with nothing; a shared existing resource group is no clash", () => {
        const staging = copy("staging", { "credless-aks:github": { repository: "contoso/geofencing" } });
        assert.deepStrictEqual(collisions(staging, [dev()]), []);
        const shared = { "credless-aks:resourceGroup": { existingName: "rg-platform" }, "credless-aks:github": { repository: "contoso/geofencing" } };
        const labels = stackFootprint(copy("a", shared)).map((e) => e.label);
        assert.ok(!labels.some((l) => l.startsWith("resource group")));
        assert.deepStrictEqual(collisions(copy("a", { ...shared, "credless-aks:github": { repository: "contoso/geofencing", environmentName: "shared" } }), [copy("b", { ...shared, "credless-aks:github": { repository: "contoso/geofencing", environmentName: "shared" } })]).length, 1);
    });

    describe("the offline plan reads the stack files beside it", function () {
        this.timeout(60000);
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-clash-"));
            const file = parse(fs.readFileSync(path.join(FIXTURE_STACKS, "Pulumi.dev.yaml"), "utf8"));
            fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stringify(file));
            file.config["credless-aks:environment"] = "dev";
            fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), stringify(file));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("prints the plan, says which names clash on stderr and exits 4", async () => {
            let out = "";
            let err = "";
            const code = await main(["staging", "--format", "json"], { root: dir, stdout: (t) => (out += t), stderr: (t) => (err += t) });
            assert.strictEqual(code, 4);
            assert.strictEqual(JSON.parse(out).stack, "staging");
            assert.strictEqual(err.split("\n").filter(Boolean).length, 4);
            assert.match(err, /^Pulumi\.staging\.yaml and Pulumi\.dev\.yaml would both create resource group "rg-geofencing-dev"/);
        });
    });
});

describe("make it yours: the plan as JSON for scripts", function () {
    this.timeout(60000);
    it("npm run -s plan -- dev --format json writes JSON only to stdout", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-json-"));
        try {
            const res = spawnSync("npm", ["run", "-s", "plan", "--", "dev", "--format", "json", "--dir", FIXTURE_STACKS], { cwd: ROOT, encoding: "utf8" });
            assert.strictEqual(res.status, 0, res.stderr);
            assert.strictEqual(JSON.parse(res.stdout).stack, "dev");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("--out FILE writes the plan to the file and nothing to stdout", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-json-"));
        try {
            const out = path.join(dir, "plan.json");
            let stdout = "";
            const code = await main(["dev", "--format", "json", "--out", out], { root: FIXTURE_STACKS, stdout: (t) => (stdout += t), stderr: () => undefined });
            assert.strictEqual(code, 0);
            assert.strictEqual(stdout, "");
            assert.strictEqual(JSON.parse(fs.readFileSync(out, "utf8")).stack, "dev");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("make it yours: what a pod needs, exported per workload", function () {
    this.timeout(60000);
    it("exports the service account and the azure.workload.identity/use label as a ready fragment", async () => {
        const run = await runProgram("dev");
        const workloads = (await valueOf(run.value!.workloads)) as Record<string, { podTemplate: unknown; podTemplateYaml: string; serviceAccount: string }>;
        assert.deepStrictEqual(workloads["geofencing-api"].podTemplate, {
            metadata: { labels: { "azure.workload.identity/use": "true" } },
            spec: { serviceAccountName: "geofencing-api" },
        });
        assert.deepStrictEqual(parse(workloads["geofencing-worker"].podTemplateYaml), {
            metadata: { labels: { "azure.workload.identity/use": "true" } },
            spec: { serviceAccountName: "geofencing-worker" },
        });
    });
});

describe("make it yours: the documentation's examples are what the program accepts", function () {
    this.timeout(60000);
    const yamlBlocks = (file: string) => [...fs.readFileSync(path.join(ROOT, "docs", file), "utf8").matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]));

    it("the minimal Pulumi.<name>.yaml plans, and the complete Deployment carries the exported pod label and service account", async () => {
        const [stack, deployment] = yamlBlocks("make-it-yours.md");
        const run = await runProgram("staging", configMap(stack.config));
        assert.strictEqual(run.error, undefined, String(run.error));
        const workloads = (await valueOf(run.value!.workloads)) as Record<string, { namespace: string; podTemplate: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string } } }>;
        const exported = workloads["routing-api"];
        assert.strictEqual(deployment.kind, "Deployment");
        assert.strictEqual(deployment.metadata.namespace, exported.namespace);
        for (const [key, value] of Object.entries(exported.podTemplate.metadata.labels)) {
            assert.strictEqual(deployment.spec.template.metadata.labels[key], value, key);
        }
        assert.strictEqual(deployment.spec.template.spec.serviceAccountName, exported.podTemplate.spec.serviceAccountName);
        assert.deepStrictEqual(deployment.spec.selector.matchLabels, { app: "routing-api" });
    });

    it("the existing-cluster example is a valid stack", () => {
        const [stack] = yamlBlocks("existing-cluster.md");
        const c = parseStackConfig(rawConfigFromMap("staging", configMap(stack.config)));
        assert.deepStrictEqual([c.cluster.existing, c.registry.existing], [
            { name: "aks-platform", resourceGroup: "rg-platform" },
            { name: "platformacr", resourceGroup: "rg-platform" },
        ]);
    });
});
