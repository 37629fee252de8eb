import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { ArgumentProblems } from "./argumentProblems";
import { registryName } from "./naming";
import { assignRole, BuiltInRoleName, PrincipalType, registryDataRole } from "./roles";

/** Source: learn.microsoft.com/azure/container-registry/container-registry-skus. */
export const REGISTRY_SKUS = ["Basic", "Standard", "Premium"] as const;
export type RegistrySku = (typeof REGISTRY_SKUS)[number];

export interface ContainerRegistryArgs {
    /** Required. Resource group of the registry. */
    resourceGroupName: pulumi.Input<string>;
    /** Optional. Azure region. Defaults to the resource group's location (azure-native fills it in). */
    location?: pulumi.Input<string>;
    /**
     * Required. Start of the registry name. Lower-cased, characters other than
     * letters and digits dropped, cut to 37 characters, then a 13-character
     * suffix from nameSeed is appended: always 14 to 50 alphanumerics, the
     * ACR rule. Must contain at least one letter or digit.
     */
    namePrefix: string;
    /**
     * Optional. What makes the name globally unique and keeps it stable across
     * runs. Defaults to "<subscription id>/<resource group name>/<component name>".
     */
    nameSeed?: pulumi.Input<string>;
    /** Optional. "Basic" (dev), "Standard" or "Premium" (prod). Defaults to "Basic". */
    sku?: RegistrySku;
    /** Optional. Days an untagged manifest is kept before it is purged, 0 to 365; Premium only. Defaults to 7 on Premium. */
    retentionDays?: number;
    /**
     * Optional. Sets zoneRedundancy "Enabled"; Premium only, and creating such a
     * registry fails in a region without availability zones. Rarely needed: ACR
     * makes every registry in a region with availability zones zone-redundant by
     * default, on every SKU, even while the property reads "Disabled"
     * (learn.microsoft.com/azure/container-registry/zone-redundancy). Defaults to false.
     */
    zoneRedundancy?: boolean;
    /**
     * Optional. Whether the registry's public endpoint is reachable (GitHub-hosted
     * runners push through it; Entra ID is still required). false needs sku
     * "Premium": private endpoints and network restrictions are Premium features
     * (learn.microsoft.com/azure/container-registry/container-registry-skus), and
     * ARM refuses to disable public access on Basic and Standard. Defaults to true.
     */
    publicNetworkAccess?: boolean;
    /**
     * Optional. Whether artifacts may be exported (az acr import from this
     * registry, transfer pipelines). ACR refuses to disable exports unless the
     * registry is Premium and its public network access is disabled
     * (learn.microsoft.com/azure/container-registry/data-loss-prevention).
     * Defaults to false where ACR allows it (Premium without public access), true elsewhere.
     */
    allowExports?: boolean;
    /**
     * Optional. The registry is in "RBAC Registry + ABAC Repository Permissions"
     * mode: grants use Container Registry Repository Reader and Writer instead
     * of AcrPull and AcrPush. azure-native 3.28's Registry (API 2023-01-01-preview)
     * has no roleAssignmentMode property, so the mode itself is set once with
     * `az acr update --role-assignment-mode rbac-abac`. Defaults to false.
     */
    abacRepositoryPermissions?: boolean;
    /** Optional. Tags on the registry. Defaults to none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Options of a grant made through ContainerRegistry's methods. */
export interface RegistryGrantOptions {
    /** Optional. Resources the role assignment waits for. Defaults to none. */
    dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
}

/**
 * An Azure Container Registry with no admin user and no anonymous pull, a
 * stable globally unique name, and methods that grant pull and push at the
 * registry's scope without callers writing role ids.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
    public readonly registryName: pulumi.Output<string>;
    public readonly resourceId: pulumi.Output<string>;
    public readonly loginServer: pulumi.Output<string>;
    private readonly abacRepositoryPermissions: boolean;

    constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:acr:ContainerRegistry", name, {}, opts);

        const sku = args.sku ?? "Basic";
        const premium = sku === "Premium";
        const publicNetworkAccess = args.publicNetworkAccess ?? true;
        const allowExports = args.allowExports ?? !(premium && !publicNetworkAccess);
        const zoneRedundancy = args.zoneRedundancy ?? false;
        const retentionDays = args.retentionDays ?? 7;
        this.abacRepositoryPermissions = args.abacRepositoryPermissions ?? false;

        const problems = new ArgumentProblems("ContainerRegistry", name);
        if (!/[A-Za-z0-9]/.test(args.namePrefix)) {
            problems.fail("namePrefix", args.namePrefix, "must contain at least one letter or digit (the registry name allows only alphanumerics)");
        }
        if (!(REGISTRY_SKUS as readonly string[]).includes(sku)) {
            problems.fail("sku", sku, `must be one of ${REGISTRY_SKUS.join(", ")}`);
        }
        if (args.retentionDays !== undefined && (!Number.isInteger(args.retentionDays) || args.retentionDays < 0 || args.retentionDays > 365)) {
            problems.fail("retentionDays", args.retentionDays, "must be a whole number from 0 to 365");
        }
        if (args.retentionDays !== undefined && !premium) {
            problems.fail("retentionDays", args.retentionDays, `needs sku "Premium"; retention policies exist only there (the sku is "${sku}")`);
        }
        if (args.zoneRedundancy === true && !premium) {
            problems.fail("zoneRedundancy", true, `needs sku "Premium" (the sku is "${sku}")`);
        }
        if (!publicNetworkAccess && !premium) {
            problems.fail("publicNetworkAccess", false, `needs sku "Premium" (the sku is "${sku}")`);
        }
        if (!allowExports && !(premium && !publicNetworkAccess)) {
            problems.fail(
                "allowExports",
                false,
                `ACR disables exports only on a Premium registry whose public network access is disabled (the sku is "${sku}", publicNetworkAccess is ${publicNetworkAccess})`,
            );
        }
        problems.throwIfAny(this);

        const seed =
            args.nameSeed ??
            pulumi.interpolate`${authorization.getClientConfigOutput({ parent: this }).subscriptionId}/${args.resourceGroupName}/${name}`;
        const registry = new containerregistry.Registry(
            `${name}-registry`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                registryName: pulumi.output(seed).apply((s) => registryName(args.namePrefix, s)),
                sku: { name: sku },
                adminUserEnabled: false,
                anonymousPullEnabled: false,
                publicNetworkAccess: publicNetworkAccess ? "Enabled" : "Disabled",
                zoneRedundancy: zoneRedundancy ? "Enabled" : "Disabled",
                policies: premium
                    ? {
                          retentionPolicy: { status: "enabled", days: retentionDays },
                          exportPolicy: { status: allowExports ? "enabled" : "disabled" },
                      }
                    : undefined,
                tags: args.tags,
            },
            { parent: this },
        );

        this.registryName = registry.name;
        this.resourceId = registry.id;
        this.loginServer = registry.loginServer;
        this.registerOutputs({ registryName: this.registryName, resourceId: this.resourceId, loginServer: this.loginServer });
    }

    /** Grants pull (AcrPull, or Container Registry Repository Reader in ABAC mode) on this registry. `name` is the Pulumi name of the assignment. */
    grantPull(name: string, principalId: pulumi.Input<string>, principalType: PrincipalType, opts?: RegistryGrantOptions): authorization.RoleAssignment {
        return this.grant(name, registryDataRole("pull", this.abacRepositoryPermissions), principalId, principalType, opts);
    }

