import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as k8s from "@pulumi/kubernetes";
import { ArgumentProblems } from "./argumentProblems";
import { KUBELOGIN_MODES, KubeloginMode, toNonInteractiveKubeconfig } from "./kubeconfig";
import { RbacPropagationWait } from "./rbacPropagationWait";
import { assignRole, PrincipalType } from "./roles";

/** What the Kubernetes provider of a cluster needs, whether the stack created the cluster or found it. */
export interface ClusterAccessArgs {
    /** Required. ARM id of the cluster (the deployer's role is scoped to it). */
    clusterId: pulumi.Input<string>;
    /** Required. The cluster's name, for listManagedClusterUserCredentials. */
    clusterName: pulumi.Input<string>;
    /** Required. The cluster's resource group, for listManagedClusterUserCredentials. */
    resourceGroupName: pulumi.Input<string>;
    /** Required. How kubelogin signs in (components/kubeconfig.ts). */
    kubeloginMode: KubeloginMode;
    /** Optional. The principal that runs pulumi up; defaults to the ARM client's object id, its type left to ARM. */
    deployer?: { objectId?: pulumi.Input<string>; principalType?: PrincipalType };
    /** Required. Seconds to wait for the deployer's role to propagate; 0 skips the wait. */
    timeoutSeconds: number;
}

/**
 * The rules of the access arguments AksCluster and ExistingAksCluster share
 * (kubeloginMode, deployer.principalType, rbacPropagationTimeoutSeconds), added
 * to the component's `problems` under those keys.
 */
export function clusterAccessProblems(problems: ArgumentProblems, v: { kubeloginMode: string; deployerPrincipalType?: string; timeoutSeconds: number }): void {
    if (!(KUBELOGIN_MODES as readonly string[]).includes(v.kubeloginMode)) {
        problems.fail("kubeloginMode", v.kubeloginMode, `must be one of ${KUBELOGIN_MODES.join(", ")}`);
    }
    if (v.deployerPrincipalType !== undefined && !["User", "ServicePrincipal"].includes(v.deployerPrincipalType)) {
        problems.fail("deployer.principalType", v.deployerPrincipalType, "must be one of User, ServicePrincipal");
    }
    if (!Number.isInteger(v.timeoutSeconds) || v.timeoutSeconds < 0 || v.timeoutSeconds > 3600) {
        problems.fail("rbacPropagationTimeoutSeconds", v.timeoutSeconds, "must be a whole number from 0 to 3600");
    }
}

export interface ClusterAccess {
    /** Azure Kubernetes Service RBAC Cluster Admin for the deployer, at the cluster. */
    deployerAdmin: authorization.RoleAssignment;
    /** Secret. The cluster user kubeconfig rewritten for non-interactive kubelogin. */
    kubeconfig: pulumi.Output<string>;
    /** Kubernetes provider, usable once the deployer's role has propagated. */
    provider: k8s.Provider;
}

/**
 * The deployer's cluster-admin role, the non-interactive kubelogin kubeconfig,
 * the RBAC propagation wait and the Kubernetes provider, as children of
 * `parent`: the same for a cluster the stack creates (AksCluster) and for an
 * existing one (ExistingAksCluster). Child names: `<name>-deployer-cluster-admin`,
 * `<name>-rbac-propagation`, `<name>-k8s`.
 */
export function clusterAccess(parent: pulumi.ComponentResource, name: string, args: ClusterAccessArgs): ClusterAccess {
    const deployerId = args.deployer?.objectId ?? authorization.getClientConfigOutput({ parent }).objectId;
    const deployerAdmin = assignRole(
        `${name}-deployer-cluster-admin`,
        args.clusterId,
        {
            roleDefinitionIdOrName: "Azure Kubernetes Service RBAC Cluster Admin",
            principalId: deployerId,
            principalType: args.deployer?.principalType,
            description: "credless-aks: lets the identity that runs pulumi up manage Kubernetes objects",
        },
        { parent },
    );

    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
        { resourceGroupName: args.resourceGroupName, resourceName: args.clusterName },
        { parent },
    );
    const kubeconfig = pulumi.secret(
        credentials.kubeconfigs.apply((configs) => {
            if (configs.length === 0) {
                throw new pulumi.ResourceError("listManagedClusterUserCredentials returned no kubeconfig", parent);
            }
            return toNonInteractiveKubeconfig(Buffer.from(configs[0].value, "base64").toString("utf8"), args.kubeloginMode);
        }),
    );

    const ready: pulumi.Resource =
        args.timeoutSeconds > 0
            ? new RbacPropagationWait(
                  `${name}-rbac-propagation`,
                  { kubeconfig, roleAssignmentId: deployerAdmin.id, timeoutSeconds: args.timeoutSeconds },
                  { parent },
              )
            : deployerAdmin;
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig }, { parent, dependsOn: [ready] });
    return { deployerAdmin, kubeconfig, provider };
}
