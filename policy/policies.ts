import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as azuread from "@pulumi/azuread";
import * as github from "@pulumi/github";
import {
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { tenantTakeoverPermissionOf, TENANT_TAKEOVER_PERMISSIONS } from "../components/apiPermissions";
import { EXISTING_AKS_CLUSTER_TYPE } from "../components/existingAksCluster";
import { EXISTING_CONTAINER_REGISTRY_TYPE } from "../components/existingContainerRegistry";
import { GITHUB_OIDC_ISSUER } from "../components/githubConstants";
import { TOKEN_EXCHANGE_AUDIENCE } from "../components/microsoftConstants";
import { BUILT_IN_ROLES, PRIVILEGED_ROLE_IDS, roleIdOf, roleLabel } from "../components/roles";
import { dnsLabelRule, dnsSubdomainRule, wildcardRule } from "../components/validation";
import { BOOTSTRAP_PROJECT, pipelinePolicies, projectOfUrn } from "./pipelinePolicies";

/**
 * The project's security guarantees as CrossGuard policies. `policy/index.ts`
 * wraps this array in the PolicyPack that `pulumi preview --policy-pack policy`
 * runs; `policy/runOffline.ts` runs the same array over recorded resources.
 */

/** The environment whose advisory policies ask for production hardening. */
export const PROD_ENVIRONMENT = "prod";

/**
 * The stack's environment as the stack itself reads it (stack/config.ts):
 * `credless-aks:environment`, else the stack name. The Pulumi CLI hands a
 * policy pack the stack's config and name (PULUMI_CONFIG, PULUMI_STACK).
 */
export function stackEnvironment(): string {
    return new pulumi.Config("credless-aks").get("environment") ?? pulumi.getStack();
}

/** The environment a prod-only policy checks against: its policy config, else the stack's. */
function environmentOf(args: { getConfig<T extends object>(): T }): string {
    return args.getConfig<{ environment?: string }>().environment ?? stackEnvironment();
}

const ENVIRONMENT_CONFIG: PolicyConfigSchema = {
    properties: {
        environment: {
            type: "string",
            description: 'Overrides the environment read from the stack (credless-aks:environment, else the stack name); "prod" turns the policy on.',
        },
    },
};

function show(value: unknown): string {
    return value === undefined ? "not set" : JSON.stringify(value);
}

// ---------------------------------------------------------------- ACR

const acrAdminUserDisabled: ResourceValidationPolicy = {
    name: "acr-admin-user-disabled",
    description: "Container registries keep the admin user disabled: it is a shared password. Push and pull with Entra ID identities holding AcrPush and AcrPull.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(containerregistry.Registry, (registry, _args, report) => {
        if (registry.adminUserEnabled === true) {
            report("adminUserEnabled is true: the admin user is a shared password; it must be false");
        }
    }),
};

const acrAnonymousPullDisabled: ResourceValidationPolicy = {
    name: "acr-anonymous-pull-disabled",
    description: "Container registries keep anonymous pull disabled: only identities holding AcrPull may pull.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(containerregistry.Registry, (registry, _args, report) => {
        if (registry.anonymousPullEnabled === true) {
            report("anonymousPullEnabled is true: anyone could pull the registry's images without signing in; it must be false");
        }
    }),
};

/** Retention of untagged manifests is a Premium feature. Source: learn.microsoft.com/azure/container-registry/container-registry-retention-policy */
const acrPremiumRetention: ResourceValidationPolicy = {
    name: "acr-premium-retention",
    description: "Premium container registries enable a retention policy, so that untagged manifests are purged.",
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(containerregistry.Registry, (registry, _args, report) => {
        if (String(registry.sku.name).toLowerCase() !== "premium") {
            return;
        }
        const status = registry.policies?.retentionPolicy?.status;
        if (String(status).toLowerCase() !== containerregistry.PolicyStatus.Enabled) {
            report(`policies.retentionPolicy.status is ${show(status)} on a Premium registry: set it to "enabled" so that untagged manifests are purged`);
        }
    }),
};

// ---------------------------------------------------------------- AKS

