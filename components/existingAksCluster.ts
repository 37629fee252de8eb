import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as k8s from "@pulumi/kubernetes";
import { AksDeployerArgs } from "./aksCluster";
import { ArgumentProblems } from "./argumentProblems";
import { clusterAccess, clusterAccessProblems } from "./clusterAccess";
import { KubeloginMode } from "./kubeconfig";

/** Type token of ExistingAksCluster; the policy pack checks the settings it carries. */
export const EXISTING_AKS_CLUSTER_TYPE = "credless-aks:aks:ExistingAksCluster";

/** What the trust chain needs to know of an AKS cluster it did not create, as Azure reports it. */
export interface ExistingClusterFacts {
    /** Required. The cluster's name. */
    name: string;
    /** Required. The cluster's resource group. */
    resourceGroupName: string;
    /** Required. ARM id. */
    resourceId: string;
    /** Required. Azure region. */
    location: string;
    /** Required. oidcIssuerProfile.enabled. */
    oidcIssuerEnabled: boolean;
    /** Required. oidcIssuerProfile.issuerURL exactly as Azure returns it (trailing slash included); "" when the issuer is off. */
    oidcIssuerUrl: string;
    /** Required. securityProfile.workloadIdentity.enabled. */
    workloadIdentityEnabled: boolean;
    /** Required. disableLocalAccounts. */
    localAccountsDisabled: boolean;
    /** Required. aadProfile.managed: AKS-managed Microsoft Entra integration. */
    entraIntegration: boolean;
    /** Required. aadProfile.enableAzureRBAC. */
    azureRbacEnabled: boolean;
    /** Required. identityProfile.kubeletidentity.objectId, character for character; "" when the cluster has none. */
    kubeletIdentityObjectId: string;
}

/** The facts of a getManagedCluster answer. Pure. */
export function clusterFacts(resourceGroupName: string, c: containerservice.GetManagedClusterResult): ExistingClusterFacts {
    return {
        name: c.name,
        resourceGroupName,
        resourceId: c.id,
        location: c.location,
        oidcIssuerEnabled: c.oidcIssuerProfile?.enabled === true,
        oidcIssuerUrl: c.oidcIssuerProfile?.issuerURL ?? "",
        workloadIdentityEnabled: c.securityProfile?.workloadIdentity?.enabled === true,
        localAccountsDisabled: c.disableLocalAccounts === true,
        entraIntegration: c.aadProfile?.managed === true,
        azureRbacEnabled: c.aadProfile?.enableAzureRBAC === true,
        kubeletIdentityObjectId: c.identityProfile?.kubeletidentity?.objectId ?? "",
    };
}

/**
 * What the trust chain cannot work without, one line per missing setting with
 * the `az` command that turns it on. Pure.
 * Sources: learn.microsoft.com/azure/aks/use-oidc-issuer ("az aks update --resource-group ... --name ... --enable-oidc-issuer"),
 * learn.microsoft.com/azure/aks/workload-identity-deploy-cluster ("--enable-workload-identity"),
 * learn.microsoft.com/azure/aks/manage-azure-rbac ("--enable-azure-rbac"; it needs AKS-managed Microsoft Entra
 * integration, "--enable-aad": learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id).
 */
export function existingClusterProblems(f: ExistingClusterFacts): string[] {
    const cluster = `existing cluster "${f.name}" (resource group "${f.resourceGroupName}")`;
    const az = (flags: string) => `az aks update --resource-group ${f.resourceGroupName} --name ${f.name} ${flags}`;
    const problems: string[] = [];
    if (!f.oidcIssuerEnabled || !f.oidcIssuerUrl) {
        problems.push(`${cluster} has the OIDC issuer off: workload identities cannot be federated to it; run: ${az("--enable-oidc-issuer")}`);
    }
    if (!f.workloadIdentityEnabled) {
        problems.push(`${cluster} has workload identity off: pods get no Entra ID token; run: ${az("--enable-workload-identity")}`);
    }
    if (!f.azureRbacEnabled) {
        problems.push(
            `${cluster} has Azure RBAC for Kubernetes authorization off: the namespace deploy rights and the deployer's cluster admin would not apply; run: ${az(f.entraIntegration ? "--enable-azure-rbac" : "--enable-aad --enable-azure-rbac")}`,
        );
    }
    if (!f.kubeletIdentityObjectId) {
        problems.push(`${cluster} reports no identityProfile.kubeletidentity.objectId: its nodes have no managed identity to pull images with (a cluster with a service principal cannot be used; see learn.microsoft.com/azure/aks/use-managed-identity)`);
    }
    return problems;
}

