/**
 * Two stacks of one project that would create the same Azure or GitHub
 * object fight over it: the second `pulumi up` takes over (or overwrites the
 * secrets of) the first. The offline plan and check-stacks compare each
 * stack's footprint with the other Pulumi.<stack>.yaml files beside it. Pure.
 */
import { baseName } from "../components/naming";
import { StackConfig } from "./config";

/** One name a stack would create, with the key that makes two of them the same object. */
export interface FootprintEntry {
    /** What the object is, for messages: `app registration "github-contoso-geofencing-dev"`. */
    label: string;
    /** Equal keys mean the same object (Azure and GitHub names compare case-insensitively). */
    key: string;
}

/**
 * The names `config` would create: the resource group (unless it is an
 * existing one, which stacks may share), the GitHub app registration, the
 * registry (named from its prefix, resource group and environment; not an
 * existing one, which stacks may share too), and the
 * GitHub environment, or the repository's secrets, that its secrets go to.
 */
export function stackFootprint(config: StackConfig): FootprintEntry[] {
    const base = baseName(config.github.name, config.environment);
    const resourceGroup = config.existingResourceGroupName ?? `rg-${base}`;
    const repository = config.github.repository;
    const app = `github-${config.github.owner}-${config.github.name}-${config.environment}`;
    const prefix = config.registry.namePrefix.toLowerCase().replace(/[^a-z0-9]/g, "");
    const out: FootprintEntry[] = [];
    if (!config.existingResourceGroupName) {
        out.push({ label: `resource group "${resourceGroup}"`, key: `rg/${resourceGroup}` });
    }
    out.push({ label: `app registration "${app}"`, key: `app/${app}` });
    if (!config.registry.existing) {
        out.push({
            label: `registry "${prefix}<suffix>" (its suffix comes from the resource group "${resourceGroup}" and the environment "${config.environment}")`,
            key: `acr/${prefix}/${resourceGroup}/${config.environment}`,
        });
    }
    out.push(
        config.github.secretsScope === "environment"
            ? { label: `GitHub environment "${config.github.environmentName}" of ${repository}`, key: `env/${repository}/${config.github.environmentName}` }
            : { label: `repository secrets of ${repository}`, key: `repo-secrets/${repository}` },
    );
    return out.map((e) => ({ ...e, key: e.key.toLowerCase() }));
}

/**
 * One line per object that `own` would create and another stack would too,
 * naming the object, the other stack's file and the way out.
 */
export function collisions(own: StackConfig, others: StackConfig[]): string[] {
    const problems: string[] = [];
    for (const entry of stackFootprint(own)) {
        for (const other of others) {
            if (other.stack !== own.stack && stackFootprint(other).some((e) => e.key === entry.key)) {
                problems.push(
                    `Pulumi.${own.stack}.yaml and Pulumi.${other.stack}.yaml would both create ${entry.label}: ` +
                        `the second pulumi up would take it over; give each stack its own credless-aks:environment (it defaults to the stack name) or github.repository`,
                );
            }
        }
    }
    return problems;
}
