/**
 * The trust map: every identity the program creates or grants to, who can
 * obtain it, and what it may do. Built only from recorded resources (what the
 * program registered), so it cannot drift from the program.
 */
import { GITHUB_OIDC_ISSUER } from "../../components/githubConstants";
import { constrainedRoles } from "../../components/rbacCondition";
import { PRIVILEGED_ROLE_IDS, roleNameOf } from "../../components/roles";

/** The part of a recorded resource the trust map reads. */
export interface ResourceRecord {
    type: string;
    name: string;
    urn: string;
    id: string;
    inputs: Record<string, any>;
    state: Record<string, any>;
    /** Reference of the resource's provider, when known: tells which cluster a Kubernetes object is on. */
    provider?: string;
}

export const TYPES = {
    cluster: "azure-native:containerservice:ManagedCluster",
    registry: "azure-native:containerregistry:Registry",
    resourceGroup: "azure-native:resources:ResourceGroup",
    managedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
    managedIdentityCredential: "azure-native:managedidentity:FederatedIdentityCredential",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    application: "azuread:index/application:Application",
    servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
    applicationCredential: "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
    appRoleAssignment: "azuread:index/appRoleAssignment:AppRoleAssignment",
    group: "azuread:index/group:Group",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    externalSecret: "kubernetes:external-secrets.io/v1:ExternalSecret",
    clusterGenerator: "kubernetes:generators.external-secrets.io/v1alpha1:ClusterGenerator",
} as const;

/**
 * The components that stand for a cluster or registry the stack did not
 * create (components/existingAksCluster.ts, existingContainerRegistry.ts);
 * their inputs are the resource as Azure reported it.
 */
export const EXISTING_TYPES = {
    cluster: "credless-aks:aks:ExistingAksCluster",
    registry: "credless-aks:acr:ExistingContainerRegistry",
} as const;

/**
 * The existing cluster and registry as records of the types the trust map
 * reads, marked `existing` so that labels say so.
 */
function withExisting(resources: ResourceRecord[]): ResourceRecord[] {
    return resources.map((r) => {
        const f = r.inputs;
        if (r.type === EXISTING_TYPES.cluster) {
            return {
                ...r,
                type: TYPES.cluster,
                id: f.resourceId,
                inputs: { resourceName: f.name },
                state: {
                    name: f.name,
                    existing: true,
                    oidcIssuerProfile: { issuerURL: f.oidcIssuerUrl },
                    identityProfile: { kubeletidentity: { objectId: f.kubeletIdentityObjectId } },
                },
            };
        }
        if (r.type === EXISTING_TYPES.registry) {
            return { ...r, type: TYPES.registry, id: f.resourceId, inputs: { registryName: f.name }, state: { name: f.name, existing: true } };
        }
        return r;
    });
}

/** 'cluster "aks-geofencing-dev"', or 'existing cluster "aks-platform"' for one the stack did not create. */
function labelOf(kind: "cluster" | "registry", r: ResourceRecord): string {
    return `${r.state.existing ? "existing " : ""}${kind} "${r.state.name ?? (kind === "cluster" ? r.inputs.resourceName : r.inputs.registryName)}"`;
}

export type IdentityKind = "entra-application" | "managed-identity" | "kubelet-identity" | "entra-group" | "existing-principal";

/** Who can obtain an identity: a federated token issuer and subject, or a platform mechanism. */
export interface Obtainer {
    /**
     * "github", "kubernetes", "aks-nodes", "external", or "pod-creator": an
     * identity whose Kubernetes role lets it run pods as the service account,
     * and so obtain the identity indirectly.
     */
    kind: "github" | "kubernetes" | "aks-nodes" | "external" | "pod-creator";
    /** Human label, e.g. "GitHub repo:contoso/geofencing:environment:dev". */
    label: string;
    issuer?: string;
    subject?: string;
    audiences?: string[];
    /** Pulumi resource name of the federated credential that creates this trust. */
    credential?: string;
    /** For "pod-creator": the principal id of the identity that can run the pods. */
    viaPrincipalId?: string;
}