    /** Grants push and pull (AcrPush, or Container Registry Repository Writer in ABAC mode) on this registry. */
    grantPush(name: string, principalId: pulumi.Input<string>, principalType: PrincipalType, opts?: RegistryGrantOptions): authorization.RoleAssignment {
        return this.grant(name, registryDataRole("push", this.abacRepositoryPermissions), principalId, principalType, opts);
    }

    /**
     * Lets an AKS cluster's nodes pull from this registry: the pull role for the
     * kubelet identity (identityProfile.kubeletidentity.objectId), scoped to the
     * registry, which is what `az aks update --attach-acr` creates. In ABAC mode,
     * where --attach-acr is not supported, it grants Container Registry Repository
     * Reader instead. Source: learn.microsoft.com/azure/aks/cluster-container-registry-integration.
     */
    attachCluster(name: string, kubeletIdentityObjectId: pulumi.Input<string>, opts?: RegistryGrantOptions): authorization.RoleAssignment {
        return this.grantPull(name, kubeletIdentityObjectId, "ServicePrincipal", opts);
    }

    private grant(
        name: string,
        role: BuiltInRoleName,
        principalId: pulumi.Input<string>,
        principalType: PrincipalType,
        opts: RegistryGrantOptions | undefined,
    ): authorization.RoleAssignment {
        return grantOnRegistry(this, name, this.resourceId, role, principalId, principalType, opts);
    }
}

/**
 * A data-plane role at a registry's scope, a child of the registry's
 * component: the one way ContainerRegistry and ExistingContainerRegistry grant.
 */
export function grantOnRegistry(
    registry: pulumi.ComponentResource,
    name: string,
    registryId: pulumi.Input<string>,
    role: BuiltInRoleName,
    principalId: pulumi.Input<string>,
    principalType: PrincipalType,
    opts?: RegistryGrantOptions,
): authorization.RoleAssignment {
    return assignRole(
        name,
        registryId,
        { roleDefinitionIdOrName: role, principalId, principalType, description: `credless-aks: ${role} on the registry` },
        { parent: registry, dependsOn: opts?.dependsOn },
    );
}
