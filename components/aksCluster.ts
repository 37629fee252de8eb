import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as k8s from "@pulumi/kubernetes";
import { ArgumentProblems } from "./argumentProblems";
import { clusterAccess, clusterAccessProblems } from "./clusterAccess";
import { KubeloginMode } from "./kubeconfig";
import { guidRule, ipv4CidrRule } from "./validation";

/** AKS pricing tiers offered: Free for dev, Standard (uptime SLA) for prod. Source: learn.microsoft.com/azure/aks/free-standard-pricing-tiers. */
export const CLUSTER_TIERS = ["Free", "Standard"] as const;
/** Source: learn.microsoft.com/azure/aks/auto-upgrade-cluster ("patch, stable, rapid, node-image"). */
export const AUTO_UPGRADE_CHANNELS = ["patch", "stable", "rapid", "node-image"] as const;
/** Source: learn.microsoft.com/azure/aks/auto-upgrade-node-os-image ("NodeImage, SecurityPatch, Unmanaged"; None turns updates off and is not offered). */
export const NODE_OS_UPGRADE_CHANNELS = ["NodeImage", "SecurityPatch", "Unmanaged"] as const;
/**
 * Source: learn.microsoft.com/azure/aks/use-network-policies ("azure, calico, cilium"). Azure Network
 * Policy Manager ("azure") on Linux nodes is supported until September 30, 2028
 * (MicrosoftDocs/azure-aks-docs includes/azure-network-policy-manager-linux-retirement.md; azure.microsoft.com/updates?id=500268).
 */
export const NETWORK_POLICIES = ["azure", "calico", "cilium"] as const;

export type ClusterTier = (typeof CLUSTER_TIERS)[number];
export type AutoUpgradeChannel = (typeof AUTO_UPGRADE_CHANNELS)[number];
export type NodeOsUpgradeChannel = (typeof NODE_OS_UPGRADE_CHANNELS)[number];
export type NetworkPolicy = (typeof NETWORK_POLICIES)[number];
/** Source: the WeekDay enum of Microsoft.ContainerService maintenanceConfigurations (azure-native enums.containerservice.WeekDay). */
export const WEEK_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

/**
 * The two planned-maintenance configurations AKS reads: one for the cluster
 * auto-upgrade channel, one for the node OS channel.
 * Source: learn.microsoft.com/azure/aks/auto-upgrade-node-os-image ("aksManagedAutoUpgradeSchedule
 * for the cluster autoupgrade channel and aksManagedNodeOSUpgradeSchedule for the node OS autoupgrade channel").
 */
const MAINTENANCE_CONFIG_NAMES = { cluster: "aksManagedAutoUpgradeSchedule", nodeOs: "aksManagedNodeOSUpgradeSchedule" } as const;
/** The taint that keeps application pods off system nodes. Source: learn.microsoft.com/azure/aks/use-system-pools ("CriticalAddonsOnly=true:NoSchedule"). */
const CRITICAL_ADDONS_ONLY_TAINT = "CriticalAddonsOnly=true:NoSchedule";

/** managedClusters: 1 to 63 letters, digits, '_' or '-', starting and ending with a letter or digit. Source: learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerservice */
const CLUSTER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;

/** The rule of an AKS cluster's name (CLUSTER_NAME), for AksCluster's clusterName and config's cluster.existing.name. */
export function clusterNameRule(value: string): string | undefined {
    return CLUSTER_NAME.test(value) ? undefined : "must be 1 to 63 letters, digits, '_' or '-', starting and ending with a letter or digit";
}
/** dnsPrefix: 1 to 54 letters, digits or '-', starting and ending with a letter or digit (the portal's rule; github.com/hashicorp/terraform-provider-azurerm/pull/20813). */
const DNS_PREFIX = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,52}[A-Za-z0-9])?$/;