/**
 * Azure RBAC for Kubernetes roles that may create pods, and so run a pod as
 * any service account of the namespaces they cover. RBAC Writer is Azure's
 * counterpart of Kubernetes' `edit` role, of which kubernetes.io/docs/reference/access-authn-authz/rbac
 * ("User-facing roles") says: it "allows accessing Secrets and running Pods as
 * any ServiceAccount in the namespace". RBAC Reader (`view`) does not.
 */
const POD_CREATING_ROLES = ["Azure Kubernetes Service RBAC Writer", "Azure Kubernetes Service RBAC Admin", "Azure Kubernetes Service RBAC Cluster Admin"];

export interface Grant {
    role: string;
    roleDefinitionId: string;
    scope: string;
    /** What the scope is, e.g. 'registry "contosogeo..."' or 'namespace "geofencing" on cluster "aks-..."'. */
    scopeLabel: string;
    /** Pulumi resource name of the role assignment. */
    assignment: string;
    principalType?: string;
    /** The assignment's ABAC condition, when it has one. */
    condition?: string;
}

/** A registry pull secret that External Secrets Operator writes with the identity's token (ExternalClusterRegistryPull). */
export interface PullSecret {
    namespace: string;
    secretName: string;
    /** The registry's login server. */
    registry: string;
    refreshInterval: string;
    /** Pulumi resource name of the ExternalSecret. */
    externalSecret: string;
}

/** An application permission of an API held by an identity: an app role assignment, which is admin consent. */
export interface ApiGrant {
    /** The API's name as its service principal shows it, e.g. "Microsoft Graph", or its object id when not looked up. */
    api: string;
    /** The permission's value, e.g. "User.Read.All", or its app role id when not found among the API's app roles. */
    permission: string;
    appRoleId: string;
    /** Object id of the API's service principal. */
    resourceObjectId: string;
    /** Pulumi resource name of the app role assignment. */
    assignment: string;
}

/** A cluster that treats the members of a group as cluster admins (aadProfile.adminGroupObjectIDs). */
export interface ClusterAdminGrant {
    clusterId: string;
    /** 'cluster "aks-..."'. */
    scopeLabel: string;
}

/** A service principal the program looked up (azuread getServicePrincipal): what names an app role assignment's API and permission. */
export interface ServicePrincipalLookup {
    objectId: string;
    displayName: string;
    appRoles: { id: string; value: string }[];
}

export interface TrustedIdentity {
    kind: IdentityKind;
    /** What the identity is, e.g. 'app "github-contoso-geofencing-dev"'. */
    name: string;
    /** Pulumi resource name of the identity, when the program creates it. */
    resource?: string;
    /** Object id of the principal that role assignments name. */
    principalId: string;
    clientId?: string;
    obtainedBy: Obtainer[];
    grants: Grant[];
    /** Application permissions of APIs, admin-consented by app role assignments. */
    apiPermissions?: ApiGrant[];
    /** For groups: the clusters whose admins the group's members are. */
    clusterAdminOf?: ClusterAdminGrant[];
    /** Pull secrets refreshed with this identity's tokens, on clusters the stack does not create. */
    pullSecrets?: PullSecret[];
}

export interface TrustMap {
    identities: TrustedIdentity[];
}

const eq = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

function describeScope(scope: string, resources: ResourceRecord[]): string {
    for (const r of resources) {
        if (!r.id) {
            continue;
        }
        if (eq(r.id, scope)) {
            switch (r.type) {
                case TYPES.registry:
                    return labelOf("registry", r);
                case TYPES.cluster:
                    return labelOf("cluster", r);
                case TYPES.resourceGroup:
                    return `resource group "${r.state.name ?? r.inputs.resourceGroupName}"`;
                default:
                    return `${r.type.split(":").pop()} "${r.name}"`;
            }
        }
        if (r.type === TYPES.cluster && scope.toLowerCase().startsWith(`${r.id.toLowerCase()}/namespaces/`)) {
            return `namespace "${scope.slice(r.id.length + "/namespaces/".length)}" on ${labelOf("cluster", r)}`;
        }
    }
    const secret = /\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)\/secrets\/([^/]+)$/i.exec(scope);
    if (secret) {
        return `secret "${secret[2]}" of key vault "${secret[1]}"`;
    }
    const rg = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(scope);
    return rg ? `resource group "${rg[1]}"` : scope;
}

