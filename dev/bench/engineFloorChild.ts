/**
 * The engine floor of one plan, in its own process: the resources a plan
 * recorded (a JSON file written by planChild) registered again under the same
 * mock runtime, each with its recorded inputs, parent and provider, through
 * the same SDK classes, but with none of credless-aks's code: no component
 * logic, no Outputs passed between resources, no policies, no trust map.
 * What is left is what Pulumi's SDK itself spends per resource (input
 * serialization, alias URNs: each azure-native resource carries one alias per
 * API version). Prints one JSON line.
 */
import * as fs from "fs";
import { performance } from "perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../../commands/plan/mockRuntime";

export interface RecordedForFloor {
    type: string;
    name: string;
    urn: string;
    parent: string;
    custom: boolean;
    provider: string;
    inputs: Record<string, unknown>;
}

/** A custom resource of any type, for types without an SDK class (the dynamic RBAC wait). */
class BareResource extends pulumi.CustomResource {
    constructor(type: string, name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
        super(type, name, props, opts);
    }
}

type ResourceClass = new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The SDK class behind a type token, loaded per module as the program loads it; undefined for a type without one. */
function sdkClass(type: string): ResourceClass | undefined {
    const [pkg, mod, name] = type.split(":");
    const load = (module: string) => (require(module) as Record<string, ResourceClass | undefined>)[name];
    if (pkg === "pulumi" && mod === "providers") {
        return (require(`@pulumi/${name}/provider`) as { Provider: ResourceClass }).Provider;
    }
    switch (pkg) {
        case "azure-native":
            return load(`@pulumi/azure-native/${mod}`);
        case "azuread":
        case "github":
            return load(`@pulumi/${pkg}`);
        case "kubernetes":
            return load(`@pulumi/kubernetes/${mod}`);
        default:
            return undefined;
    }
}

/** Registers `recorded` bare; resolves when every registration has finished. */
export function registerBare(recorded: RecordedForFloor[]): void {
    const byUrn = new Map<string, pulumi.Resource>();
    for (const r of recorded) {
        const parent = byUrn.get(r.parent);
        const cut = r.provider.lastIndexOf("::");
        const provider = cut > 0 ? (byUrn.get(r.provider.slice(0, cut)) as pulumi.ProviderResource | undefined) : undefined;
        let resource: pulumi.Resource;
        if (!r.custom) {
            resource = new pulumi.ComponentResource(r.type, r.name, {}, { parent });
        } else {
            const Class = sdkClass(r.type);
            resource = Class
                ? new Class(r.name, r.inputs, { parent, provider })
                : new BareResource(r.type, r.name, r.inputs, { parent, provider });
        }
        byUrn.set(r.urn, resource);
    }
}

if (require.main === module) {
    const recorded = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as RecordedForFloor[];
    const t0 = performance.now();
    runUnderMocks(() => registerBare(recorded), { project: "credless-aks", stack: "floor" })
        .then((run) => {
            const ms = performance.now() - t0;
            process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, resources: run.resources.filter((r) => r.custom).length }) + "\n");
        })
        .catch((e) => {
            process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
            process.exit(1);
        });
}