/**
 * Settings that leave the chain working but weaken it, one line each with
 * the `az` command; the policy pack reports them (aks-existing-local-accounts-disabled). Pure.
 * Source: learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad ("az aks update ... --disable-local-accounts").
 */
export function existingClusterWeakenings(f: ExistingClusterFacts): string[] {
    return f.localAccountsDisabled
        ? []
        : [
              `existing cluster "${f.name}" (resource group "${f.resourceGroupName}") has local accounts on: az aks get-credentials --admin hands out a static, unaudited cluster-admin credential; run: az aks update --resource-group ${f.resourceGroupName} --name ${f.name} --disable-local-accounts`,
          ];
}

/** Reads an existing cluster through azure-native's getManagedCluster invoke; it stays unowned: never changed, never deleted. */
export async function readExistingCluster(name: string, resourceGroupName: string, opts?: pulumi.InvokeOptions): Promise<ExistingClusterFacts> {
    return clusterFacts(resourceGroupName, await containerservice.getManagedCluster({ resourceGroupName, resourceName: name }, opts));
}

export interface ExistingAksClusterArgs {
    /** Required. The cluster as read by readExistingCluster; its settings are checked before anything is created (existingClusterProblems). */
    facts: ExistingClusterFacts;
    /** Optional. kubelogin mode of the provider's kubeconfig. Defaults to "azurecli". */
    kubeloginMode?: KubeloginMode;
    /** Optional. Who gets "Azure Kubernetes Service RBAC Cluster Admin" on the cluster. Defaults to the caller of `pulumi up`, type unset. */
    deployer?: AksDeployerArgs;
    /** Optional. Seconds to wait for the deployer's role to propagate, a whole number from 0 to 3600; 0 skips the wait. Defaults to 600. */
    rbacPropagationTimeoutSeconds?: number;
}

/**
 * An AKS cluster the stack did not create: the same outputs as AksCluster,
 * from the cluster as Azure reports it, and the same access (the deployer's
 * cluster admin, the non-interactive kubelogin kubeconfig, the RBAC
 * propagation wait, the Kubernetes provider). The cluster itself is not a
 * resource of the stack, so nothing here changes or deletes it. Its settings
 * are the component's inputs, where the policy pack reads them.
 */
export class ExistingAksCluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly resourceId: pulumi.Output<string>;
    public readonly resourceGroupName: pulumi.Output<string>;
    /** The issuer exactly as Azure returns it, trailing slash included. */
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    /** identityProfile.kubeletidentity.objectId, character for character. */
    public readonly kubeletIdentityObjectId: pulumi.Output<string>;
    /** Secret. The non-interactive kubelogin exec kubeconfig. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;

    constructor(name: string, args: ExistingAksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(EXISTING_AKS_CLUSTER_TYPE, name, { ...args.facts }, opts);
        const f = args.facts;
        const kubeloginMode = args.kubeloginMode ?? "azurecli";
        const timeoutSeconds = args.rbacPropagationTimeoutSeconds ?? 600;
        const problems = new ArgumentProblems("ExistingAksCluster", name);
        existingClusterProblems(f).forEach((p) => problems.add(`facts: ${p}`));
        clusterAccessProblems(problems, { kubeloginMode, deployerPrincipalType: args.deployer?.principalType, timeoutSeconds });
        problems.throwIfAny(this);
        const access = clusterAccess(this, name, {
            clusterId: f.resourceId,
            clusterName: f.name,
            resourceGroupName: f.resourceGroupName,
            kubeloginMode,
            deployer: args.deployer,
            timeoutSeconds,
        });
        this.clusterName = pulumi.output(f.name);
        this.resourceId = pulumi.output(f.resourceId);
        this.resourceGroupName = pulumi.output(f.resourceGroupName);
        this.oidcIssuerUrl = pulumi.output(f.oidcIssuerUrl);
        this.kubeletIdentityObjectId = pulumi.output(f.kubeletIdentityObjectId);
        this.kubeconfig = access.kubeconfig;
        this.provider = access.provider;
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
}