function describeObtainer(issuer: string, subject: string, audiences: string[], credential: string, resources: ResourceRecord[]): Obtainer {
    if (issuer === GITHUB_OIDC_ISSUER) {
        return { kind: "github", label: `GitHub ${subject}`, issuer, subject, audiences, credential };
    }
    const cluster = resources.find((r) => r.type === TYPES.cluster && r.state.oidcIssuerProfile?.issuerURL === issuer);
    if (subject.startsWith("system:serviceaccount:")) {
        const via = cluster ? labelOf("cluster", cluster) : `issuer ${issuer}`;
        return { kind: "kubernetes", label: `Kubernetes ${subject} via ${via}`, issuer, subject, audiences, credential };
    }
    return { kind: "external", label: `${subject} from ${issuer}`, issuer, subject, audiences, credential };
}

/** Builds the trust map from the recorded resources of one program run, and the service principals it looked up. */
export function buildTrustMap(recorded: ResourceRecord[], deployerObjectId?: string, lookups: ServicePrincipalLookup[] = []): TrustMap {
    const resources = withExisting(recorded);
    const identities: TrustedIdentity[] = [];
    const byPrincipal = new Map<string, TrustedIdentity>();
    const add = (identity: TrustedIdentity) => {
        identities.push(identity);
        byPrincipal.set(identity.principalId.toLowerCase(), identity);
    };

    for (const app of resources.filter((r) => r.type === TYPES.application)) {
        const sp = resources.find((r) => r.type === TYPES.servicePrincipal && eq(r.inputs.clientId, app.state.clientId));
        const obtainedBy = resources
            .filter((c) => c.type === TYPES.applicationCredential && (eq(c.inputs.applicationId, app.id) || eq(c.inputs.applicationId, app.state.objectId)))
            .map((c) => describeObtainer(c.inputs.issuer, c.inputs.subject, c.inputs.audiences ?? [], c.name, resources));
        add({
            kind: "entra-application",
            name: `app "${app.inputs.displayName}"`,
            resource: app.name,
            principalId: sp?.state.objectId ?? sp?.id ?? "",
            clientId: app.state.clientId,
            obtainedBy,
            grants: [],
        });
    }

    for (const mi of resources.filter((r) => r.type === TYPES.managedIdentity)) {
        const obtainedBy = resources
            .filter(
                (c) =>
                    c.type === TYPES.managedIdentityCredential &&
                    eq(c.inputs.resourceName, mi.state.name ?? mi.inputs.resourceName) &&
                    eq(c.inputs.resourceGroupName, mi.inputs.resourceGroupName),
            )
            .map((c) => describeObtainer(c.inputs.issuer, c.inputs.subject, c.inputs.audiences ?? [], c.name, resources));
        add({
            kind: "managed-identity",
            name: `managed identity "${mi.state.name ?? mi.inputs.resourceName}"`,
            resource: mi.name,
            principalId: mi.state.principalId ?? "",
            clientId: mi.state.clientId,
            obtainedBy,
            grants: [],
        });
    }

    for (const cluster of resources.filter((r) => r.type === TYPES.cluster)) {
        const kubelet = cluster.state.identityProfile?.kubeletidentity;
        if (kubelet?.objectId) {
            add({
                kind: "kubelet-identity",
                name: `kubelet identity of ${labelOf("cluster", cluster)}`,
                principalId: kubelet.objectId,
                clientId: kubelet.clientId,
                obtainedBy: [{ kind: "aks-nodes", label: `the nodes of ${labelOf("cluster", cluster)}` }],
                grants: [],
            });
        }
    }

    for (const ra of resources.filter((r) => r.type === TYPES.roleAssignment)) {
        const identity = identityOf(ra.inputs.principalId ?? "", byPrincipal, add, deployerObjectId);
        const roleDefinitionId: string = ra.inputs.roleDefinitionId ?? "";
        const roleId = roleDefinitionId.split("/").pop() ?? "";
        identity.grants.push({
            role: roleNameOf(roleId) ?? `custom role ${roleId}`,
            roleDefinitionId,
            scope: ra.inputs.scope,
            scopeLabel: describeScope(ra.inputs.scope, resources),
            assignment: ra.name,
            principalType: ra.inputs.principalType,
            ...(ra.inputs.condition ? { condition: ra.inputs.condition } : {}),
        });
    }
    addApiPermissions(resources, lookups, byPrincipal, add, deployerObjectId);
    addClusterAdminGroups(resources, byPrincipal, add, deployerObjectId);
    addPodCreators(identities, resources);
    addPullSecrets(identities, resources);
    return { identities };
}