export interface AksNodePoolArgs {
    /**
     * Optional. VM size of the system node pool. Create-only: AKS does not
     * resize an existing pool, so changing it later fails; add a new pool and
     * delete the old one instead. Defaults to "Standard_D2ds_v5".
     */
    vmSize?: pulumi.Input<string>;
    /**
     * Optional. Node count, 1 to 1000 (learn.microsoft.com/azure/aks/quotas-skus-regions).
     * With the autoscaler it is only the initial count: the autoscaler owns it
     * afterwards and the component ignores later changes to it (AKS refuses
     * "Cannot manually scale AgentPool ... with cluster autoscaler enabled").
     * Defaults to 1, or minCount with the autoscaler.
     */
    count?: number;
    /** Optional. With maxCount, turns on the cluster autoscaler; minCount <= count <= maxCount. Defaults to no autoscaler. */
    minCount?: number;
    /** Optional. With minCount, turns on the cluster autoscaler (see minCount). Defaults to no autoscaler. */
    maxCount?: number;
    /** Optional. Availability zones ("1", "2", "3") where the region has them. Create-only, like vmSize. Defaults to none. */
    availabilityZones?: string[];
    /**
     * Optional. Taints the system pool with CriticalAddonsOnly=true:NoSchedule so
     * that only system pods run there. Leave it off while this is the cluster's
     * only pool: application pods would have nowhere to run. Defaults to false.
     */
    criticalAddonsOnly?: boolean;
}

/** A weekly planned-maintenance window. */
export interface AksMaintenanceWindowArgs {
    /** Required. Day of the week: "Monday" to "Sunday". */
    dayOfWeek: WeekDay;
    /** Required. Start time "HH:mm", 00:00 to 23:59, in utcOffset. */
    startTime: string;
    /** Required. Length in hours, 4 to 24 (the maintenanceWindow.durationHours range). */
    durationHours: number;
    /** Optional. UTC offset "+HH:mm" or "-HH:mm". Defaults to "+00:00". */
    utcOffset?: string;
}

export interface AksDeployerArgs {
    /** Required. Object id of the user or service principal that runs `pulumi up`. */
    objectId: pulumi.Input<string>;
    /**
     * Optional. Its type, taken from config when known. ARM rejects a wrong type
     * with UnmatchedPrincipalType. Left unset, the role assignment omits the
     * property (not azure-native's default "User") and ARM infers the type of
     * this existing principal, so a user or a service principal both work.
     * Defaults to unset.
     */
    principalType?: "User" | "ServicePrincipal";
}

