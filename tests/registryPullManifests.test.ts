import * as assert from "assert";
import fc from "fast-check";
import {
    clusterGeneratorManifest,
    dockerConfigTemplate,
    durationSeconds,
    externalSecretManifest,
    refreshIntervalRule,
    repositoryPrefixCondition,
    repositoryPrefixRule,
} from "../components/registryPullManifests";
import { ESO_SCHEMAS, schemaProblems } from "./crdSchema";

describe("registryPullManifests: durations", () => {
    const table: [string, number | undefined][] = [
        ["1h", 3600],
        ["30m", 1800],
        ["1h30m", 5400],
        ["90s", 90],
        ["0s", 0],
        ["", undefined],
        ["1d", undefined],
        ["30 m", undefined],
        ["1.5h", undefined],
        ["m", undefined],
    ];
    for (const [text, seconds] of table) {
        it(`reads ${JSON.stringify(text)} as ${seconds}`, () => assert.strictEqual(durationSeconds(text), seconds));
    }

    it("reads back every h/m/s combination it is given", () => {
        fc.assert(
            fc.property(fc.nat(48), fc.nat(59), fc.nat(59), (h, m, s) => {
                const text = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || (!h && !m) ? `${s}s` : ""}`;
                return durationSeconds(text) === h * 3600 + m * 60 + s;
            }),
        );
    });

    it("accepts refresh intervals from 1m to 1h only", () => {
        assert.deepStrictEqual(
            ["1m", "30m", "59m59s", "1h", "1h1s", "59s", "0s", "3h", "30h"].map((v) => refreshIntervalRule(v) === undefined),
            [true, true, true, true, false, false, false, false, false],
        );
    });
});

describe("registryPullManifests: repository prefixes", () => {
    it("accepts repository paths and refuses slashes at the ends, upper case and wildcards", () => {
        assert.deepStrictEqual(
            ["shop", "shop/api", "a.b_c-d/e", "shop/", "/shop", "Shop", "shop/*", "shop//api", ""].map((v) => repositoryPrefixRule(v) === undefined),
            [true, true, true, false, false, false, false, false, false],
        );
    });

    it("writes one StringStartsWithIgnoreCase per prefix, each with its '/'", () => {
        const condition = repositoryPrefixCondition(["a", "b/c"]);
        assert.deepStrictEqual(
            [...condition.matchAll(/StringStartsWithIgnoreCase '([^']*)'/g)].map((m) => m[1]),
            ["a/", "b/c/"],
        );
        assert.strictEqual(condition.split("(").length, condition.split(")").length);
        assert.throws(() => repositoryPrefixCondition([]), /at least one prefix/);
    });
});

describe("registryPullManifests: manifests", () => {
    it("templates a dockerconfigjson keyed by the login server, with no token in it", () => {
        const template = dockerConfigTemplate("contoso.azurecr.io");
        assert.deepStrictEqual(JSON.parse(template), { auths: { "contoso.azurecr.io": { username: "{{ .username }}", password: "{{ .password }}" } } });
    });

    it("builds whole manifests that validate against the CRD extracts", () => {
        const generator = clusterGeneratorManifest("pull", { loginServer: "contoso.azurecr.io", tenantId: "t", serviceAccountName: "acr-pull-token" });
        const secret = externalSecretManifest("acr-pull", "shop", { generatorName: "pull", secretName: "acr-pull", loginServer: "contoso.azurecr.io", refreshInterval: "1h" });
        assert.deepStrictEqual(schemaProblems(ESO_SCHEMAS.ClusterGenerator, generator), []);
        assert.deepStrictEqual(schemaProblems(ESO_SCHEMAS.ExternalSecret, secret), []);
    });
});
