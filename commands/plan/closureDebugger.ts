/**
 * The V8 debugger that Pulumi's closure serializer needs, switched on only
 * while a closure is being serialized.
 *
 * Pulumi serializes a dynamic provider's code (here RbacPropagationWait's)
 * with an inspector session whose Debugger domain it enables on first use and
 * never disables (@pulumi/pulumi runtime/closure/v8Hooks.js: it listens to
 * Debugger.scriptParsed to map script ids to file names). With the debugger
 * on, V8 reports every script compiled afterwards to that session and the
 * rest of the process runs slower. Measured with /usr/bin/time, alternating
 * four times on this repository's 2-core machine, mocha over the five test
 * files with the most mock runs (aksCluster, stack, workloadIdentityServiceAccount,
 * containerRegistry, gitHubActionsIdentity) took 3.1–3.7 s of wall time and
 * 3.9–4.7 s of user CPU with the debugger turned off after serializing,
 * against 4.1–4.8 s and 5.1–5.9 s with it left on. The one-workload offline
 * plan showed no change beyond the noise (1.27–1.32 s against 1.22–1.41 s).
 *
 * The wrapper enables the debugger before each serialization (enabling it
 * again makes V8 report every loaded script anew, so the serializer's map of
 * script ids is complete) and disables it when the last one in flight has
 * finished. What is serialized does not change. Only the mock runtime (the
 * tests and the offline plan) installs it: the stack program under the
 * Pulumi CLI runs as the SDK has it.
 *
 * Both modules are internal to the SDK: if an upgrade moves or renames them,
 * installing fails with a message that names what is missing, so the change
 * cannot go unnoticed (tests/closureDebugger.test.ts).
 */
import type { Session } from "inspector";

interface SerializeClosureModule {
    serializeFunction: (...args: unknown[]) => Promise<unknown>;
}

interface V8HooksModule {
    getSessionAsync: () => Promise<Session>;
}

const SERIALIZE_CLOSURE = "@pulumi/pulumi/runtime/closure/serializeClosure";
const V8_HOOKS = "@pulumi/pulumi/runtime/closure/v8Hooks";

let installed = false;

/** The SDK's own inspector session, the one its closure serializer enables the debugger on. */
export function sdkInspectorSession(): Promise<Session> {
    return sdkModule<V8HooksModule>(V8_HOOKS, "getSessionAsync").getSessionAsync();
}

/** Installs the wrapper once per process; later calls do nothing. */
export function debuggerOnlyWhileSerializing(): void {
    if (installed) {
        return;
    }
    const closure = sdkModule<SerializeClosureModule>(SERIALIZE_CLOSURE, "serializeFunction");
    // Checked now, so that a changed SDK fails here rather than at the first serialization.
    sdkModule<V8HooksModule>(V8_HOOKS, "getSessionAsync");
    const serialize = closure.serializeFunction;
    let inFlight = 0;
    let enabled: Promise<void> | undefined;
    closure.serializeFunction = async function (this: unknown, ...args: unknown[]) {
        const session = await sdkInspectorSession();
        if (++inFlight === 1) {
            enabled = post(session, "Debugger.enable");
        }
        try {
            await enabled;
            return await serialize.apply(this, args);
        } finally {
            if (--inFlight === 0) {
                await post(session, "Debugger.disable");
            }
        }
    };
    installed = true;
}

/** `module` of the SDK, checked to export the function `member`. */
export function sdkModule<T>(module: string, member: string): T {
    const loaded = require(module) as Record<string, unknown>;
    if (typeof loaded[member] !== "function") {
        throw new Error(`commands/plan/closureDebugger.ts: ${module} no longer exports the function ${member}; check how this @pulumi/pulumi version serializes closures`);
    }
    return loaded as T;
}

/** Turns the debugger on or off in `session`; resolves once the inspector has answered. */
export function post(session: Session, method: "Debugger.enable" | "Debugger.disable"): Promise<void> {
    return new Promise((resolve, reject) => session.post(method, (err) => (err ? reject(err) : resolve())));
}