function clusterPolicy(
    name: string,
    description: string,
    check: (cluster: pulumi.Unwrap<containerservice.ManagedClusterArgs>, report: ReportViolation) => void,
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(containerservice.ManagedCluster, (cluster, _args, report) => check(cluster, report)),
    };
}

const aksOidcIssuer = clusterPolicy(
    "aks-oidc-issuer-enabled",
    "AKS clusters enable the OIDC issuer: workload identity federation trusts tokens it signs.",
    (cluster, report) => {
        const enabled = cluster.oidcIssuerProfile?.enabled;
        if (enabled !== true) {
            report(`oidcIssuerProfile.enabled is ${show(enabled)}: it must be true`);
        }
    },
);

const aksWorkloadIdentity = clusterPolicy(
    "aks-workload-identity-enabled",
    "AKS clusters enable workload identity: pods get Entra ID tokens for their service account, never a stored secret.",
    (cluster, report) => {
        const enabled = cluster.securityProfile?.workloadIdentity?.enabled;
        if (enabled !== true) {
            report(`securityProfile.workloadIdentity.enabled is ${show(enabled)}: it must be true`);
        }
    },
);

const aksLocalAccountsDisabled = clusterPolicy(
    "aks-local-accounts-disabled",
    "AKS clusters disable local accounts: no static admin kubeconfig can be listed; every user signs in with Entra ID.",
    (cluster, report) => {
        if (cluster.disableLocalAccounts !== true) {
            report(`disableLocalAccounts is ${show(cluster.disableLocalAccounts)}: it must be true`);
        }
    },
);

const aksAzureRbac = clusterPolicy(
    "aks-azure-rbac-enabled",
    "AKS clusters authorize Kubernetes requests with Azure RBAC (AKS-managed Entra ID), so that access is granted by role assignments.",
    (cluster, report) => {
        const enabled = cluster.aadProfile?.enableAzureRBAC;
        if (enabled !== true) {
            report(`aadProfile.enableAzureRBAC is ${show(enabled)}: it must be true`);
        }
        if (cluster.enableRBAC === false) {
            report("enableRBAC is false: Kubernetes RBAC must stay enabled for Azure RBAC to apply");
        }
    },
);

/** Source: learn.microsoft.com/azure/aks/auto-upgrade-cluster (channels patch, stable, rapid, node-image; none turns upgrades off). */
const aksAutoUpgrade = clusterPolicy(
    "aks-auto-upgrade-channel",
    "AKS clusters set an automatic upgrade channel (patch, stable, rapid or node-image), so that security fixes arrive without a change.",
    (cluster, report) => {
        const channel = cluster.autoUpgradeProfile?.upgradeChannel;
        if (channel === undefined || String(channel).toLowerCase() === containerservice.UpgradeChannel.None) {
            report(`autoUpgradeProfile.upgradeChannel is ${show(channel)}: set patch, stable, rapid or node-image`);
        }
    },
);

/** Source: learn.microsoft.com/azure/aks/use-network-policies (azure, calico, cilium). */
const aksNetworkPolicy = clusterPolicy(
    "aks-network-policy",
    "AKS clusters set a network policy engine (azure, calico or cilium), so that namespaces can be isolated.",
    (cluster, report) => {
        const engine = cluster.networkProfile?.networkPolicy;
        if (engine === undefined || String(engine).toLowerCase() === containerservice.NetworkPolicy.None) {
            report(`networkProfile.networkPolicy is ${show(engine)}: set azure, calico or cilium`);
        }
    },
);

const OPEN_RANGES = ["0.0.0.0/0", "0.0.0.0"];

