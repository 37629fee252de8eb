/**
 * The component library as another stack gets it: `npm pack`, installed into
 * a scratch consumer program, run under mocks. The consumer's @pulumi
 * packages are this repository's (linked, not downloaded), so one Pulumi
 * runtime serves both and nothing is fetched.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { BUILT_IN_ROLES } from "../components/roles";
import { FAKE, fakeIssuerUrl, one, ofType, runUnderMocks, valueOf } from "./harness";

const ROOT = path.join(__dirname, "..");
const ISSUER = fakeIssuerUrl("westeurope", "aks-shared");

const WORKLOAD_CONSUMER = `
const k8s = require("@pulumi/kubernetes");
const { WorkloadIdentityServiceAccount } = require("credless-aks");

// A cluster this stack did not create: only its issuer URL and a provider.
const provider = new k8s.Provider("shared-cluster", { kubeconfig: "apiVersion: v1\\nkind: Config\\n" });
const billing = new WorkloadIdentityServiceAccount("billing", {
    namespace: "billing",
    serviceAccountName: "billing-api",
    createNamespace: false,
    issuerUrl: ${JSON.stringify(ISSUER)},
    kubernetesProvider: provider,
    resourceGroupName: "rg-billing",
    location: "westeurope",
    tenantId: ${JSON.stringify(FAKE.tenantId)},
    roleAssignments: [{ roleDefinitionIdOrName: "Key Vault Secrets User", scope: "/subscriptions/${FAKE.subscriptionId}/resourceGroups/rg-billing" }],
});
exports.clientId = billing.clientId;
exports.podTemplateSnippet = billing.podTemplateSnippet;
`;

const REGISTRY_CONSUMER = `
const { ContainerRegistry } = require("credless-aks");

const registry = new ContainerRegistry("images", { resourceGroupName: "rg-images", location: "westeurope", namePrefix: "contosoimg" });
registry.grantPull("ci-pull", "3b7d6c1e-0f2a-4c5d-9e8f-1a2b3c4d5e6f", "ServicePrincipal");
exports.loginServer = registry.loginServer;
`;

const TYPED_CONSUMER = `
import { AksCluster, AksClusterArgs, ContainerRegistry, GitHubActionsIdentity, WorkloadIdentityServiceAccount, BUILT_IN_ROLES, assignRole } from "credless-aks";
const args: AksClusterArgs = { resourceGroupName: "rg" };
export const used = [AksCluster, ContainerRegistry, GitHubActionsIdentity, WorkloadIdentityServiceAccount, assignRole, BUILT_IN_ROLES.AcrPull, args];
`;

describe("library: the packed package in a consumer program", function () {
    this.timeout(120000);
    let scratch: string;
    let files: string[];

    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-consumer-"));
        const packed = JSON.parse(
            execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
        )[0];
        files = packed.files.map((f: { path: string }) => f.path);
        const modules = path.join(scratch, "node_modules");
        fs.mkdirSync(path.join(modules, "credless-aks"), { recursive: true });
        execFileSync("tar", ["-xzf", path.join(scratch, packed.filename), "-C", path.join(modules, "credless-aks"), "--strip-components=1"]);
        for (const dep of ["@pulumi", "yaml", "@types"]) {
            fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(modules, dep));
        }
        fs.writeFileSync(path.join(scratch, "workload.js"), WORKLOAD_CONSUMER);
        fs.writeFileSync(path.join(scratch, "registry.js"), REGISTRY_CONSUMER);
        fs.writeFileSync(path.join(scratch, "typed.ts"), TYPED_CONSUMER);
    });

    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("contains the compiled components with their types, and not the stack, the tests or the config", () => {
        assert.ok(files.includes("dist/index.js") && files.includes("dist/index.d.ts"));
        assert.ok(files.includes("dist/workloadIdentityServiceAccount.d.ts"));
        const leaked = files.filter((f) => /^(index\.ts|Pulumi\..*yaml|stack\/|tests\/|scripts\/|policy\/|components\/|\.github\/|\.ci\/)/.test(f));
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
        // TypeScript 7's native compiler with nodenext resolution: the way a current consumer resolves
        // the package (exports map, then types). The declarations are emitted by TypeScript 7 too (npm run build), byte-identical to 5.9's output.
        fs.writeFileSync(
            path.join(scratch, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: "nodenext", moduleResolution: "nodenext", target: "ES2022", types: [] }, files: ["typed.ts"] }),
        );
        execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript7", "bin", "tsc"), "-p", scratch, "--singleThreaded"], { cwd: scratch, stdio: "pipe" });
    });

    it("adds a WorkloadIdentityServiceAccount to a cluster the consumer did not create", async () => {
        const { value, resources } = await runUnderMocks(() => require(path.join(scratch, "workload.js")));
        const credential = one(resources, "azure-native:managedidentity:FederatedIdentityCredential");
        assert.strictEqual(credential.inputs.issuer, ISSUER);
        assert.strictEqual(credential.inputs.subject, "system:serviceaccount:billing:billing-api");
        const identity = one(resources, "azure-native:managedidentity:UserAssignedIdentity");
        const sa = one(resources, "kubernetes:core/v1:ServiceAccount");
        assert.strictEqual(sa.inputs.metadata.annotations["azure.workload.identity/client-id"], identity.state.clientId);
        assert.strictEqual(await valueOf(value.clientId), identity.state.clientId);
        assert.strictEqual(ofType(resources, "kubernetes:core/v1:Namespace").length, 0);
        const role = one(resources, "azure-native:authorization:RoleAssignment");
        assert.ok(String(role.inputs.roleDefinitionId).endsWith(BUILT_IN_ROLES["Key Vault Secrets User"]));
        assert.strictEqual(role.inputs.principalId, identity.state.principalId);
    });

    it("uses ContainerRegistry alone", async () => {
        const { value, resources } = await runUnderMocks(() => require(path.join(scratch, "registry.js")));
        const registry = one(resources, "azure-native:containerregistry:Registry");
        assert.match(registry.inputs.registryName, /^contosoimg[a-z0-9]{13}$/);
        assert.strictEqual(registry.inputs.adminUserEnabled, false);
        const pull = one(resources, "azure-native:authorization:RoleAssignment");
        assert.strictEqual(pull.inputs.scope, registry.id);
        assert.ok(String(pull.inputs.roleDefinitionId).endsWith(BUILT_IN_ROLES.AcrPull));
        assert.strictEqual(await valueOf(value.loginServer), registry.state.loginServer);
        assert.deepStrictEqual(ofType(resources, "azure-native:containerservice:ManagedCluster"), []);
    });
});
