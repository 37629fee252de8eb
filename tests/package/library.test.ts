/**
 * The component library as another stack gets it: `npm pack`, installed into
 * a scratch consumer program, run under mocks. The consumer's @pulumi
 * packages are this repository's (linked, not downloaded), so one Pulumi
 * runtime serves both and nothing is fetched (tests/package/packedLibrary.ts).
 * Its own step, `npm run test:package` (CI runs it after npm test): the
 * library build alone takes TypeScript 5.9 about 5 s of CPU (CONTRIBUTING.md).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { BUILT_IN_ROLES } from "../../components/roles";
import { one, ofType, runUnderMocks, valueOf } from "../harness";
import { ISSUER, PackedLibrary, packLibrary, removePackedLibrary } from "./packedLibrary";
import { TYPES } from "../resourceTypes";

const ROOT = path.join(__dirname, "..", "..");

describe("library: the packed package in a consumer program", function () {
    this.timeout(120000);
    let packed: PackedLibrary | undefined;
    let scratch: string;
    let files: string[];
    let typeErrors: string | undefined;

    before(async () => {
        packed = await packLibrary();
        ({ scratch, files, typeErrors } = packed);
    });

    after(() => removePackedLibrary(packed));

    it("contains the compiled components with their types, and not the stack, the tests or the config", () => {
        assert.ok(files.includes("dist/index.js") && files.includes("dist/index.d.ts"));
        assert.ok(files.includes("dist/workloadIdentityServiceAccount.d.ts"));
        const leaked = files.filter((f) => /^(index\.ts|Pulumi\..*yaml|stack\/|tests\/|commands\/|dev\/|examples\/|policy\/|components\/|\.github\/|\.ci\/)/.test(f));
        assert.deepStrictEqual(leaked, []);
        const manifest = JSON.parse(fs.readFileSync(path.join(scratch, "node_modules", "credless-aks", "package.json"), "utf8"));
        assert.strictEqual(manifest.main, "dist/index.js");
        assert.strictEqual(manifest.types, "dist/index.d.ts");
    });

    it("ships the LICENSE that package.json names", () => {
        assert.ok(files.includes("LICENSE"));
        const license = fs.readFileSync(path.join(scratch, "node_modules", "credless-aks", "LICENSE"), "utf8");
        assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
        assert.strictEqual(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).license, "Apache-2.0");
    });

    it("takes its dependencies as caret ranges that this repository's locked versions satisfy, so a consumer shares one copy of each", () => {
        // As pulumi-eks does (nodejs/eks/package.json: "@pulumi/pulumi": "^3.47.0"): a consumer on a newer
        // @pulumi/pulumi 3.x or provider gets no second, nested copy.
        const manifest = JSON.parse(fs.readFileSync(path.join(scratch, "node_modules", "credless-aks", "package.json"), "utf8"));
        const dependencies = Object.entries(manifest.dependencies as Record<string, string>);
        assert.deepStrictEqual(
            dependencies.map(([name]) => name).filter((name) => name.startsWith("@pulumi/")).sort(),
            ["@pulumi/azure-native", "@pulumi/azuread", "@pulumi/github", "@pulumi/kubernetes", "@pulumi/pulumi", "@pulumi/pulumiservice"],
        );
        const parts = (version: string) => version.split(".").map(Number);
        for (const [name, range] of dependencies) {
            const base = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];
            assert.ok(base, `${name}: "${range}" is not a caret range`);
            const installed = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version as string;
            const [major, ...rest] = parts(installed);
            const [baseMajor, ...baseRest] = parts(base);
            assert.strictEqual(major, baseMajor, `${name}: installed ${installed} is outside ${range}`);
            const atLeast = rest[0] > baseRest[0] || (rest[0] === baseRest[0] && rest[1] >= baseRest[1]);
            assert.ok(atLeast, `${name}: installed ${installed} is below ${range}`);
        }
    });

    it("leaves the stack's entry point to Pulumi.yaml: main is index.ts, while package.json's main is the library", () => {
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        assert.strictEqual(project.main, "index.ts");
        assert.ok(fs.existsSync(path.join(ROOT, project.main)));
        assert.strictEqual(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).main, "dist/index.js");
    });

    it("type-checks a TypeScript consumer against the shipped declarations, resolved through package.json exports", () => {
        // TypeScript 7 with nodenext resolution (tests/package/packedLibrary.ts); TypeScript 5.9 emitted the declarations (npm run build).
        assert.strictEqual(typeErrors, undefined);
    });

    it("adds a WorkloadIdentityServiceAccount to a cluster the consumer did not create", async () => {
        const { value, resources } = await runUnderMocks(() => require(path.join(scratch, "workload.js")));
        const credential = one(resources, TYPES.identityFederatedCredential);
        assert.strictEqual(credential.inputs.issuer, ISSUER);
        assert.strictEqual(credential.inputs.subject, "system:serviceaccount:billing:billing-api");
        const identity = one(resources, TYPES.userAssignedIdentity);
        const sa = one(resources, TYPES.serviceAccount);
        assert.strictEqual(sa.inputs.metadata.annotations["azure.workload.identity/client-id"], identity.state.clientId);
        assert.strictEqual(await valueOf(value.clientId), identity.state.clientId);
        assert.strictEqual(ofType(resources, TYPES.namespace).length, 0);
        const role = one(resources, TYPES.roleAssignment);
        assert.ok(String(role.inputs.roleDefinitionId).endsWith(BUILT_IN_ROLES["Key Vault Secrets User"]));
        assert.strictEqual(role.inputs.principalId, identity.state.principalId);
    });

    it("uses ContainerRegistry alone", async () => {
        const { value, resources } = await runUnderMocks(() => require(path.join(scratch, "registry.js")));
        const registry = one(resources, TYPES.registry);
        assert.match(registry.inputs.registryName, /^contosoimg[a-z0-9]{13}$/);
        assert.strictEqual(registry.inputs.adminUserEnabled, false);
        const pull = one(resources, TYPES.roleAssignment);
        assert.strictEqual(pull.inputs.scope, registry.id);
        assert.ok(String(pull.inputs.roleDefinitionId).endsWith(BUILT_IN_ROLES.AcrPull));
        assert.strictEqual(await valueOf(value.loginServer), registry.state.loginServer);
        assert.deepStrictEqual(ofType(resources, TYPES.managedCluster), []);
    });
});