/** The identity with `principalId`, or a new existing-principal entry for it. */
function identityOf(
    principalId: string,
    byPrincipal: Map<string, TrustedIdentity>,
    add: (identity: TrustedIdentity) => void,
    deployerObjectId: string | undefined,
    what = "principal",
): TrustedIdentity {
    const known = byPrincipal.get(principalId.toLowerCase());
    if (known) {
        return known;
    }
    const isDeployer = deployerObjectId !== undefined && eq(principalId, deployerObjectId);
    const identity: TrustedIdentity = {
        kind: "existing-principal",
        name: isDeployer ? "the principal running pulumi up" : `existing ${what} ${principalId}`,
        principalId,
        obtainedBy: [{ kind: "external", label: isDeployer ? "whoever runs pulumi up with this login" : "outside this program" }],
        grants: [],
    };
    add(identity);
    return identity;
}

/** App role assignments: the API and permission each grants, named from the API's looked-up app roles. */
function addApiPermissions(
    resources: ResourceRecord[],
    lookups: ServicePrincipalLookup[],
    byPrincipal: Map<string, TrustedIdentity>,
    add: (identity: TrustedIdentity) => void,
    deployerObjectId: string | undefined,
): void {
    for (const a of resources.filter((r) => r.type === TYPES.appRoleAssignment)) {
        const identity = identityOf(String(a.inputs.principalObjectId ?? ""), byPrincipal, add, deployerObjectId);
        const resourceObjectId = String(a.inputs.resourceObjectId ?? "");
        const appRoleId = String(a.inputs.appRoleId ?? "");
        const api = lookups.find((l) => eq(l.objectId, resourceObjectId));
        identity.apiPermissions = [
            ...(identity.apiPermissions ?? []),
            {
                api: api?.displayName ?? resourceObjectId,
                permission: api?.appRoles.find((r) => eq(r.id, appRoleId))?.value ?? appRoleId,
                appRoleId,
                resourceObjectId,
                assignment: a.name,
            },
        ];
    }
}

/** Groups the program creates, and the groups each cluster makes its admins (AKS-managed Entra ID's adminGroupObjectIDs). */
function addClusterAdminGroups(
    resources: ResourceRecord[],
    byPrincipal: Map<string, TrustedIdentity>,
    add: (identity: TrustedIdentity) => void,
    deployerObjectId: string | undefined,
): void {
    for (const group of resources.filter((r) => r.type === TYPES.group)) {
        const members: string[] = group.inputs.members ?? [];
        const owners: string[] = group.inputs.owners ?? [];
        add({
            kind: "entra-group",
            name: `group "${group.inputs.displayName}"`,
            resource: group.name,
            principalId: group.state.objectId ?? group.id,
            obtainedBy: [
                ...members.map((m): Obtainer => ({ kind: "external", label: `member ${m}` })),
                ...owners.map(
                    (o): Obtainer => ({
                        kind: "external",
                        label: `owner ${o}${deployerObjectId !== undefined && eq(o, deployerObjectId) ? " (the principal running pulumi up)" : ""}, who may add members`,
                    }),
                ),
            ],
            grants: [],
        });
    }
    for (const cluster of resources.filter((r) => r.type === TYPES.cluster)) {
        const scopeLabel = `cluster "${cluster.state.name ?? cluster.inputs.resourceName}"`;
        for (const id of (cluster.inputs.aadProfile?.adminGroupObjectIDs ?? []) as string[]) {
            const identity = identityOf(id, byPrincipal, add, undefined, "group");
            identity.clusterAdminOf = [...(identity.clusterAdminOf ?? []), { clusterId: cluster.id, scopeLabel }];
        }
    }
}

/**
 * Whoever may create pods in a namespace can run them as any of its service
 * accounts, and so obtain every workload identity that trusts one: an edge the
 * federated credentials alone do not show.
 */
