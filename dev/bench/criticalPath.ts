/**
 * The deployment's critical path: the longest chain through the recorded
 * dependency graph, each resource weighted by a typical provisioning time.
 * Pure, so it is unit-tested.
 */

/**
 * Typical provisioning times in seconds, stated here so the estimate can be
 * read and argued with. They are orders of magnitude from experience and
 * Microsoft's guidance ("creating an AKS cluster takes a few minutes"), not
 * measurements: nothing here can deploy.
 */
export const TYPICAL_SECONDS: Record<string, number> = {
    "azure-native:containerservice:ManagedCluster": 480,
    "azure-native:containerregistry:Registry": 30,
    "azure-native:resources:ResourceGroup": 3,
    "azure-native:managedidentity:UserAssignedIdentity": 5,
    "azure-native:managedidentity:FederatedIdentityCredential": 5,
    "azure-native:authorization:RoleAssignment": 8,
    "azure-native:authorization:ManagementLockByScope": 3,
    "azuread:index/application:Application": 5,
    "azuread:index/servicePrincipal:ServicePrincipal": 5,
    "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential": 3,
    "github:index/repositoryEnvironment:RepositoryEnvironment": 2,
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": 1,
    "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": 1,
    "github:index/actionsSecret:ActionsSecret": 1,
    "github:index/actionsVariable:ActionsVariable": 1,
    "kubernetes:core/v1:Namespace": 2,
    "kubernetes:core/v1:ServiceAccount": 1,
};
/** Any other custom resource. Components and providers cost nothing. */
export const DEFAULT_SECONDS = 5;

export interface GraphNode {
    urn: string;
    type: string;
    custom: boolean;
    dependencies: string[];
}

export function weightOf(node: GraphNode): number {
    if (!node.custom || node.type.startsWith("pulumi:providers:")) {
        return 0;
    }
    return TYPICAL_SECONDS[node.type] ?? DEFAULT_SECONDS;
}

export interface CriticalPath {
    /** Seconds along the longest chain. */
    seconds: number;
    /** The chain, first resource first. */
    chain: GraphNode[];
    /** Seconds if every resource were created one after another (a sequential script). */
    sequentialSeconds: number;
}

/**
 * Longest weighted path in the dependency DAG. A dependency on a component
 * counts as a dependency on the component's custom children, which the
 * recorded edges already list.
 */
export function criticalPath(nodes: GraphNode[]): CriticalPath {
    const byUrn = new Map(nodes.map((n) => [n.urn, n]));
    const memo = new Map<string, { seconds: number; chain: GraphNode[] }>();
    const visiting = new Set<string>();
    const finish = (node: GraphNode): { seconds: number; chain: GraphNode[] } => {
        const known = memo.get(node.urn);
        if (known) {
            return known;
        }
        if (visiting.has(node.urn)) {
            throw new Error(`dependency cycle through ${node.urn}`);
        }
        visiting.add(node.urn);
        let best = { seconds: 0, chain: [] as GraphNode[] };
        for (const urn of node.dependencies) {
            const dep = byUrn.get(urn);
            if (dep) {
                const candidate = finish(dep);
                if (candidate.seconds > best.seconds) {
                    best = candidate;
                }
            }
        }
        visiting.delete(node.urn);
        const weight = weightOf(node);
        const result = { seconds: best.seconds + weight, chain: weight > 0 ? [...best.chain, node] : best.chain };
        memo.set(node.urn, result);
        return result;
    };
    let longest = { seconds: 0, chain: [] as GraphNode[] };
    for (const node of nodes) {
        const candidate = finish(node);
        if (candidate.seconds > longest.seconds) {
            longest = candidate;
        }
    }
    return { ...longest, sequentialSeconds: nodes.reduce((sum, n) => sum + weightOf(n), 0) };
}
