/**
 * Renders a plan (resource tree, trust map, policy results) as text,
 * Markdown with a Mermaid trust map, or JSON. Pure: input in, string out.
 */
import { buildTrustMap, describeCondition, EXISTING_TYPES, ResourceRecord, ServicePrincipalLookup, TrustMap, trustMapLines, trustMapMermaid, TYPES } from "./trustMap";

export interface PlanResource extends ResourceRecord {
    parent: string;
    custom: boolean;
    provider: string;
    /** URNs this resource waits for: explicit dependsOn, the resources its inputs came from, its provider. */
    dependencies: string[];
}

export interface PolicyFinding {
    policy: string;
    enforcementLevel: string;
    message: string;
    resource?: { type: string; name: string; urn: string };
}

export interface Plan {
    stack: string;
    resources: PlanResource[];
    trustMap: TrustMap;
    policies: { evaluated: number; findings: PolicyFinding[] };
    outputs: Record<string, unknown>;
    /** What the program warned about, such as a subject format it assumed without asking GitHub. */
    notes: string[];
}

export function makePlan(
    stack: string,
    resources: PlanResource[],
    deployerObjectId: string | undefined,
    policies: Plan["policies"],
    outputs: Record<string, unknown>,
    notes: string[] = [],
    lookups: ServicePrincipalLookup[] = [],
): Plan {
    return { stack, resources, trustMap: buildTrustMap(resources, deployerObjectId, lookups), policies, outputs, notes };
}

const onOff = (value: unknown) => (value === true ? "on" : value === false ? "off" : "unset");

/** The security-relevant settings of a resource, shown inline in the tree. */
export function securitySettings(r: ResourceRecord): string {
    const i = r.inputs;
    switch (r.type) {
        case TYPES.cluster:
            return [
                `oidcIssuer=${onOff(i.oidcIssuerProfile?.enabled)}`,
                `workloadIdentity=${onOff(i.securityProfile?.workloadIdentity?.enabled)}`,
                `localAccounts=${i.disableLocalAccounts === true ? "disabled" : "ENABLED"}`,
                `azureRBAC=${onOff(i.aadProfile?.enableAzureRBAC)}`,
                `tier=${i.sku?.tier ?? "unset"}`,
                `autoUpgrade=${i.autoUpgradeProfile?.upgradeChannel ?? "unset"}`,
                `networkPolicy=${i.networkProfile?.networkPolicy ?? "unset"}`,
                `apiServerRanges=${(i.apiServerAccessProfile?.authorizedIPRanges ?? []).length || "any"}`,
                `adminGroups=${(i.aadProfile?.adminGroupObjectIDs ?? []).length}`,
            ].join(" ");
        case EXISTING_TYPES.cluster:
            return [
                `existing cluster "${i.name}" in resource group "${i.resourceGroupName}", read and not created`,
                `oidcIssuer=${onOff(i.oidcIssuerEnabled)}`,
                `workloadIdentity=${onOff(i.workloadIdentityEnabled)}`,
                `localAccounts=${i.localAccountsDisabled === true ? "disabled" : "ENABLED"}`,
                `azureRBAC=${onOff(i.azureRbacEnabled)}`,
            ].join(" ");
        case EXISTING_TYPES.registry:
            return `existing registry "${i.name}" in resource group "${i.resourceGroupName}", read and not created adminUser=${onOff(i.adminUserEnabled)} anonymousPull=${onOff(i.anonymousPullEnabled)}`;
        case TYPES.registry:
            return `sku=${i.sku?.name ?? "unset"} adminUser=${onOff(i.adminUserEnabled)} anonymousPull=${onOff(i.anonymousPullEnabled)}`;
        case TYPES.roleAssignment:
            return `principalType=${i.principalType ?? "unset"}${i.condition ? ` condition=${describeCondition(i.condition)}` : ""}`;
        case TYPES.externalSecret:
            return `refreshInterval=${i.spec?.refreshInterval ?? "unset"} target=${i.spec?.target?.name ?? "unset"} type=${i.spec?.target?.template?.type ?? "unset"}`;
        case TYPES.applicationCredential:
        case TYPES.managedIdentityCredential:
            return `subject=${i.subject}`;
        case TYPES.appRoleAssignment:
            return `appRoleId=${i.appRoleId} principal=${i.principalObjectId} resource=${i.resourceObjectId}`;
        case TYPES.group:
            return `securityEnabled=${onOff(i.securityEnabled)} mailEnabled=${onOff(i.mailEnabled)} assignableToRole=${onOff(i.assignableToRole)} members=${(i.members ?? []).length} owners=${(i.owners ?? []).length}`;
        default:
            return "";
    }
}