function addPodCreators(identities: TrustedIdentity[], resources: ResourceRecord[]): void {
    const clusters = resources.filter((r) => r.type === TYPES.cluster && r.id);
    for (const workload of identities) {
        for (const o of workload.obtainedBy.filter((x) => x.kind === "kubernetes" && x.subject)) {
            const [, , namespace] = o.subject!.split(":");
            const cluster = clusters.find((c) => c.state.oidcIssuerProfile?.issuerURL === o.issuer);
            if (!cluster) {
                continue;
            }
            for (const creator of identities) {
                const grant = creator.grants.find(
                    (g) =>
                        POD_CREATING_ROLES.includes(g.role) &&
                        (eq(g.scope, cluster.id) || eq(g.scope, `${cluster.id}/namespaces/${namespace}`)),
                );
                if (grant && creator !== workload && !workload.obtainedBy.some((x) => x.viaPrincipalId === creator.principalId)) {
                    workload.obtainedBy.push({
                        kind: "pod-creator",
                        label: `${creator.name}, which may run pods in namespace "${namespace}" (${grant.role})`,
                        viaPrincipalId: creator.principalId,
                    });
                }
            }
        }
    }
}

/**
 * The pull secrets an identity's tokens refresh: ESO's ACR generator reads the
 * client id from the annotation of the service account it names, in the
 * ExternalSecret's namespace, on the same cluster (same provider).
 */
function addPullSecrets(identities: TrustedIdentity[], resources: ResourceRecord[]): void {
    const provider = (r: ResourceRecord) => r.provider ?? "";
    for (const es of resources.filter((r) => r.type === TYPES.externalSecret)) {
        const namespace: string = es.inputs.metadata?.namespace;
        const dataFrom: { sourceRef?: { generatorRef?: { kind?: string; name?: string } } }[] = es.inputs.spec?.dataFrom ?? [];
        const ref = dataFrom.map((d) => d.sourceRef?.generatorRef).find((g) => g?.kind === "ClusterGenerator");
        const generator = resources.find((r) => r.type === TYPES.clusterGenerator && r.inputs.metadata?.name === ref?.name && provider(r) === provider(es));
        const acr = generator?.inputs.spec?.generator?.acrAccessTokenSpec;
        const accountName = acr?.auth?.workloadIdentity?.serviceAccountRef?.name;
        const account = resources.find(
            (r) => r.type === TYPES.serviceAccount && r.inputs.metadata?.namespace === namespace && r.inputs.metadata?.name === accountName && provider(r) === provider(es),
        );
        const clientId = account?.inputs.metadata?.annotations?.["azure.workload.identity/client-id"];
        const identity = identities.find((i) => clientId !== undefined && eq(i.clientId, clientId));
        if (identity) {
            (identity.pullSecrets ??= []).push({
                namespace,
                secretName: es.inputs.spec?.target?.name ?? es.inputs.metadata?.name,
                registry: acr.registry,
                refreshInterval: es.inputs.spec?.refreshInterval ?? "1h",
                externalSecret: es.name,
            });
        }
    }
}

/**
 * A grant's condition in a few words: which roles it lets its holder assign
 * (rbacCondition.ts's shape), the repository prefixes of an ACR ABAC
 * condition, else that there is one.
 */
export function describeCondition(condition: string): string {
    const roles = constrainedRoles(condition);
    if (roles) {
        const privileged = roles.write.filter((id) => PRIVILEGED_ROLE_IDS.includes(id));
        return privileged.length === 0
            ? `may assign and remove only ${roles.write.length} listed roles, none of them privileged`
            : `may assign privileged roles: ${privileged.map((id) => roleNameOf(id) ?? id).join(", ")}`;
    }
    const prefixes = [...condition.matchAll(/repositories:name\] StringStartsWithIgnoreCase '([^']*)'/g)].map((m) => m[1]);
    return prefixes.length > 0 ? `only repositories starting with ${prefixes.map((p) => `"${p}"`).join(", ")}` : "limited by an ABAC condition";
}

/** A label for a Mermaid node or edge in double quotes: inner quotes dropped, angle brackets escaped. */
function mermaidText(text: string): string {
    return text.replace(/"/g, "").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"));
}