export interface AksClusterArgs {
    /** Required. Resource group of the cluster. */
    resourceGroupName: pulumi.Input<string>;
    /** Optional. Azure region. Defaults to the resource group's location (azure-native fills it in). */
    location?: pulumi.Input<string>;
    /** Optional. Cluster name: 1 to 63 letters, digits, '_' or '-', starting and ending with a letter or digit. Defaults to the component name. */
    clusterName?: string;
    /** Optional. DNS prefix of the API server FQDN: 1 to 54 letters, digits or '-', starting and ending with a letter or digit. Defaults to the cluster name with other characters removed. */
    dnsPrefix?: string;
    /** Optional. "Free" (dev) or "Standard" (prod, uptime SLA). Defaults to "Free". */
    tier?: ClusterTier;
    /**
     * Optional. The initial Kubernetes version, MAJOR.MINOR or MAJOR.MINOR.PATCH,
     * one that `az aks get-versions` lists for the region. The auto-upgrade
     * channel owns the version after creation: AKS upgrades the cluster, so the
     * component ignores later changes to this value instead of sending what
     * would look like a downgrade. Upgrade a minor version with the channel or
     * `az aks upgrade`. Defaults to AKS's default version.
     */
    kubernetesVersion?: pulumi.Input<string>;
    /** Optional. The system node pool. Defaults to one Standard_D2ds_v5 node. */
    nodePool?: AksNodePoolArgs;
    /**
     * Optional. IPv4 addresses or CIDR ranges allowed to reach the API server;
     * include the machine that runs `pulumi up`. An empty list is sent as such,
     * which is how AKS turns the restriction off (`az aks update
     * --api-server-authorized-ip-ranges ""`), so removing every range clears
     * them. Defaults to none (API server open to all, Entra ID still required).
     */
    authorizedIpRanges?: pulumi.Input<string>[];
    /** Optional. Entra ID group object ids that become cluster admins. Defaults to none. */
    adminGroupObjectIds?: pulumi.Input<string>[];
    /**
     * Optional. Kubernetes auto-upgrade channel. "node-image" is the legacy
     * channel that upgrades node images only; it needs nodeOsUpgradeChannel
     * "NodeImage" (AKS sets that and allows no other). Defaults to "patch".
     */
    autoUpgradeChannel?: AutoUpgradeChannel;
    /** Optional. Node OS image upgrade channel. Defaults to "NodeImage". */
    nodeOsUpgradeChannel?: NodeOsUpgradeChannel;
    /**
     * Optional. One weekly window used for both planned-maintenance
     * configurations, aksManagedAutoUpgradeSchedule (Kubernetes upgrades) and
     * aksManagedNodeOSUpgradeSchedule (node OS upgrades). Defaults to none
     * (AKS upgrades at any time).
     */
    maintenanceWindow?: AksMaintenanceWindowArgs;
    /**
     * Optional. Network policy engine. "cilium" runs Azure CNI Powered by Cilium
     * (networkDataplane "cilium", which networkPolicy "cilium" requires); every
     * choice uses Azure CNI Overlay, so no subnet is needed for pods. "azure"
     * (Azure Network Policy Manager) is still accepted, but Microsoft ends its
     * support on Linux nodes on September 30, 2028 and asks for a migration to
     * Cilium; do not choose it for a new cluster. Defaults to "cilium".
     */
    networkPolicy?: NetworkPolicy;
    /**
     * Optional. Pulumi's `protect` on the cluster: `pulumi destroy`, or removing
     * the cluster from code, fails until it is set to false and `pulumi up` has
     * run. Needs no Azure permission. Defaults to false.
     */
    deletionProtection?: boolean;
    /**
     * Optional. A CanNotDelete management lock on the cluster, which also stops
     * deletes from the portal, the CLI or other tools. Two caveats: creating or
     * deleting a lock needs Microsoft.Authorization/locks/* (Owner, User Access
     * Administrator or a custom role; Contributor is not enough), and the lock
     * also blocks deleting role assignments at the cluster's scope and below
     * (ScopeLocked), so removing a namespace role later fails until the lock is
     * removed. The lock depends on the component's own cluster-scope role
     * assignment, so `pulumi destroy` deletes the lock first. Defaults to false.
     */
    managementLock?: boolean;
    /** Optional. kubelogin mode of the provider's kubeconfig: "azurecli", "workloadidentity", "spn" or "msi". Defaults to "azurecli". */
    kubeloginMode?: KubeloginMode;
    /** Optional. Who gets "Azure Kubernetes Service RBAC Cluster Admin" on the cluster. Defaults to the caller of `pulumi up` (getClientConfig), type unset. */
    deployer?: AksDeployerArgs;
    /** Optional. Seconds to wait, after granting the deployer, until Azure RBAC lets it create namespaces; 0 skips the wait. Defaults to 600. */
    rbacPropagationTimeoutSeconds?: number;
    /** Optional. Tags on the cluster. Defaults to none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An AKS cluster for credential-free use: OIDC issuer and workload identity
 * on, system-assigned managed identity, Entra ID with Azure RBAC and no local
 * accounts, upgrade channels and a network policy set, and a Kubernetes
 * provider that logs in non-interactively as the deployer.
 */
/**
 * The rule between the two upgrade channels, or undefined. Source:
 * learn.microsoft.com/azure/aks/auto-upgrade-node-os-image (known limitations:
 * the node-image cluster channel sets the node OS channel to NodeImage, and it
 * cannot be changed while node-image is set).
 */
export function upgradeChannelProblem(autoUpgradeChannel: string, nodeOsUpgradeChannel: string): string | undefined {
    return autoUpgradeChannel === "node-image" && nodeOsUpgradeChannel !== "NodeImage"
        ? `autoUpgradeChannel is "node-image": needs nodeOsUpgradeChannel "NodeImage", which AKS sets with it and allows no other (the nodeOsUpgradeChannel is "${nodeOsUpgradeChannel}")`
        : undefined;
}

/** Every problem of a maintenance window, each naming `<key>.<field>`, the value and the rule. */
export function maintenanceWindowProblems(window: AksMaintenanceWindowArgs, key = "maintenanceWindow"): string[] {
    const problems: string[] = [];
    if (!(WEEK_DAYS as readonly string[]).includes(window.dayOfWeek)) {
        problems.push(`${key}.dayOfWeek is ${JSON.stringify(window.dayOfWeek)}: must be one of ${WEEK_DAYS.join(", ")}`);
    }
    if (typeof window.startTime !== "string" || !/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(window.startTime)) {
        problems.push(`${key}.startTime is ${JSON.stringify(window.startTime)}: must be "HH:mm" from 00:00 to 23:59`);
    }
    if (!Number.isInteger(window.durationHours) || window.durationHours < 4 || window.durationHours > 24) {
        problems.push(`${key}.durationHours is ${JSON.stringify(window.durationHours)}: must be a whole number from 4 to 24`);
    }
    if (window.utcOffset !== undefined && (typeof window.utcOffset !== "string" || !/^[+-](?:0\d|1[0-4]):[0-5]\d$/.test(window.utcOffset))) {
        problems.push(`${key}.utcOffset is ${JSON.stringify(window.utcOffset)}: must be "+HH:mm" or "-HH:mm", such as "+02:00"`);
    }
    return problems;
}

export class AksCluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly resourceId: pulumi.Output<string>;
    public readonly resourceGroupName: pulumi.Output<string>;
    /** The issuer exactly as Azure returns it, trailing slash included. */
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    /** Object id of the kubelet identity (identityProfile.kubeletidentity), the identity that pulls images. */
    public readonly kubeletIdentityObjectId: pulumi.Output<string>;
    /** Secret. The non-interactive kubelogin exec kubeconfig. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** Kubernetes provider for this cluster, usable once the deployer's role assignment has propagated. */
    public readonly provider: k8s.Provider;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:aks:AksCluster", name, {}, opts);

