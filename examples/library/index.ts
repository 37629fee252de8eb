import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry, WorkloadIdentityServiceAccount } from "credless-aks";

// A cluster another stack created: its issuer URL and kubeconfig are all it takes.
const platform = new pulumi.StackReference("contoso/credless-aks/prod");
const provider = new k8s.Provider("platform", { kubeconfig: platform.requireOutput("kubeconfig") });
const vaultId = "/subscriptions/<subscription>/resourceGroups/rg-billing/providers/Microsoft.KeyVault/vaults/kv-billing";

const billing = new WorkloadIdentityServiceAccount("billing", {
    namespace: "billing",
    serviceAccountName: "billing-api",
    issuerUrl: platform.requireOutput("oidcIssuerUrl"),
    kubernetesProvider: provider,
    resourceGroupName: "rg-billing",
    location: "westeurope",
    tenantId: platform.requireOutput("tenantId"),
    roleAssignments: [{ roleDefinitionIdOrName: "Key Vault Secrets User", scope: vaultId }],
});
export const podTemplate = billing.podTemplateSnippetYaml; // paste under a Deployment's spec.template

// A registry of its own, from which the workload may pull: no role id in sight.
const images = new ContainerRegistry("images", { resourceGroupName: "rg-billing", namePrefix: "contosobilling" });
images.grantPull("billing-pull", billing.principalId, "ServicePrincipal");
