/**
 * Identifiers published by Microsoft that the components rely on. Each value
 * names the page it was checked against; change one only with a new source.
 */

/**
 * Audience that Entra ID requires in tokens exchanged through a federated
 * identity credential. Source: learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust
 * ("audiences ... recommended value api://AzureADTokenExchange").
 */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/**
 * Maximum number of federated identity credentials on one application or
 * user-assigned managed identity. Source: learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations
 * ("A maximum of 20 federated identity credentials can be added to an application or user-assigned managed identity").
 */
export const MAX_FEDERATED_CREDENTIALS = 20;

/**
 * Annotation and label keys read by the Microsoft Entra Workload ID mutating
 * webhook on AKS. Source: learn.microsoft.com/azure/aks/workload-identity-overview
 * ("Service account annotations" and "Pod labels").
 */
export const WORKLOAD_IDENTITY = {
    clientIdAnnotation: "azure.workload.identity/client-id",
    tenantIdAnnotation: "azure.workload.identity/tenant-id",
    tokenExpirationAnnotation: "azure.workload.identity/service-account-token-expiration",
    useLabel: "azure.workload.identity/use",
    /** Allowed range of the token-expiration annotation, in seconds (same page: "3600 to 86400"). */
    minTokenExpirationSeconds: 3600,
    maxTokenExpirationSeconds: 86400,
} as const;

/**
 * Application id of the AKS AAD server ("Azure Kubernetes Service AAD Server"),
 * the audience kubelogin requests for AKS-managed Entra ID clusters.
 * Source: learn.microsoft.com/azure/aks/kubelogin-authentication ("server ID 6dae42f8-4368-4678-94ff-3960e28e3630").
 */
export const AKS_AAD_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/**
 * Limits of a federated identity credential's properties. Source:
 * learn.microsoft.com/graph/api/resources/federatedidentitycredential ("name ... has a limit of
 * 120 characters and must be URL friendly"; "subject ... has a limit of 600 characters").
 */
export const MAX_FEDERATED_CREDENTIAL_NAME_LENGTH = 120;
export const MAX_FEDERATED_CREDENTIAL_SUBJECT_LENGTH = 600;