        const clusterName = args.clusterName ?? name;
        const dnsPrefix = args.dnsPrefix ?? (clusterName.replace(/[^A-Za-z0-9-]/g, "").slice(0, 54).replace(/^-+|-+$/g, "") || "aks");
        const tier = args.tier ?? "Free";
        const autoUpgradeChannel = args.autoUpgradeChannel ?? "patch";
        const nodeOsUpgradeChannel = args.nodeOsUpgradeChannel ?? "NodeImage";
        const networkPolicy = args.networkPolicy ?? "cilium";
        const kubeloginMode = args.kubeloginMode ?? "azurecli";
        const deletionProtection = args.deletionProtection ?? false;
        const managementLock = args.managementLock ?? false;
        const timeoutSeconds = args.rbacPropagationTimeoutSeconds ?? 600;
        const pool = args.nodePool ?? {};
        const autoscale = pool.minCount !== undefined || pool.maxCount !== undefined;
        const count = pool.count ?? pool.minCount ?? 1;
        this.validate(name, args, { clusterName, dnsPrefix, tier, autoUpgradeChannel, nodeOsUpgradeChannel, networkPolicy, kubeloginMode, count, timeoutSeconds });

        // The auto-upgrade channel owns the version after creation; with the
        // autoscaler, so does the autoscaler own the count of the inline pool.
        // Property paths: pulumi.com/docs/iac/concepts/miscellaneous/property-paths ("root.array[0].nested").
        const ignoreChanges = ["kubernetesVersion", ...(autoscale ? ["agentPoolProfiles[0].count"] : [])];