/** Lines of the resource tree, children indented under their parent, in registration order. */
export function resourceTreeLines(resources: PlanResource[]): string[] {
    const children = new Map<string, PlanResource[]>();
    const urns = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const parent = urns.has(r.parent) ? r.parent : "";
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const out: string[] = [];
    const walk = (parent: string, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const settings = securitySettings(r);
            out.push(`${"  ".repeat(depth)}${r.custom ? "+" : "#"} ${r.type}  ${r.name}${settings ? `  [${settings}]` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk("", 0);
    return out;
}

function policyLines(plan: Plan): string[] {
    const { evaluated, findings } = plan.policies;
    if (evaluated === 0) {
        return ["no policies evaluated"];
    }
    if (findings.length === 0) {
        return [`${evaluated} policies: all passed`];
    }
    return [
        `${evaluated} policies: ${findings.filter((f) => f.enforcementLevel === "mandatory").length} mandatory and ${findings.filter((f) => f.enforcementLevel !== "mandatory").length} advisory findings`,
        ...findings.map((f) => `${f.enforcementLevel.toUpperCase()} ${f.policy}${f.resource ? ` (${f.resource.name})` : ""}: ${f.message}`),
    ];
}

function summary(plan: Plan): string {
    const custom = plan.resources.filter((r) => r.custom).length;
    return `${custom} resources in ${plan.resources.length - custom} components, ${plan.trustMap.identities.length} identities`;
}

export function renderText(plan: Plan): string {
    return [
        `credless-aks plan for stack "${plan.stack}" (offline: no cloud account, nothing contacted)`,
        summary(plan),
        "",
        ...(plan.notes.length > 0 ? ["Notes:", ...plan.notes.map((n) => `  ! ${n}`), ""] : []),
        "Resources (+ resource, # component):",
        ...resourceTreeLines(plan.resources).map((l) => `  ${l}`),
        "",
        "Trust map (who can obtain which identity, and what it may do):",
        ...trustMapLines(plan.trustMap).map((l) => `  ${l}`),
        "",
        "Policies:",
        ...policyLines(plan).map((l) => `  ${l}`),
        "",
    ].join("\n");
}

export function renderMarkdown(plan: Plan): string {
    return [
        `### credless-aks plan: \`${plan.stack}\``,
        "",
        summary(plan),
        "",
        ...(plan.notes.length > 0 ? ["#### Notes", "", ...plan.notes.map((n) => `- ${n}`), ""] : []),
        "#### Trust map",
        "",
        "```mermaid",
        trustMapMermaid(plan.trustMap),
        "```",
        "",
        ...trustMapLines(plan.trustMap).map((l) => (l.startsWith("  ") ? `  - ${l.trim()}` : `- **${l}**`)),
        "",
        "#### Policies",
        "",
        ...policyLines(plan).map((l) => `- ${l}`),
        "",
        "<details><summary>Resources</summary>",
        "",
        "```",
        ...resourceTreeLines(plan.resources),
        "```",
        "",
        "</details>",
        "",
    ].join("\n");
}

export function renderJson(plan: Plan): string {
    return JSON.stringify(
        {
            stack: plan.stack,
            resources: plan.resources.map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                parent: r.parent || undefined,
                custom: r.custom,
                settings: securitySettings(r) || undefined,
            })),
            trustMap: plan.trustMap,
            policies: plan.policies,
            outputs: plan.outputs,
            notes: plan.notes,
        },
        null,
        2,
    );
}