const aksApiServerRestrictedInProd: ResourceValidationPolicy = {
    name: "aks-api-server-restricted-in-prod",
    description: "In prod, the AKS API server is private or answers only authorized IP ranges.",
    enforcementLevel: "advisory",
    configSchema: ENVIRONMENT_CONFIG,
    validateResource: validateResourceOfType(containerservice.ManagedCluster, (cluster, args, report) => {
        if (environmentOf(args) !== PROD_ENVIRONMENT) {
            return;
        }
        const access = cluster.apiServerAccessProfile;
        if (access?.enablePrivateCluster === true) {
            return;
        }
        const ranges = access?.authorizedIPRanges ?? [];
        if (ranges.length === 0) {
            report("apiServerAccessProfile sets neither enablePrivateCluster nor authorizedIPRanges in prod: the API server answers the whole internet");
            return;
        }
        const open = ranges.filter((range) => OPEN_RANGES.includes(range));
        if (open.length > 0) {
            report(`apiServerAccessProfile.authorizedIPRanges includes ${show(open[0])} in prod: it admits every address`);
        }
    }),
};

/** Source: learn.microsoft.com/azure/aks/free-standard-pricing-tiers (Free has no uptime SLA). */
const aksPaidTierInProd: ResourceValidationPolicy = {
    name: "aks-paid-tier-in-prod",
    description: "In prod, AKS clusters use a paid tier (Standard or Premium), which has the uptime SLA.",
    enforcementLevel: "advisory",
    configSchema: ENVIRONMENT_CONFIG,
    validateResource: validateResourceOfType(containerservice.ManagedCluster, (cluster, args, report) => {
        if (environmentOf(args) !== PROD_ENVIRONMENT) {
            return;
        }
        const tier = cluster.sku?.tier;
        const paid: string[] = [containerservice.ManagedClusterSKUTier.Standard, containerservice.ManagedClusterSKUTier.Premium];
        if (tier === undefined || !paid.includes(String(tier))) {
            report(`sku.tier is ${show(tier)} in prod: use Standard or Premium`);
        }
    }),
};

// ---------------------------------------------------------------- Identities

function credentialResource<TResource extends pulumi.Resource, TArgs>(
    resourceClass: { new (name: string, args: TArgs, opts?: pulumi.CustomResourceOptions): TResource },
    what: string,
) {
    return validateResourceOfType(resourceClass, (_props, _args, report) => {
        report(`${what}: authenticate with a federated identity credential instead`);
    });
}

const noEntraCredentials: ResourceValidationPolicy = {
    name: "no-entra-credentials",
    description:
        "No client secret or certificate anywhere: no Entra application or service principal password or certificate, no application password block, no AKS service principal secret. Identities authenticate through federated credentials and managed identities.",
    enforcementLevel: "mandatory",
    validateResource: [
        credentialResource(azuread.ApplicationPassword, "an application password is a client secret"),
        credentialResource(azuread.ServicePrincipalPassword, "a service principal password is a client secret"),
        credentialResource(azuread.ApplicationCertificate, "an application certificate is a stored credential"),
        credentialResource(azuread.ServicePrincipalCertificate, "a service principal certificate is a stored credential"),
        credentialResource(azuread.ServicePrincipalTokenSigningCertificate, "a token signing certificate puts a key and its password on the service principal"),
        validateResourceOfType(azuread.Application, (app, _args, report) => {
            if (app.password !== undefined) {
                report("password is set: it creates a client secret on the application; authenticate with a federated identity credential instead");
            }
        }),
        validateResourceOfType(containerservice.ManagedCluster, (cluster, _args, report) => {
            if (cluster.servicePrincipalProfile?.secret !== undefined) {
                report("servicePrincipalProfile.secret is set: the cluster must run with a managed identity (identity.type), not a client secret");
            }
            if (cluster.aadProfile?.serverAppSecret !== undefined) {
                report("aadProfile.serverAppSecret is set: legacy Entra ID integration needs a client secret; use AKS-managed Entra ID");
            }
        }),
    ],
};

/** The parts of a federated identity credential the policies read, the same on azuread and azure-native. */
interface FederatedCredential {
    issuer: string;
    subject: string;
    audiences: string[];
}

const GITHUB_ISSUER_HOST = new URL(GITHUB_OIDC_ISSUER).host;
/** Host suffix of AKS OIDC issuer URLs. Source: learn.microsoft.com/azure/aks/use-oidc-issuer ("https://eastus.oic.prod-aks.azure.com/..."). */
const AKS_ISSUER_HOST_SUFFIX = ".oic.prod-aks.azure.com";
const SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