        const cluster = new containerservice.ManagedCluster(
            `${name}-cluster`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                resourceName: clusterName,
                dnsPrefix,
                kubernetesVersion: args.kubernetesVersion,
                sku: { name: "Base", tier },
                // Explicit rather than the API default. Source: azure-native enums.containerservice.KubernetesSupportPlan
                // ("If unspecified, the default is 'KubernetesOfficial'").
                supportPlan: "KubernetesOfficial",
                identity: { type: "SystemAssigned" },
                enableRBAC: true,
                aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: args.adminGroupObjectIds },
                disableLocalAccounts: true,
                oidcIssuerProfile: { enabled: true },
                securityProfile: { workloadIdentity: { enabled: true } },
                autoUpgradeProfile: { upgradeChannel: autoUpgradeChannel, nodeOSUpgradeChannel: nodeOsUpgradeChannel },
                networkProfile: {
                    networkPlugin: "azure",
                    networkPluginMode: "overlay",
                    networkDataplane: networkPolicy === "cilium" ? "cilium" : "azure",
                    networkPolicy,
                },
                apiServerAccessProfile: { authorizedIPRanges: args.authorizedIpRanges ?? [] },
                agentPoolProfiles: [
                    {
                        name: "system",
                        mode: "System",
                        osType: "Linux",
                        type: "VirtualMachineScaleSets",
                        vmSize: pool.vmSize ?? "Standard_D2ds_v5",
                        count,
                        enableAutoScaling: autoscale,
                        minCount: pool.minCount,
                        maxCount: pool.maxCount,
                        availabilityZones: pool.availabilityZones,
                        nodeTaints: pool.criticalAddonsOnly ? [CRITICAL_ADDONS_ONLY_TAINT] : undefined,
                    },
                ],
                tags: args.tags,
            },
            { parent: this, protect: deletionProtection, ignoreChanges },
        );

        const window = args.maintenanceWindow;
        if (window) {
            for (const [key, configName] of Object.entries(MAINTENANCE_CONFIG_NAMES)) {
                new containerservice.MaintenanceConfiguration(
                    `${name}-maintenance-${key}`,
                    {
                        resourceGroupName: args.resourceGroupName,
                        resourceName: cluster.name,
                        configName,
                        maintenanceWindow: {
                            schedule: { weekly: { dayOfWeek: window.dayOfWeek, intervalWeeks: 1 } },
                            startTime: window.startTime,
                            durationHours: window.durationHours,
                            utcOffset: window.utcOffset ?? "+00:00",
                        },
                    },
                    { parent: this },
                );
            }
        }

        const access = clusterAccess(this, name, {
            clusterId: cluster.id,
            clusterName: cluster.name,
            resourceGroupName: args.resourceGroupName,
            kubeloginMode,
            deployer: args.deployer,
            timeoutSeconds,
        });

        if (managementLock) {
            new authorization.ManagementLockByScope(
                `${name}-lock`,
                {
                    scope: cluster.id,
                    lockName: "credless-aks-cannot-delete",
                    level: "CanNotDelete",
                    notes: "credless-aks managementLock: set managementLock to false and run pulumi up before deleting the cluster or its role assignments.",
                },
                // Created after, and so deleted before, the role assignment at the cluster's scope.
                { parent: this, dependsOn: [access.deployerAdmin] },
            );
        }
        this.kubeconfig = access.kubeconfig;
        this.provider = access.provider;

        this.clusterName = cluster.name;
        this.resourceId = cluster.id;
        this.resourceGroupName = pulumi.output(args.resourceGroupName);
        this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply((p) => {
            if (!p?.issuerURL) {
                throw new pulumi.ResourceError(`cluster "${clusterName}" reports no OIDC issuer URL although oidcIssuerProfile.enabled is true`, this);
            }
            return p.issuerURL;
        });
        this.kubeletIdentityObjectId = cluster.identityProfile.apply((p) => {
            const objectId = p?.kubeletidentity?.objectId;
            if (!objectId) {
                throw new pulumi.ResourceError(`cluster "${clusterName}" reports no identityProfile.kubeletidentity.objectId`, this);
            }
            return objectId;
        });

        this.registerOutputs({
            clusterName: this.clusterName,
            resourceId: this.resourceId,
            resourceGroupName: this.resourceGroupName,
            oidcIssuerUrl: this.oidcIssuerUrl,
            kubeletIdentityObjectId: this.kubeletIdentityObjectId,
            kubeconfig: this.kubeconfig,
            provider: this.provider,
        });
    }

    /** Every problem of the arguments in one ResourceError. */
    private validate(
        name: string,
        args: AksClusterArgs,
        v: {
            clusterName: string;
            dnsPrefix: string;
            tier: string;
            autoUpgradeChannel: string;
            nodeOsUpgradeChannel: string;
            networkPolicy: string;
            kubeloginMode: string;
            count: number;
            timeoutSeconds: number;
        },
    ): void {
        const problems = new ArgumentProblems("AksCluster", name);
        const oneOf = (key: string, value: string, allowed: readonly string[]) => {
            if (!allowed.includes(value)) {
                problems.fail(key, value, `must be one of ${allowed.join(", ")}`);
            }
        };
        problems.check("clusterName", v.clusterName, clusterNameRule);
        if (!DNS_PREFIX.test(v.dnsPrefix)) {
            problems.fail("dnsPrefix", v.dnsPrefix, "must be 1 to 54 letters, digits or '-', starting and ending with a letter or digit");
        }
        oneOf("tier", v.tier, CLUSTER_TIERS);
        oneOf("autoUpgradeChannel", v.autoUpgradeChannel, AUTO_UPGRADE_CHANNELS);
        oneOf("nodeOsUpgradeChannel", v.nodeOsUpgradeChannel, NODE_OS_UPGRADE_CHANNELS);
        oneOf("networkPolicy", v.networkPolicy, NETWORK_POLICIES);
        const channels = upgradeChannelProblem(v.autoUpgradeChannel, v.nodeOsUpgradeChannel);
        if (channels) {
            problems.add(channels);
        }
        const pool = args.nodePool ?? {};
        for (const [key, value] of [["count", v.count], ["minCount", pool.minCount], ["maxCount", pool.maxCount]] as const) {
            if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 1000)) {
                problems.fail(`nodePool.${key}`, value, "must be a whole number from 1 to 1000");
            }
        }
        if ((pool.minCount === undefined) !== (pool.maxCount === undefined)) {
            problems.add("nodePool.minCount and nodePool.maxCount must be set together to turn on the cluster autoscaler");
        } else if (pool.minCount !== undefined && pool.maxCount !== undefined && !(pool.minCount <= v.count && v.count <= pool.maxCount)) {
            problems.fail("nodePool", { minCount: pool.minCount, count: v.count, maxCount: pool.maxCount }, "needs minCount <= count <= maxCount");
        }
        (pool.availabilityZones ?? []).forEach((zone, i) => {
            if (!["1", "2", "3"].includes(zone)) {
                problems.fail(`nodePool.availabilityZones[${i}]`, zone, 'must be "1", "2" or "3"');
            }
        });
        (args.authorizedIpRanges ?? []).forEach((range, i) => {
            if (typeof range === "string") {
                problems.check(`authorizedIpRanges[${i}]`, range, ipv4CidrRule);
            }
        });
        (args.adminGroupObjectIds ?? []).forEach((id, i) => {
            if (typeof id === "string") {
                problems.check(`adminGroupObjectIds[${i}]`, id, guidRule);
            }
        });
        if (args.maintenanceWindow) {
            maintenanceWindowProblems(args.maintenanceWindow).forEach((p) => problems.add(p));
        }
        clusterAccessProblems(problems, { kubeloginMode: v.kubeloginMode, deployerPrincipalType: args.deployer?.principalType, timeoutSeconds: v.timeoutSeconds });
        problems.throwIfAny(this);
    }
}
