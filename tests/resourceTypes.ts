/**
 * The type tokens the Pulumi engine sees for the resources the tests look
 * for, in one place. Written out, not read from the SDK classes: a test pins
 * the token, so an SDK upgrade that changed one fails here instead of
 * passing unnoticed.
 */
export const TYPES = {
    // credless-aks's components
    aksCluster: "credless-aks:aks:AksCluster",
    containerRegistryComponent: "credless-aks:acr:ContainerRegistry",
    gitHubActionsIdentity: "credless-aks:github:GitHubActionsIdentity",
    gitHubDeploymentBranchPolicy: "credless-aks:github:GitHubDeploymentBranchPolicy",
    workloadIdentityServiceAccount: "credless-aks:workload:WorkloadIdentityServiceAccount",
    rbacPropagationWait: "pulumi-nodejs:dynamic/credless-aks:RbacPropagationWait",
    // Azure (azure-native)
    resourceGroup: "azure-native:resources:ResourceGroup",
    managedCluster: "azure-native:containerservice:ManagedCluster",
    maintenanceConfiguration: "azure-native:containerservice:MaintenanceConfiguration",
    registry: "azure-native:containerregistry:Registry",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    managementLock: "azure-native:authorization:ManagementLockByScope",
    userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
    identityFederatedCredential: "azure-native:managedidentity:FederatedIdentityCredential",
    // Entra ID (azuread)
    application: "azuread:index/application:Application",
    servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
    applicationFederatedCredential: "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
    applicationFlexibleFederatedCredential: "azuread:index/applicationFlexibleFederatedIdentityCredential:ApplicationFlexibleFederatedIdentityCredential",
    applicationPassword: "azuread:index/applicationPassword:ApplicationPassword",
    applicationCertificate: "azuread:index/applicationCertificate:ApplicationCertificate",
    servicePrincipalPassword: "azuread:index/servicePrincipalPassword:ServicePrincipalPassword",
    servicePrincipalCertificate: "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate",
    servicePrincipalTokenSigningCertificate: "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate",
    // Kubernetes
    namespace: "kubernetes:core/v1:Namespace",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    // GitHub
    repositoryEnvironment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    environmentDeploymentPolicy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    environmentSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    environmentVariable: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    repositorySecret: "github:index/actionsSecret:ActionsSecret",
    repositoryVariable: "github:index/actionsVariable:ActionsVariable",
    organizationSecret: "github:index/actionsOrganizationSecret:ActionsOrganizationSecret",
};