function hostOf(url: string): string {
    try {
        return new URL(url).host.toLowerCase();
    } catch {
        return "";
    }
}

/**
 * Which trust a credential sets up. The subject decides first (it is known
 * during preview, while an AKS issuer is a cluster output that is not);
 * the issuer decides for subjects of neither shape.
 */
function credentialKind(cred: FederatedCredential): "github" | "kubernetes" | "other" {
    if (cred.subject.startsWith("repo:")) {
        return "github";
    }
    if (cred.subject.startsWith(SERVICE_ACCOUNT_PREFIX)) {
        return "kubernetes";
    }
    const host = hostOf(cred.issuer);
    if (host === GITHUB_ISSUER_HOST) {
        return "github";
    }
    return host.endsWith(AKS_ISSUER_HOST_SUFFIX) ? "kubernetes" : "other";
}

/** "repo:OWNER/REPO:<context>" or, in GitHub's immutable format, "repo:OWNER@ID/REPO@ID:<context>". Source: components/subjects.ts. */
const ONE_REPOSITORY_SUBJECT = /^repo:[^/:@]+(@\d+)?\/[^/:@]+(@\d+)?:.+$/;

function checkGitHubCredential(cred: FederatedCredential, report: ReportViolation): void {
    if (credentialKind(cred) !== "github") {
        return;
    }
    if (cred.issuer !== GITHUB_OIDC_ISSUER) {
        report(`issuer is ${show(cred.issuer)}: a GitHub Actions credential must name exactly "${GITHUB_OIDC_ISSUER}"`);
    }
    if (cred.audiences.length !== 1 || cred.audiences[0] !== TOKEN_EXCHANGE_AUDIENCE) {
        report(`audiences is ${show(cred.audiences)}: a GitHub Actions credential must list exactly ["${TOKEN_EXCHANGE_AUDIENCE}"]`);
    }
    const wildcard = wildcardRule(cred.subject);
    if (wildcard) {
        report(`subject is ${show(cred.subject)}: it ${wildcard}`);
    } else if (!ONE_REPOSITORY_SUBJECT.test(cred.subject)) {
        report(`subject is ${show(cred.subject)}: it must start with "repo:<owner>/<repository>:" so that it trusts jobs of one repository`);
    }
}

const githubFederatedCredentials: ResourceValidationPolicy = {
    name: "github-federated-credential-exact",
    description:
        'GitHub Actions federated credentials name exactly GitHub\'s issuer and the "api://AzureADTokenExchange" audience, and a subject without wildcards that is scoped to one repository; flexible (expression-matching) credentials are not used for GitHub.',
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(azuread.ApplicationFederatedIdentityCredential, (cred, _args, report) => checkGitHubCredential(cred, report)),
        validateResourceOfType(managedidentity.FederatedIdentityCredential, (cred, _args, report) => checkGitHubCredential(cred, report)),
        validateResourceOfType(azuread.ApplicationFlexibleFederatedIdentityCredential, (cred, _args, report) => {
            if (hostOf(cred.issuer) === GITHUB_ISSUER_HOST) {
                report(
                    `claimsMatchingExpression is ${show(cred.claimsMatchingExpression)}: a flexible credential trusts every GitHub subject its expression matches; use one ApplicationFederatedIdentityCredential per exact subject`,
                );
            }
        }),
    ],
};

/** Source: learn.microsoft.com/azure/aks/workload-identity-deploy-cluster ("system:serviceaccount:<namespace>:<name>"). */
function checkKubernetesCredential(cred: FederatedCredential, report: ReportViolation): void {
    if (credentialKind(cred) !== "kubernetes") {
        return;
    }
    const parts = cred.subject.startsWith(SERVICE_ACCOUNT_PREFIX) ? cred.subject.slice(SERVICE_ACCOUNT_PREFIX.length).split(":") : [];
    const rule =
        wildcardRule(cred.subject) ??
        (parts.length !== 2
            ? `must be "${SERVICE_ACCOUNT_PREFIX}<namespace>:<service account>", naming one service account`
            : dnsLabelRule(parts[0])
              ? `has namespace ${show(parts[0])}, which ${dnsLabelRule(parts[0])}`
              : dnsSubdomainRule(parts[1])
                ? `has service account ${show(parts[1])}, which ${dnsSubdomainRule(parts[1])}`
                : undefined);
    if (rule) {
        report(`subject is ${show(cred.subject)}: it ${rule}`);
    }
}