/** The trust map as a Mermaid flowchart: obtainer -> identity -> scope, edges labelled with the role. */
export function trustMapMermaid(map: TrustMap): string {
    const lines = ["flowchart LR"];
    const ids = new Map<string, string>();
    const node = (key: string, label: string, shape: "round" | "box" | "stadium") => {
        let id = ids.get(key);
        if (!id) {
            id = `n${ids.size + 1}`;
            ids.set(key, id);
            const text = `"${mermaidText(label)}"`;
            lines.push(`    ${id}${shape === "round" ? `(${text})` : shape === "stadium" ? `([${text}])` : `[${text}]`}`);
        }
        return id;
    };
    for (const identity of map.identities) {
        const idNode = node(`identity:${identity.principalId}`, identity.name, "box");
        for (const o of identity.obtainedBy) {
            if (o.viaPrincipalId) {
                const creator = map.identities.find((i) => i.principalId === o.viaPrincipalId)!;
                const cNode = node(`identity:${creator.principalId}`, creator.name, "box");
                lines.push(`    ${cNode} -.->|can run pods as| ${idNode}`);
                continue;
            }
            const oNode = node(`obtainer:${o.label}`, o.label, "stadium");
            lines.push(`    ${oNode} -->|${o.issuer ? "federated token" : "holds"}| ${idNode}`);
        }
        for (const g of identity.grants) {
            const sNode = node(`scope:${g.scope}`, g.scopeLabel, "round");
            const role = g.condition ? `${g.role} (${describeCondition(g.condition)})` : g.role;
            lines.push(`    ${idNode} -->|"${mermaidText(role)}"| ${sNode}`);
        }
        for (const p of identity.pullSecrets ?? []) {
            const pNode = node(`pull:${p.externalSecret}`, `pull secret ${p.namespace}/${p.secretName} for ${p.registry}`, "round");
            lines.push(`    ${idNode} -->|"refreshes every ${mermaidText(p.refreshInterval)}"| ${pNode}`);
        }
        for (const p of identity.apiPermissions ?? []) {
            const apiNode = node(`api:${p.resourceObjectId}`, p.api, "round");
            lines.push(`    ${idNode} -->|"${mermaidText(p.permission)} (application permission)"| ${apiNode}`);
        }
        for (const c of identity.clusterAdminOf ?? []) {
            const sNode = node(`scope:${c.clusterId}`, c.scopeLabel, "round");
            lines.push(`    ${idNode} -->|"members are cluster admins"| ${sNode}`);
        }
    }
    return lines.join("\n");
}

/** "Microsoft Graph User.Read.All (application permission, admin-consented)". */
export function apiPermissionLabel(p: ApiGrant): string {
    return `${p.api} ${p.permission} (application permission, admin-consented)`;
}

/** Plain-text lines: "who -> identity -> role on scope". */
export function trustMapLines(map: TrustMap): string[] {
    const out: string[] = [];
    for (const identity of map.identities) {
        out.push(`${identity.name}${identity.clientId ? ` [client id ${identity.clientId}]` : ""}`);
        for (const o of identity.obtainedBy) {
            out.push(`  obtained by: ${o.label}`);
        }
        if (identity.obtainedBy.length === 0) {
            out.push("  obtained by: nobody (no federated credential)");
        }
        for (const g of identity.grants) {
            out.push(`  may: ${g.role} on ${g.scopeLabel}${g.condition ? ` (${describeCondition(g.condition)})` : ""}`);
        }
        for (const p of identity.pullSecrets ?? []) {
            out.push(`  refreshes: pull secret "${p.secretName}" in namespace "${p.namespace}" for ${p.registry}, every ${p.refreshInterval}`);
        }
        for (const p of identity.apiPermissions ?? []) {
            out.push(`  may: ${apiPermissionLabel(p)}`);
        }
        for (const c of identity.clusterAdminOf ?? []) {
            out.push(`  may (its members): cluster admin of ${c.scopeLabel} (aadProfile.adminGroupObjectIDs)`);
        }
        if (identity.grants.length === 0 && (identity.apiPermissions ?? []).length === 0 && (identity.clusterAdminOf ?? []).length === 0) {
            out.push("  may: nothing in Azure (no role assignment by this program)");
        }
    }
    return out;
}
