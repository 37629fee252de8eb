import * as assert from "assert";
import fc from "fast-check";
import { criticalPath, GraphNode, TYPICAL_SECONDS, weightOf } from "../dev/bench/criticalPath";
import { TYPES } from "./resourceTypes";

const node = (urn: string, type: string, dependencies: string[] = [], custom = true): GraphNode => ({ urn, type, custom, dependencies });

describe("bench: critical path", () => {
    it("follows the longest weighted chain, not the longest by count", () => {
        const nodes = [
            node("rg", TYPES.resourceGroup),
            node("acr", TYPES.registry, ["rg"]),
            node("aks", TYPES.managedCluster, ["rg"]),
            node("pull", TYPES.roleAssignment, ["acr", "aks"]),
            node("push", TYPES.roleAssignment, ["acr"]),
        ];
        const cp = criticalPath(nodes);
        assert.deepStrictEqual(cp.chain.map((n) => n.urn), ["rg", "aks", "pull"]);
        assert.strictEqual(cp.seconds, TYPICAL_SECONDS[TYPES.resourceGroup] + TYPICAL_SECONDS[TYPES.managedCluster] + TYPICAL_SECONDS[TYPES.roleAssignment]);
        assert.strictEqual(cp.sequentialSeconds, nodes.reduce((s, n) => s + weightOf(n), 0));
    });

    it("gives components and providers no weight", () => {
        assert.strictEqual(weightOf(node("c", TYPES.aksCluster, [], false)), 0);
        assert.strictEqual(weightOf(node("p", "pulumi:providers:kubernetes")), 0);
    });

    it("rejects a cycle", () => {
        assert.throws(() => criticalPath([node("a", TYPES.roleAssignment, ["b"]), node("b", TYPES.roleAssignment, ["a"])]), /dependency cycle/);
    });

    it("is never longer than the sequential sum, and never shorter than the heaviest resource", () => {
        const types = Object.keys(TYPICAL_SECONDS);
        fc.assert(
            fc.property(fc.array(fc.tuple(fc.constantFrom(...types), fc.array(fc.nat(), { maxLength: 3 })), { minLength: 1, maxLength: 30 }), (spec) => {
                // Dependencies only point backwards, so the graph is a DAG.
                const nodes = spec.map(([type, deps], i) => node(`n${i}`, type, i === 0 ? [] : deps.map((d) => `n${d % i}`)));
                const cp = criticalPath(nodes);
                assert.ok(cp.seconds <= cp.sequentialSeconds);
                assert.ok(cp.seconds >= Math.max(...nodes.map(weightOf)));
            }),
        );
    });
});
