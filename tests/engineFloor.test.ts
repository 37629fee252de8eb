import * as assert from "assert";
import { registerBare } from "../scripts/bench/engineFloorChild";
import { planStack, readStackConfig } from "../scripts/plan/main";
import { runUnderMocks } from "./harness";

/**
 * The benchmark's engine floor registers the resources a plan recorded again,
 * bare: it is a floor for the same work only if it registers the same
 * resources, under the same URNs, parents and providers.
 */
describe("bench: the engine floor registers the plan's resources again", () => {
    it("the same types, names, URNs, parents and providers as the dev plan, with the custom resources' inputs", async () => {
        const plan = await planStack("dev", readStackConfig("dev"));
        const { resources } = await runUnderMocks(() => registerBare(plan.resources), { project: "credless-aks", stack: "dev" });
        const shape = (r: { type: string; name: string; urn: string; parent: string; custom: boolean; provider: string }) =>
            [r.type, r.name, r.urn, r.parent, r.custom, r.provider.split("::").slice(0, -1).join("::")].join(" | ");
        assert.ok(plan.resources.length > 20);
        assert.deepStrictEqual(resources.map(shape).sort(), plan.resources.map(shape).sort());
        const identity = plan.resources.find((r) => r.type === "azure-native:managedidentity:UserAssignedIdentity")!;
        assert.deepStrictEqual(resources.find((r) => r.urn === identity.urn)!.inputs, identity.inputs);
    });
});
