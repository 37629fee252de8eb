/**
 * policy/ served the way `pulumi preview --policy-pack policy` serves a
 * Node.js pack: the CLI's pulumi-analyzer-policy shim runs
 * @pulumi/pulumi/cmd/run-policy-pack with the pack directory as working
 * directory, the stack's config in PULUMI_CONFIG and its name in
 * PULUMI_NODEJS_STACK. One difference: the host's ts-node transpiles without
 * type-checking (tests/fixtures/policy/transpileOnlyHost.js says why and
 * where that check runs). tests/policyPack.test.ts starts it in its before()
 * and stops it in its after().
 */
import { spawn } from "child_process";
import * as path from "path";

export interface PolicyHost {
    /** The port it serves the analyzer protocol on, at 127.0.0.1. */
    port: string;
    /** Stops the host. */
    stop(): void;
}

/** Starts the host; resolves once it has printed the port it listens on. */
export async function startPolicyHost(): Promise<PolicyHost> {
    const root = path.join(__dirname, "..");
    const cli = [path.join(root, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."];
    const host = spawn(process.execPath, ["--require", path.join(__dirname, "fixtures/policy/transpileOnlyHost.js"), ...cli], {
        cwd: path.join(root, "policy"),
        env: { ...process.env, PULUMI_CONFIG: JSON.stringify({ "credless-aks:environment": "prod" }), PULUMI_NODEJS_STACK: "release" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const stop = () => void host.kill();
    // A server: if mocha ends without running after(), it must not outlive it.
    process.once("exit", stop);
    let stderr = "";
    host.stderr?.on("data", (chunk) => (stderr += chunk));
    const port = await new Promise<string>((resolve, reject) => {
        host.stdout?.once("data", (chunk) => resolve(String(chunk).trim()));
        host.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
    });
    return { port, stop };
}
