/**
 * docs/ci-identity.md's table of the bootstrap's config keys against the
 * bootstrap's config parser, so the table cannot drift: the keys inside each
 * object are discovered by asking the parser (the "is not a known key:
 * expected one of ..." list it answers an unknown key with), as
 * tests/configurationDoc.test.ts does for the stack's keys.
 */
import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { BOOTSTRAP_PROJECT, parseBootstrapConfig, RawBootstrapConfig } from "../bootstrap/config";
import { ConfigError } from "../stack/config";

const ROOT = path.join(__dirname, "..");
const PREFIX = `${BOOTSTRAP_PROJECT}:`;
const PROBE = "zzzProbe";

/** A valid bootstrap config, from the bootstrap's own test fixture. */
function validRaw(): RawBootstrapConfig {
    const config: Record<string, unknown> = parse(readFileSync(path.join(__dirname, "fixtures", "plan-root", "bootstrap", "Pulumi.test.yaml"), "utf8")).config;
    return {
        stack: "test",
        location: config["azure-native:location"],
        github: config[`${PREFIX}github`],
        keyVaultName: config[`${PREFIX}keyVaultName`],
        environments: config[`${PREFIX}environments`],
    };
}

/** The keys the parser accepts in the object that `withProbe` puts PROBE into, named by `key` in its messages. */
function acceptedIn(key: string, withProbe: (raw: RawBootstrapConfig) => void): string[] {
    const raw = validRaw();
    withProbe(raw);
    try {
        parseBootstrapConfig(raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        const prefix = `${key}.${PROBE} is not a known key: expected one of `;
        const problem = e.problems.find((p) => p.startsWith(prefix));
        assert.ok(problem, `the parser names the keys of ${key}: ${e.problems.join(" | ")}`);
        return problem.slice(prefix.length).split(", ");
    }
    assert.fail(`the parser accepted ${key}.${PROBE}`);
}

/** Every leaf key the bootstrap reads, as the table names them. */
function acceptedKeys(): string[] {
    const first = (raw: RawBootstrapConfig) => (raw.environments as Record<string, unknown>[])[0];
    const github = acceptedIn(`${PREFIX}github`, (raw) => (raw.github = { ...(raw.github as object), [PROBE]: 1 }));
    const environment = acceptedIn(`${PREFIX}environments[0]`, (raw) => (first(raw)[PROBE] = 1));
    const reviewers = acceptedIn(`${PREFIX}environments[0].reviewers`, (raw) => (first(raw).reviewers = { [PROBE]: 1 }));
    const cloud = acceptedIn(`${PREFIX}pulumiCloud`, (raw) => (raw.pulumiCloud = { organization: "contoso", [PROBE]: 1 }));
    // The top-level keys are RawBootstrapConfig's fields (bootstrap/index.ts reads each by name).
    const top = ["identityKind", "resourceGroup", "keyVaultName"];
    return [
        "azure-native:location",
        ...github.map((k) => `${PREFIX}github.${k}`),
        ...top.map((k) => `${PREFIX}${k}`),
        ...environment.filter((k) => k !== "reviewers").map((k) => `${PREFIX}environments[].${k}`),
        ...reviewers.map((k) => `${PREFIX}environments[].reviewers.${k}`),
        ...cloud.map((k) => `${PREFIX}pulumiCloud.${k}`),
    ].sort();
}

/** The table's keys; "`a.b`, `.c`" names a.b and a.c. */
function documentedKeys(): string[] {
    const doc = readFileSync(path.join(ROOT, "docs", "ci-identity.md"), "utf8");
    const keys: string[] = [];
    for (const line of doc.split("\n")) {
        const cell = /^\| (`(?:azure-native:location|credless-aks-bootstrap:[^`]+)`(?:, `\.[^`]+`)*) \|/.exec(line)?.[1];
        if (!cell) {
            continue;
        }
        const [head, ...rest] = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
        keys.push(head, ...rest.map((suffix) => head.replace(/\.[^.]+$/, suffix)));
    }
    return keys.sort();
}

describe("docs/ci-identity.md against bootstrap/config.ts", () => {
    it("documents exactly the keys the bootstrap's parser accepts", () => {
        assert.deepStrictEqual(documentedKeys(), acceptedKeys());
    });
});