const kubernetesFederatedCredentials: ResourceValidationPolicy = {
    name: "kubernetes-federated-credential-service-account",
    description: 'Federated credentials that trust an AKS OIDC issuer name one service account: "system:serviceaccount:<namespace>:<name>", no wildcard.',
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(managedidentity.FederatedIdentityCredential, (cred, _args, report) => checkKubernetesCredential(cred, report)),
        validateResourceOfType(azuread.ApplicationFederatedIdentityCredential, (cred, _args, report) => checkKubernetesCredential(cred, report)),
    ],
};

// ---------------------------------------------------------------- Role assignments

const REGISTRY_SCOPE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerRegistry\/registries\/[^/]+$/i;
const CLUSTER_SCOPE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i;
const DEPLOYER_ROLE = BUILT_IN_ROLES["Azure Kubernetes Service RBAC Cluster Admin"];

/**
 * The one assignment whose principal may be of unknown type: the deployer
 * (whoever runs `pulumi up`, an existing user or service principal) made
 * cluster admin of the cluster it creates.
 */
function isDeployerClusterAdmin(assignment: pulumi.Unwrap<authorization.RoleAssignmentArgs>): boolean {
    return roleIdOf(assignment.roleDefinitionId) === DEPLOYER_ROLE && CLUSTER_SCOPE.test(assignment.scope);
}

const principalTypeSet: ResourceValidationPolicy = {
    name: "role-assignment-principal-type",
    description:
        "Role assignments set principalType, so that an assignment to a principal created moments earlier does not fail with PrincipalNotFound while Entra ID replicates. " +
        'The one exception is "Azure Kubernetes Service RBAC Cluster Admin" at cluster scope, the deployer\'s own assignment: the deployer is an existing principal whose type the stack may not know, so it is checked by the advisory policy deployer-cluster-admin-principal-type instead.',
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(authorization.RoleAssignment, (assignment, _args, report) => {
        if (assignment.principalType !== undefined || isDeployerClusterAdmin(assignment)) {
            return;
        }
        report(`principalType is not set on the ${roleLabel(roleIdOf(assignment.roleDefinitionId))} assignment at ${show(assignment.scope)}: set User, Group or ServicePrincipal`);
    }),
};

const deployerPrincipalType: ResourceValidationPolicy = {
    name: "deployer-cluster-admin-principal-type",
    description:
        'The deployer\'s "Azure Kubernetes Service RBAC Cluster Admin" assignment at cluster scope sets principalType when the deployer\'s type is known (credless-aks:cluster.deployerPrincipalType); ARM infers it otherwise, which works for an existing principal.',
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(authorization.RoleAssignment, (assignment, _args, report) => {
        if (assignment.principalType === undefined && isDeployerClusterAdmin(assignment)) {
            report("principalType is not set on the deployer's cluster admin assignment: set credless-aks:cluster.deployerPrincipalType to User or ServicePrincipal");
        }
    }),
};

const REGISTRY_ONLY_ROLES: readonly string[] = [BUILT_IN_ROLES.AcrPull, BUILT_IN_ROLES.AcrPush];

const acrRolesAtRegistryScope: ResourceValidationPolicy = {
    name: "acr-roles-at-registry-scope",
    description: "AcrPull and AcrPush are granted on one registry only, never on a resource group or subscription where they would reach every registry in it.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(authorization.RoleAssignment, (assignment, _args, report) => {
        const roleId = roleIdOf(assignment.roleDefinitionId);
        if (REGISTRY_ONLY_ROLES.includes(roleId) && !REGISTRY_SCOPE.test(assignment.scope)) {
            report(`${roleLabel(roleId)} is granted at ${show(assignment.scope)}: grant it on a registry (/providers/Microsoft.ContainerRegistry/registries/<name>)`);
        }
    }),
};

