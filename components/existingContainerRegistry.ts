import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { ArgumentProblems } from "./argumentProblems";
import { grantOnRegistry } from "./containerRegistry";
import { BuiltInRoleName, registryDataRole } from "./roles";

/** Type token of ExistingContainerRegistry; the policy pack checks the settings it carries. */
export const EXISTING_CONTAINER_REGISTRY_TYPE = "credless-aks:acr:ExistingContainerRegistry";

/** What the trust chain needs to know of a registry it did not create, as Azure reports it. */
export interface ExistingRegistryFacts {
    /** Required. The registry's name. */
    name: string;
    /** Required. The registry's resource group. */
    resourceGroupName: string;
    /** Required. ARM id. */
    resourceId: string;
    /** Required. The login server, e.g. "platformacr.azurecr.io". */
    loginServer: string;
    /** Required. adminUserEnabled. */
    adminUserEnabled: boolean;
    /** Required. anonymousPullEnabled. */
    anonymousPullEnabled: boolean;
}

/** The facts of a getRegistry answer. Pure. */
export function registryFacts(resourceGroupName: string, r: containerregistry.GetRegistryResult): ExistingRegistryFacts {
    return {
        name: r.name,
        resourceGroupName,
        resourceId: r.id,
        loginServer: r.loginServer,
        adminUserEnabled: r.adminUserEnabled === true,
        anonymousPullEnabled: r.anonymousPullEnabled === true,
    };
}

/**
 * Settings the chain cannot accept, one line each with the `az` command. Anonymous pull lets anyone
 * pull without an identity, which the chain exists to require. Pure.
 * Source: learn.microsoft.com/azure/container-registry/anonymous-pull-access ("az acr update --name ... --anonymous-pull-enabled false").
 */
export function existingRegistryProblems(f: ExistingRegistryFacts): string[] {
    return f.anonymousPullEnabled
        ? [
              `existing registry "${f.name}" (resource group "${f.resourceGroupName}") has anonymous pull on: anyone can pull its images without signing in; run: az acr update --resource-group ${f.resourceGroupName} --name ${f.name} --anonymous-pull-enabled false`,
          ]
        : [];
}

/**
 * Settings that weaken the chain, one line each with the `az` command; the policy pack reports them
 * (acr-existing-admin-user-disabled). Pure.
 * Source: learn.microsoft.com/azure/container-registry/container-registry-authentication#admin-account ("az acr update -n ... --admin-enabled false").
 */
export function existingRegistryWeakenings(f: ExistingRegistryFacts): string[] {
    return f.adminUserEnabled
        ? [
              `existing registry "${f.name}" (resource group "${f.resourceGroupName}") has the admin user on: a shared password that pushes and pulls everything; run: az acr update --resource-group ${f.resourceGroupName} --name ${f.name} --admin-enabled false`,
          ]
        : [];
}

/** Reads an existing registry through azure-native's getRegistry invoke; it stays unowned: never changed, never deleted. */
export async function readExistingRegistry(name: string, resourceGroupName: string, opts?: pulumi.InvokeOptions): Promise<ExistingRegistryFacts> {
    return registryFacts(resourceGroupName, await containerregistry.getRegistry({ resourceGroupName, registryName: name }, opts));
}

export interface ExistingContainerRegistryArgs {
    /** Required. The registry as read by readExistingRegistry; its settings are checked before anything is created (existingRegistryProblems). */
    facts: ExistingRegistryFacts;
    /** Optional. The registry is in "RBAC Registry + ABAC Repository Permissions" mode: grant the repository roles. Defaults to false. */
    abacRepositoryPermissions?: boolean;
}

/**
 * A container registry the stack did not create: the same outputs as
 * ContainerRegistry and the same grants (attachCluster: the pull role for a
 * cluster's kubelet identity). The registry itself is not a resource of the
 * stack; only the role assignments at its scope are.
 */
export class ExistingContainerRegistry extends pulumi.ComponentResource {
    public readonly registryName: pulumi.Output<string>;
    public readonly resourceId: pulumi.Output<string>;
    public readonly loginServer: pulumi.Output<string>;
    private readonly pullRole: BuiltInRoleName;

    constructor(name: string, args: ExistingContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super(EXISTING_CONTAINER_REGISTRY_TYPE, name, { ...args.facts, abacRepositoryPermissions: args.abacRepositoryPermissions ?? false }, opts);
        const problems = new ArgumentProblems("ExistingContainerRegistry", name);
        existingRegistryProblems(args.facts).forEach((p) => problems.add(`facts: ${p}`));
        problems.throwIfAny(this);
        this.pullRole = registryDataRole("pull", args.abacRepositoryPermissions ?? false);
        this.registryName = pulumi.output(args.facts.name);
        this.resourceId = pulumi.output(args.facts.resourceId);
        this.loginServer = pulumi.output(args.facts.loginServer);
        this.registerOutputs({ registryName: this.registryName, resourceId: this.resourceId, loginServer: this.loginServer });
    }

    /** The pull role (AcrPull, or Container Registry Repository Reader in ABAC mode) for a cluster's kubelet identity, at the registry: what `az aks update --attach-acr` creates. */
    attachCluster(name: string, kubeletIdentityObjectId: pulumi.Input<string>): authorization.RoleAssignment {
        return grantOnRegistry(this, name, this.resourceId, this.pullRole, kubeletIdentityObjectId, "ServicePrincipal");
    }
}
