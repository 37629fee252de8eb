/**
 * The component library as another stack gets it: `npm pack`, installed into
 * a scratch consumer program, run under mocks. The consumer's @pulumi
 * packages are this repository's (linked, not downloaded), so one Pulumi
 * runtime serves both and nothing is fetched. The packing and the type-check
 * run in other processes (tests/packedLibrary.ts), started as mocha starts.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { BUILT_IN_ROLES } from "../components/roles";
import { one, ofType, runUnderMocks, valueOf } from "./harness";
import { ISSUER, packedLibrary, removePackedLibrary } from "./packedLibrary";
import { TYPES } from "./resourceTypes";

const ROOT = path.join(__dirname, "..");

describe("library: the packed package in a consumer program", function () {
    this.timeout(120000);
    let scratch: string;
    let files: string[];
    let typeErrors: string | undefined;

    before(async () => {
        ({ scratch, files, typeErrors } = await packedLibrary.get());
    });

    after(() => removePackedLibrary());

    it("contains the compiled components with their types, and not the stack, the tests or the config", () => {
        assert.ok(files.includes("dist/index.js") && files.includes("dist/index.d.ts"));
        assert.ok(files.includes("dist/workloadIdentityServiceAccount.d.ts"));
        const leaked = files.filter((f) => /^(index\.ts|Pulumi\..*yaml|stack\/|tests\/|commands\/|dev\/|examples\/|policy\/|components\/|\.github\/|\.ci\/)/.test(f));
        assert.deepStrictEqual(leaked, []);
        const manifest = JSON.parse(fs.readFileSync(path.join(scratch, "node_modules", "credless-aks", "package.json"), "utf8"));
        assert.strictEqual(manifest.main, "dist/index.js");
        assert.strictEqual(manifest.types, "dist/index.d.ts");
    });

    it("leaves the stack's entry point to Pulumi.yaml: main is index.ts, while package.json's main is the library", () => {
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        assert.strictEqual(project.main, "index.ts");
        assert.ok(fs.existsSync(path.join(ROOT, project.main)));
        assert.strictEqual(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).main, "dist/index.js");
    });

    it("type-checks a TypeScript consumer against the shipped declarations, resolved through package.json exports", () => {
        // TypeScript 7 with nodenext resolution (tests/packedLibrary.ts). The declarations are emitted
        // by TypeScript 7 too (npm run build), byte-identical to 5.9's output.
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