const noPrivilegedRoles: ResourceValidationPolicy = {
    name: "no-privileged-role-assignments",
    description:
        "This stack never grants Owner, Contributor, User Access Administrator, Role Based Access Control Administrator, or the AKS Cluster Admin and Contributor roles: they hand out control of the scope, or of who may access it. " +
        "The bootstrap (the pipeline's own apply-time identities) is held to pipeline-identity-role-limits instead.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(authorization.RoleAssignment, (assignment, args, report) => {
        if (projectOfUrn(args.urn) === BOOTSTRAP_PROJECT) {
            return;
        }
        const roleId = roleIdOf(assignment.roleDefinitionId);
        if (PRIVILEGED_ROLE_IDS.includes(roleId)) {
            report(`${roleLabel(roleId)} is granted at ${show(assignment.scope)}: grant a narrower built-in role instead`);
        }
    }),
};

// ---------------------------------------------------------------- API permissions

const noTenantTakeoverApiPermissions: ResourceValidationPolicy = {
    name: "no-tenant-takeover-api-permissions",
    description:
        "No app role assignment grants a Microsoft Graph application permission that would let its holder take over the tenant: " +
        `${Object.keys(TENANT_TAKEOVER_PERMISSIONS).join(", ")}. Each lets a workload make itself, or any principal, a Global Administrator, directly or by granting itself a permission that can.`,
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(azuread.AppRoleAssignment, (assignment, _args, report) => {
        // Graph's app role ids are the same in every tenant, so the id names the permission.
        const permission = tenantTakeoverPermissionOf(assignment.appRoleId);
        if (permission) {
            report(
                `appRoleId is ${show(assignment.appRoleId)}, Microsoft Graph ${permission}: refused, a workload holding it could take over the tenant: ${TENANT_TAKEOVER_PERMISSIONS[permission].why}`,
            );
        }
    }),
};

// ---------------------------------------------------------------- GitHub

/** Every property that carries a GitHub secret's value (github provider 6.x; plaintextValue and encryptedValue are deprecated aliases). */
const SECRET_VALUE_PROPERTIES = ["value", "valueEncrypted", "plaintextValue", "encryptedValue"] as const;

function isGitHubSecret(resource: PolicyResource): boolean {
    return resource.isType(github.ActionsSecret) || resource.isType(github.ActionsEnvironmentSecret) || resource.isType(github.ActionsOrganizationSecret);
}

const githubSecretsFromOutputs: StackValidationPolicy = {
    name: "github-secret-from-resource-output",
    description:
        "Every GitHub Actions secret the stack writes takes its value from another resource's output (the app's client id, the registry's login server), which the engine records as a dependency of the value. " +
        "A value without such a dependency is a literal, a config value or an environment variable: that is how a password copied into config would reach GitHub, so it is rejected. " +
        "Under preview a value from a resource not yet created is unknown while a config value is known; the dependency check gives the same answer in both cases, and on every later preview.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const secrets = args.resources.filter(isGitHubSecret);
        if (secrets.length === 0) {
            args.notApplicable("the stack writes no GitHub Actions secret");
        }
        for (const secret of secrets) {
            for (const property of SECRET_VALUE_PROPERTIES) {
                if (!(property in secret.props) || (secret.propertyDependencies[property] ?? []).length > 0) {
                    continue;
                }
                if (secret.props[property] !== undefined) {
                    report(`${property} of ${secret.name} does not come from another resource's output: write GitHub secrets from resource outputs, never from config or a literal`, secret.urn);
                }
            }
        }
    },
};

/**
 * "Protected branches only" lets every branch deploy while the repository has
 * no branch protection rule; only "Selected branches and tags" (custom branch
 * policies, one pattern per RepositoryEnvironmentDeploymentPolicy) holds either way.
 * Source: docs.github.com/actions/reference/workflows-and-actions/deployments-and-environments#deployment-branches-and-tags
 */
