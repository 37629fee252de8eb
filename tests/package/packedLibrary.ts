/**
 * The component library as another stack gets it, prepared by
 * tests/package/library.test.ts's before(): `npm pack` (its prepack builds dist/
 * with TypeScript 5.9, npm run build), unpacked into a scratch consumer's
 * node_modules, and a TypeScript consumer type-checked against it.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { FAKE, fakeIssuerUrl } from "../../commands/plan/fakes";

const ROOT = path.join(__dirname, "..", "..");
const execFileAsync = promisify(execFile);

/** TypeScript 7's native compiler, as this repository installs it (package.json: typescript7); npm test's type-check step runs it too. */
const NATIVE_TSC = path.join(ROOT, "node_modules", "typescript7", "bin", "tsc");

export const ISSUER = fakeIssuerUrl("westeurope", "aks-shared");

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

/** The consumer project's own files. */
const CONSUMERS: Record<string, string> = { "workload.js": WORKLOAD_CONSUMER, "registry.js": REGISTRY_CONSUMER, "typed.ts": TYPED_CONSUMER };

export interface PackedLibrary {
    /** The consumer project: node_modules/credless-aks is the unpacked tarball. */
    scratch: string;
    /** The tarball's files, as npm pack lists them. */
    files: string[];
    /** Undefined when TypeScript 7 accepted the typed consumer, else its output. */
    typeErrors?: string;
}

/** Packs the library into a new consumer project; remove it with removePackedLibrary. */
export async function packLibrary(): Promise<PackedLibrary> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-consumer-"));
    // Also when mocha ends without running after().
    process.once("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));
    try {
        return await packInto(scratch, CONSUMERS);
    } catch (e) {
        fs.rmSync(scratch, { recursive: true, force: true });
        throw e;
    }
}

/** Removes the consumer project. */
export function removePackedLibrary(packed: PackedLibrary | undefined): void {
    if (packed) {
        fs.rmSync(packed.scratch, { recursive: true, force: true });
    }
}

async function packInto(scratch: string, consumers: Record<string, string>): Promise<PackedLibrary> {
    // prepack builds dist/ with TypeScript 5.9, the compiler consumers and pulumi up use.
    const { stdout } = await execFileAsync("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: ROOT, encoding: "utf8" });
    const packed = JSON.parse(stdout)[0] as { filename: string; files: { path: string }[] };
    const modules = path.join(scratch, "node_modules");
    fs.mkdirSync(path.join(modules, "credless-aks"), { recursive: true });
    await execFileAsync("tar", ["-xzf", path.join(scratch, packed.filename), "-C", path.join(modules, "credless-aks"), "--strip-components=1"], { encoding: "utf8" });
    // The consumer's @pulumi packages are this repository's (linked, not downloaded): one Pulumi runtime serves both.
    for (const dep of ["@pulumi", "yaml", "@types"]) {
        fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(modules, dep));
    }
    for (const [name, text] of Object.entries(consumers)) {
        fs.writeFileSync(path.join(scratch, name), text);
    }
    // TypeScript 7's native compiler with nodenext resolution: the way a current consumer resolves
    // the package (exports map, then types).
    fs.writeFileSync(
        path.join(scratch, "tsconfig.json"),
        JSON.stringify({
            compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: "nodenext", moduleResolution: "nodenext", target: "ES2022", types: [] },
            files: Object.keys(consumers).filter((f) => f.endsWith(".ts")),
        }),
    );
    let typeErrors: string | undefined;
    try {
        await execFileAsync(process.execPath, [NATIVE_TSC, "-p", scratch], { cwd: scratch, encoding: "utf8" });
    } catch (e) {
        const failed = e as { stdout?: string; stderr?: string; message: string };
        typeErrors = `${failed.stdout ?? ""}${failed.stderr ?? ""}` || failed.message;
    }
    return { scratch, files: packed.files.map((f) => f.path), typeErrors };
}
