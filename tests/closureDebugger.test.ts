import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vm from "vm";
import * as pulumi from "@pulumi/pulumi";
import { debuggerOnlyWhileSerializing, post, sdkModule, sdkInspectorSession } from "../commands/plan/closureDebugger";
import { runUnderMocks } from "./harness";

/** Whether V8 reports a script compiled now to the SDK's inspector session: it does only while the debugger is on. */
async function debuggerReportsNewScripts(): Promise<boolean> {
    const session = await sdkInspectorSession();
    const filename = `closure-debugger-probe-${process.hrtime.bigint()}.js`;
    let reported = false;
    const listener = (event: { params: { url: string } }) => {
        reported ||= event.params.url === filename;
    };
    session.on("Debugger.scriptParsed", listener);
    try {
        vm.runInThisContext("0", { filename });
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        session.off("Debugger.scriptParsed", listener);
    }
    return reported;
}

/** A dynamic resource whose provider object is new, so the SDK's cache of serialized providers cannot answer for it. */
class FreshDynamicResource extends pulumi.dynamic.Resource {
    constructor(name: string, create: pulumi.dynamic.ResourceProvider["create"]) {
        super({ create }, name, {}, {});
    }
}

describe("mock runtime: the debugger the closure serializer needs is on only while it serializes", () => {
    it("leaves the debugger off once dynamic providers have been serialized, two at the same time", async () => {
        const run = await runUnderMocks(() => {
            new FreshDynamicResource("probe-a", async () => ({ id: "probe-a" }));
            new FreshDynamicResource("probe-b", async () => ({ id: "probe-b" }));
        });
        assert.deepStrictEqual(
            run.resources.map((r) => [r.name, /exports\.handler = /.test(String(r.inputs.__provider))]),
            [
                ["probe-a", true],
                ["probe-b", true],
            ],
            "both providers were serialized",
        );
        assert.strictEqual(await debuggerReportsNewScripts(), false);

        // The probe itself: with the debugger on, the same check sees the new script.
        const session = await sdkInspectorSession();
        await post(session, "Debugger.enable");
        try {
            assert.strictEqual(await debuggerReportsNewScripts(), true);
        } finally {
            await post(session, "Debugger.disable");
        }
    });

    it("still serializes code compiled while the debugger was off, with the values it captures", async () => {
        await runUnderMocks(() => {
            new FreshDynamicResource("first", async () => ({ id: "first" }));
        });
        // A module loaded now, after the debugger was turned off.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-closure-"));
        try {
            const file = path.join(dir, "late.js");
            fs.writeFileSync(file, 'const greeting = "captured-after-the-debugger-was-off";\nexports.create = async () => ({ id: greeting });\n');
            const late = require(file) as { create: pulumi.dynamic.ResourceProvider["create"] };
            const run = await runUnderMocks(() => {
                new FreshDynamicResource("late", late.create);
            });
            const text = String(one(run.resources).inputs.__provider);
            assert.ok(text.includes('"captured-after-the-debugger-was-off"'), text);
            assert.ok(text.includes("id: greeting"), text);
            assert.strictEqual(await debuggerReportsNewScripts(), false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("installs once: a second call leaves the wrapped serializer as it is", () => {
        const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction: unknown };
        debuggerOnlyWhileSerializing();
        const wrapped = closure.serializeFunction;
        debuggerOnlyWhileSerializing();
        assert.strictEqual(closure.serializeFunction, wrapped);
    });

    it("fails with the module and the function's name when an SDK upgrade moved what it wraps", () => {
        assert.throws(
            () => sdkModule("@pulumi/pulumi/runtime/closure/v8Hooks", "serializeFunction"),
            new Error(
                "commands/plan/closureDebugger.ts: @pulumi/pulumi/runtime/closure/v8Hooks no longer exports the function serializeFunction; check how this @pulumi/pulumi version serializes closures",
            ),
        );
        assert.strictEqual(typeof sdkModule<{ getSessionAsync: unknown }>("@pulumi/pulumi/runtime/closure/v8Hooks", "getSessionAsync").getSessionAsync, "function");
    });
});

function one<T>(list: T[]): T {
    assert.strictEqual(list.length, 1, `expected one resource, got ${list.length}`);
    return list[0];
}
