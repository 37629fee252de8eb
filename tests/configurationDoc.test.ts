/**
 * docs/configuration.md against the config parser, so the table cannot
 * drift: the keys the parser accepts are discovered by asking it (the
 * top-level keys it lists for an unknown credless-aks: key, then, inside
 * each object, the "is not a known key: expected one of ..." list it answers
 * an unknown key with), and compared with the table's first column; the
 * allowed values of each one-of key are compared with its type column.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseStackConfig, RawConfig, rawConfigFromMap } from "../stack/config";

const DOC = path.join(__dirname, "..", "docs", "configuration.md");
const PROBE = "zzzProbe";
/** The least config the parser accepts, so that each probe's problems are its own. */
const BASE: Record<string, unknown> = {
    "azure-native:location": "westeurope",
    "credless-aks:github": { repository: "contoso/geofencing" },
    "credless-aks:registry": { namePrefix: "contosogeo" },
};

/** A key path: the Pulumi config key, then the segments inside its value; "[]" is an element of a list. */
type KeyPath = [string, ...string[]];

/** `values` (full Pulumi config keys) as the string map Pulumi hands the program, read as the program reads it. */
function rawConfig(values: Record<string, unknown>): RawConfig {
    const map = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    return rawConfigFromMap("probe", map);
}

/** The keys of the credless-aks namespace, as the parser lists them for an unknown one, and the Azure location. */
function topLevelKeys(): string[] {
    const problems = (() => {
        try {
            parseStackConfig(rawConfig({ ...BASE, [`credless-aks:${PROBE}`]: 1 }));
            return [];
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            return e.problems;
        }
    })();
    const listed = problems.map((p) => /the credless-aks: keys are ([^;]+);/.exec(p)?.[1]).find((l) => l !== undefined);
    assert.ok(listed, `the parser names the known keys for an unknown one: ${problems.join(" | ")}`);
    return ["azure-native:location", ...listed.split(", ").map((k) => `credless-aks:${k}`)];
}

/** The parser's problems for BASE with `value` set at `keyPath` (creating what lies between). */
function problemsWith(keyPath: KeyPath, value: unknown): string[] {
    const values: Record<string, unknown> = structuredClone(BASE);
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    // Walk the path, keeping what BASE has on it: "[]" stands for the one element of a new list.
    let node: Record<string, unknown> = values;
    keyPath.forEach((segment, i) => {
        if (segment === "[]") {
            return;
        }
        const next = keyPath[i + 1];
        if (i === keyPath.length - 1) {
            node[segment] = value;
        } else if (next === "[]") {
            const element = i + 1 === keyPath.length - 1 ? value : {};
            node[segment] = [element];
            node = element as Record<string, unknown>;
        } else {
            node[segment] = isObject(node[segment]) ? node[segment] : {};
            node = node[segment] as Record<string, unknown>;
        }
    });
    try {
        parseStackConfig(rawConfig(values));
        return [];
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
}

/** How the parser names a key path in its messages: the first element of a list is [0]. */
const shown = (keyPath: KeyPath) => keyPath.slice(1).reduce<string>((out, s) => (s === "[]" ? `${out}[0]` : `${out}.${s}`), keyPath[0]);
/** How the table names it. */
const documented = (keyPath: KeyPath) => keyPath.slice(1).reduce<string>((out, s) => (s === "[]" ? `${out}[]` : `${out}.${s}`), keyPath[0]);

/** The keys the parser accepts inside the object at `keyPath`, or undefined when it is no object. */
function childKeys(keyPath: KeyPath): string[] | undefined {
    const unknownKey = `${shown(keyPath)}.${PROBE} is not a known key: expected one of `;
    const problem = problemsWith([...keyPath, PROBE] as KeyPath, 1).find((p) => p.startsWith(unknownKey));
    return problem?.slice(unknownKey.length).split(", ");
}

/** Every leaf key path the parser accepts, found by probing. */
function acceptedKeys(): KeyPath[] {
    const leaves: KeyPath[] = [];
    const visit = (keyPath: KeyPath) => {
        const inObject = childKeys(keyPath);
        const inList = inObject ? undefined : childKeys([...keyPath, "[]"] as KeyPath);
        if (inObject) {
            inObject.forEach((k) => visit([...keyPath, k] as KeyPath));
        } else if (inList) {
            inList.forEach((k) => visit([...keyPath, "[]", k] as KeyPath));
        } else {
            leaves.push(keyPath);
        }
    };
    const top = topLevelKeys();
    top.forEach((key) => visit([key]));
    return leaves;
}

/** The table's rows: key, then the other cells. */
function tableRows(): Map<string, string[]> {
    const rows = new Map<string, string[]>();
    for (const line of fs.readFileSync(DOC, "utf8").split("\n")) {
        const match = /^\| `([^`]+)` \|(.*)\|$/.exec(line);
        if (match) {
            assert.ok(!rows.has(match[1]), `${match[1]} is documented twice`);
            rows.set(match[1], match[2].split(/(?<!\\)\|/).map((cell) => cell.trim()));
        }
    }
    return rows;
}

describe("docs/configuration.md against stack/config.ts", () => {
    const keys = acceptedKeys();
    const rows = tableRows();

    it("finds the keys by probing the parser (a sanity check of the probe itself)", () => {
        const names = keys.map(documented);
        for (const expected of ["azure-native:location", "credless-aks:github.repository", "credless-aks:cluster.nodePool.count", "credless-aks:workloads[].roles[].scope"]) {
            assert.ok(names.includes(expected), expected);
        }
        assert.ok(keys.length > 40, `only ${keys.length} keys found`);
    });

    it("documents every key the parser accepts", () => {
        assert.deepStrictEqual(keys.map(documented).filter((k) => !rows.has(k)), []);
    });

    it("documents no key the parser does not accept", () => {
        const accepted = new Set(keys.map(documented));
        assert.deepStrictEqual([...rows.keys()].filter((k) => !accepted.has(k)), []);
    });

    it("lists exactly the values the parser allows for each one-of key", () => {
        const checked: string[] = [];
        for (const keyPath of keys) {
            const prefix = `${shown(keyPath)} is "${PROBE}": must be one of `;
            const problem = problemsWith(keyPath, PROBE).find((p) => p.startsWith(prefix));
            if (!problem) {
                continue;
            }
            const allowed = problem.slice(prefix.length).split(", ");
            const type = rows.get(documented(keyPath))?.[0] ?? "";
            const listed = [...type.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
            assert.deepStrictEqual(listed, allowed, documented(keyPath));
            checked.push(documented(keyPath));
        }
        assert.ok(checked.includes("credless-aks:cluster.tier") && checked.includes("credless-aks:registry.permissionsMode"), checked.join(", "));
    });
});