const githubEnvironmentDeploymentRefsInProd: ResourceValidationPolicy = {
    name: "github-environment-deployment-refs-in-prod",
    description:
        "In prod, every GitHub environment the stack creates lets only selected branches and tags deploy (custom deployment branch policies). " +
        '"Protected branches only" does not restrict: with no branch protection rule in the repository, every branch can deploy.',
    enforcementLevel: "advisory",
    configSchema: ENVIRONMENT_CONFIG,
    validateResource: validateResourceOfType(github.RepositoryEnvironment, (environment, args, report) => {
        if (environmentOf(args) !== PROD_ENVIRONMENT) {
            return;
        }
        const setting = environment.deploymentBranchPolicy;
        if (setting?.customBranchPolicies !== true) {
            report(
                `deploymentBranchPolicy of GitHub environment ${show(environment.environment)} is ${show(setting)} in prod: ` +
                    'list the branches that may deploy (credless-aks:github.deploymentBranches, e.g. ["main"]), which sets customBranchPolicies; protected branches alone let every branch deploy while the repository has no branch protection rule',
            );
        }
    }),
};

// ---------------------------------------------------------------- existing cluster and registry

/**
 * An existing cluster or registry is no resource of the stack; the components
 * that stand for it (ExistingAksCluster, ExistingContainerRegistry) carry its
 * settings as Azure reported them, as their inputs. Settings that only weaken
 * the chain are findings here, mandatory by default; while a team migrates, it
 * can downgrade them to advisory in the policy pack's config
 * (docs/existing-cluster.md, "Migrating"). A component's inputs reach the
 * engine unless PULUMI_NODEJS_SKIP_COMPONENT_INPUTS is set (@pulumi/pulumi
 * 3.248 resource.js, ComponentResource); without them the setting is unknown
 * here and nothing is reported: the program itself warns about it before
 * registering anything (stack/existing.ts), so a missing input never blocks a
 * deployment that is fine.
 */
const existingAksLocalAccountsDisabled: ResourceValidationPolicy = {
    name: "aks-existing-local-accounts-disabled",
    description: "An existing AKS cluster the stack uses has local accounts disabled: with them on, az aks get-credentials --admin hands out a static, unaudited cluster-admin credential.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type === EXISTING_AKS_CLUSTER_TYPE && args.props.localAccountsDisabled === false) {
            const { name, resourceGroupName } = args.props as { name?: string; resourceGroupName?: string };
            report(
                `existing cluster "${name}" has local accounts on; run: az aks update --resource-group ${resourceGroupName} --name ${name} --disable-local-accounts ` +
                    "(while migrating, this policy can be set to advisory: docs/existing-cluster.md)",
            );
        }
    },
};

const existingAcrAdminUserDisabled: ResourceValidationPolicy = {
    name: "acr-existing-admin-user-disabled",
    description: "An existing container registry the stack uses keeps the admin user disabled: it is a shared password that pushes and pulls everything.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type === EXISTING_CONTAINER_REGISTRY_TYPE && args.props.adminUserEnabled === true) {
            const { name, resourceGroupName } = args.props as { name?: string; resourceGroupName?: string };
            report(
                `existing registry "${name}" has the admin user on; run: az acr update --resource-group ${resourceGroupName} --name ${name} --admin-enabled false ` +
                    "(while migrating, this policy can be set to advisory: docs/existing-cluster.md)",
            );
        }
    },
};

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    acrAdminUserDisabled,
    acrAnonymousPullDisabled,
    acrPremiumRetention,
    aksOidcIssuer,
    aksWorkloadIdentity,
    aksLocalAccountsDisabled,
    aksAzureRbac,
    aksAutoUpgrade,
    aksNetworkPolicy,
    aksApiServerRestrictedInProd,
    aksPaidTierInProd,
    noEntraCredentials,
    githubFederatedCredentials,
    kubernetesFederatedCredentials,
    principalTypeSet,
    deployerPrincipalType,
    acrRolesAtRegistryScope,
    noPrivilegedRoles,
    noTenantTakeoverApiPermissions,
    githubSecretsFromOutputs,
    githubEnvironmentDeploymentRefsInProd,
    existingAksLocalAccountsDisabled,
    existingAcrAdminUserDisabled,
    ...pipelinePolicies,
];
