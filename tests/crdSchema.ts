/**
 * Validates a manifest against the structural-schema subset of a CRD's
 * openAPIV3Schema (type, properties, required, enum, pattern, lengths, items,
 * additionalProperties, min/maxProperties), with unknown fields refused as
 * kubectl's strict field validation refuses them. Schemas: tests/fixtures/eso.
 */
import * as fs from "fs";
import * as path from "path";

export interface Schema {
    type?: string;
    properties?: Record<string, Schema>;
    additionalProperties?: Schema;
    required?: string[];
    enum?: string[];
    pattern?: string;
    minLength?: number;
    maxLength?: number;
    minProperties?: number;
    maxProperties?: number;
    items?: Schema;
    "x-pruned"?: string;
}

export const ESO_SCHEMAS = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "eso", "crd-schemas.json"), "utf8")) as Record<"ExternalSecret" | "ClusterGenerator", Schema>;

const typeOf = (v: unknown): string => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v);

/** Every violation, as "<path>: <problem>"; empty when the value is valid. */
export function schemaProblems(schema: Schema, value: unknown, at = ""): string[] {
    const problems: string[] = [];
    const where = at || "(root)";
    if (schema.type && typeOf(value) !== schema.type && !(schema.type === "number" && typeOf(value) === "integer")) {
        return [`${where}: expected ${schema.type}, got ${typeOf(value)}`];
    }
    if (schema.enum && !schema.enum.includes(value as string)) {
        problems.push(`${where}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
    }
    if (typeof value === "string") {
        if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
            problems.push(`${where}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
        }
        if (schema.minLength !== undefined && value.length < schema.minLength) {
            problems.push(`${where}: shorter than ${schema.minLength}`);
        }
        if (schema.maxLength !== undefined && value.length > schema.maxLength) {
            problems.push(`${where}: longer than ${schema.maxLength}`);
        }
    }
    if (Array.isArray(value) && schema.items) {
        value.forEach((item, i) => problems.push(...schemaProblems(schema.items!, item, `${at}[${i}]`)));
    }
    if (typeOf(value) === "object" && !schema["x-pruned"]) {
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record);
        for (const key of schema.required ?? []) {
            if (!(key in record)) {
                problems.push(`${at}.${key}: required`);
            }
        }
        if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
            problems.push(`${where}: fewer than ${schema.minProperties} properties`);
        }
        if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
            problems.push(`${where}: more than ${schema.maxProperties} properties`);
        }
        for (const key of keys) {
            const child = schema.properties?.[key] ?? schema.additionalProperties;
            if (child) {
                problems.push(...schemaProblems(child, record[key], `${at}.${key}`));
            } else if (schema.properties) {
                problems.push(`${at}.${key}: unknown field`);
            }
        }
    }
    return problems;
}
