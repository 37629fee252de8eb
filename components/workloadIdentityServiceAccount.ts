import * as pulumi from "@pulumi/pulumi";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as azuread from "@pulumi/azuread";
import * as k8s from "@pulumi/kubernetes";
import { ArgumentProblems, invalidArgumentsMessage } from "./argumentProblems";
import { MAX_FEDERATED_CREDENTIALS, TOKEN_EXCHANGE_AUDIENCE } from "./microsoftConstants";
import { assignRole, grantableRoleRule, resolveRoleId } from "./roles";
import { serviceAccountSubject } from "./subjects";
import { dnsLabelRule, dnsSubdomainRule } from "./validation";
import {
    federatedCredentialName,
    federatedCredentialNameRule,
    issuerUrlRule,
    labelsProblems,
    managedIdentityName,
    managedIdentityNameRule,
    podTemplateSnippet,
    PodTemplateSnippet,
    podTemplateSnippetYaml,
    roleAssignmentKey,
    tokenExpirationRule,
    WORKLOAD_IDENTITY_TYPES,
    WorkloadIdentityType,
    workloadIdentityAnnotations,
    workloadLabels,
} from "./workloadIdentityNaming";

/** One more service account, usually on another cluster, that the same Azure identity trusts. */
export interface WorkloadFederation {
    /** Required. That cluster's OIDC issuer URL, exactly as the cluster reports it (trailing slash included). */
    issuerUrl: pulumi.Input<string>;
    /** Required. Namespace of the service account there (RFC 1123 label). */
    namespace: string;
    /** Required. Name of the service account there (RFC 1123 subdomain). */
    serviceAccountName: string;
    /**
     * Optional. Name of the federated credential (3 to 120 letters, digits, '-'
     * or '_', starting with a letter or digit). Defaults to "<namespace>-<serviceAccountName>";
     * required when another credential of this identity already has that name,
     * for example the same service account on a second cluster.
     */
    name?: string;
}

/** One Azure role granted to the workload's identity. */
export interface WorkloadRoleAssignment {
    /** Required. A built-in role name from BUILT_IN_ROLES, a role definition GUID, or a role definition resource id. Owner, Contributor and User Access Administrator are refused. */
    roleDefinitionIdOrName: string;
    /** Required. ARM resource id of the scope, e.g. a registry's or storage account's id. */
    scope: pulumi.Input<string>;
    /** Optional. Shown in the portal. Defaults to none. */
    description?: pulumi.Input<string>;
}

export interface WorkloadIdentityServiceAccountArgs {
    /** Required. Namespace of the service account: an RFC 1123 label (1 to 63 lower-case letters, digits or '-'). */
    namespace: string;
    /** Required. Name of the service account: an RFC 1123 subdomain (at most 253 lower-case letters, digits, '-' or '.'). */
    serviceAccountName: string;
    /**
     * Optional. Create the namespace (and delete it, with everything in it, on
     * destroy). Set false when the namespace exists or another component owns
     * it. Defaults to true.
     */
    createNamespace?: boolean;
    /**
     * Optional. A Namespace created elsewhere, for example one shared by
     * several workloads: the ServiceAccount is created in it once it exists.
     * Its name must equal `namespace`. Requires createNamespace false.
     * Defaults to none.
     */
    namespaceResource?: k8s.core.v1.Namespace;
    /**
     * Required. The cluster's OIDC issuer URL, passed to Entra ID exactly as
     * given (never trimmed or normalised: the token's `iss` claim must match it
     * character for character). Usually AksCluster's `oidcIssuerUrl`, or a
     * stack reference to it.
     */
    issuerUrl: pulumi.Input<string>;
    /** Required. Provider of the cluster the service account is created in; every Kubernetes object uses it. */
    kubernetesProvider: k8s.Provider;
    /**
     * Optional. "managedIdentity": a user-assigned managed identity; "application":
     * an Entra app registration with a service principal, as `azwi serviceaccount create` makes.
     * Defaults to "managedIdentity".
     */
    identityType?: WorkloadIdentityType;
    /** Optional; required for identityType "managedIdentity", unused otherwise. Resource group of the managed identity. */
    resourceGroupName?: pulumi.Input<string>;
    /** Optional; required for identityType "managedIdentity", unused otherwise. Azure region of the managed identity. */
    location?: pulumi.Input<string>;
    /**
     * Optional. Name of the managed identity (3 to 128 letters, digits, '-' or
     * '_', starting with a letter or digit), or display name of the app
     * registration. Defaults to managedIdentityName(<component name>), "id-<name>".
     */
    identityName?: string;
    /** Required. Tenant of the identity, for the azure.workload.identity/tenant-id annotation. */
    tenantId: pulumi.Input<string>;
    /**
     * Optional. Lifetime of the projected service-account token in seconds,
     * 3600 to 86400 (azure.workload.identity/service-account-token-expiration).
     * Defaults to unset: the webhook's default of 3600.
     */
    tokenExpirationSeconds?: number;
    /**
     * Optional. More service accounts the same identity trusts, e.g. the same
     * workload on a second cluster during a blue/green migration. Only the
     * federated credentials are created; the service account there is created
     * by whoever manages that cluster. With the service account's own
     * credential, at most 20 (MAX_FEDERATED_CREDENTIALS). Defaults to none.
     */
    additionalFederations?: WorkloadFederation[];
    /** Optional. Azure roles for the workload, assigned to its identity with principalType "ServicePrincipal". Defaults to none. */
    roleAssignments?: WorkloadRoleAssignment[];
    /** Optional; identityType "application" only. Object ids of the owners of the app registration and its service principal. Defaults to none. */
    applicationOwners?: pulumi.Input<string>[];
    /**
     * Optional. Labels of the namespace (when created) and the service account,
     * in addition to app.kubernetes.io/managed-by: pulumi, which the component
     * sets and which cannot be overridden. Defaults to none.
     */
    labels?: Record<string, string>;
    /** Optional; identityType "managedIdentity" only (Entra app registrations carry no Azure tags). Azure tags of the managed identity. Defaults to none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A federated credential to create: the service account's own (first) or an additional one. */
interface Federation {
    /** The argument key it came from, for error messages. */
    key: string;
    issuerUrl: pulumi.Input<string>;
    namespace: string;
    serviceAccountName: string;
    name: string;
    subject: string;
}

/**
 * A Kubernetes service account that Azure trusts through the cluster's OIDC
 * issuer: pods that use it and carry the label azure.workload.identity/use: "true"
 * get Entra ID tokens from the workload identity webhook, with no secret.
 *
 * Creates the Azure identity (managed identity or app registration), one
 * federated credential per trusted service account, the optional role
 * assignments, the namespace (unless told it exists) and the annotated
 * service account. Needs only an issuer URL and a Kubernetes provider, so it
 * works against a cluster that another stack created.
 *
 * Order: the service account is created last, after every federated
 * credential and role assignment, and deleted first. A Deployment that
 * depends on this component (or on its serviceAccountName output) therefore
 * never starts a pod whose token exchange Entra ID cannot honour yet
 * (a new credential still takes a few seconds to propagate, per
 * learn.microsoft.com/azure/aks/workload-identity-overview, "Limitations").
 */
export class WorkloadIdentityServiceAccount extends pulumi.ComponentResource {
    /** Client id of the identity: the value of the azure.workload.identity/client-id annotation. */
    public readonly clientId: pulumi.Output<string>;
    /** Object id of the identity's service principal, the principal of its role assignments. */
    public readonly principalId: pulumi.Output<string>;
    /** ARM resource id of the managed identity, or the app registration's resource id (/applications/<object id>). */
    public readonly identityResourceId: pulumi.Output<string>;
    /** Namespace of the service account, once the service account exists. */
    public readonly namespace: pulumi.Output<string>;
    /** Name of the service account, once it exists. */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** Subjects of all federated credentials of the identity, the service account's own first. */
    public readonly subjects: pulumi.Output<string[]>;
    /** Pod template fields for a workload using the service account: the use label and serviceAccountName. */
    public readonly podTemplateSnippet: pulumi.Output<PodTemplateSnippet>;
    /** The same as YAML to paste under a Deployment's spec.template. */
    public readonly podTemplateSnippetYaml: pulumi.Output<string>;

    constructor(name: string, args: WorkloadIdentityServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:workload:WorkloadIdentityServiceAccount", name, {}, opts);

        const identityType = args.identityType ?? "managedIdentity";
        const createNamespace = args.createNamespace ?? true;
        const identityName = args.identityName ?? managedIdentityName(name);
        const roleAssignments = args.roleAssignments ?? [];
        const labels = args.labels ?? {};

        const problems = new ArgumentProblems("WorkloadIdentityServiceAccount", name);
        if (args.namespaceResource && createNamespace) {
            problems.add("namespaceResource is set and createNamespace is true: set createNamespace false when the namespace is created elsewhere");
        }
        if (!(WORKLOAD_IDENTITY_TYPES as readonly string[]).includes(identityType)) {
            problems.fail("identityType", identityType, `must be one of ${WORKLOAD_IDENTITY_TYPES.join(", ")}`);
        }
        const federations = this.federations(args, problems);
        if (identityType === "managedIdentity") {
            if (args.resourceGroupName === undefined) {
                problems.add('resourceGroupName is missing: it is required when identityType is "managedIdentity"');
            }
            if (args.location === undefined) {
                problems.add('location is missing: it is required when identityType is "managedIdentity"');
            }
            problems.check("identityName", identityName, managedIdentityNameRule);
            if (args.applicationOwners !== undefined) {
                problems.add('applicationOwners is set: it applies only to identityType "application"');
            }
        } else if (args.tags !== undefined) {
            problems.add('tags is set: it applies only to identityType "managedIdentity"; Entra app registrations carry no Azure tags');
        }
        if (args.tokenExpirationSeconds !== undefined) {
            problems.check("tokenExpirationSeconds", args.tokenExpirationSeconds, tokenExpirationRule);
        }
        labelsProblems(labels).forEach((p) => problems.add(p));
        const roleKeys = this.roleKeys(roleAssignments, problems);
        problems.throwIfAny(this);

        // The Azure identity and its federated credentials.
        let credentials: pulumi.Resource[];
        if (identityType === "managedIdentity") {
            const identity = new managedidentity.UserAssignedIdentity(
                `${name}-identity`,
                { resourceName: identityName, resourceGroupName: args.resourceGroupName!, location: args.location, tags: args.tags },
                { parent: this },
            );
            // Azure refuses concurrent federated-credential writes on one managed
            // identity (409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity;
            // learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations,
            // "Concurrent updates aren't supported"), and the azure-native provider
            // does not serialise them (github.com/pulumi/pulumi-azure-native/issues/4343):
            // each credential waits for the previous one, on create and, in reverse, on delete.
            let previous: managedidentity.FederatedIdentityCredential | undefined;
            credentials = federations.map((f) => {
                previous = new managedidentity.FederatedIdentityCredential(
                    `${name}-fic-${f.name}`,
                    {
                        resourceGroupName: args.resourceGroupName!,
                        resourceName: identity.name,
                        federatedIdentityCredentialResourceName: f.name,
                        issuer: f.issuerUrl,
                        subject: f.subject,
                        audiences: [TOKEN_EXCHANGE_AUDIENCE],
                    },
                    // The issuer+subject pair is unique per identity: a replacement must delete first.
                    { parent: this, deleteBeforeReplace: true, dependsOn: previous },
                );
                return previous;
            });
            this.clientId = identity.clientId;
            this.principalId = identity.principalId;
            this.identityResourceId = identity.id;
        } else {
            const application = new azuread.Application(
                `${name}-app`,
                { displayName: identityName, owners: args.applicationOwners },
                { parent: this },
            );
            const servicePrincipal = new azuread.ServicePrincipal(
                `${name}-sp`,
                { clientId: application.clientId, owners: args.applicationOwners },
                { parent: this },
            );
            // The documented ban on concurrent writes concerns managed identities only;
            // an application's credentials are created side by side.
            credentials = federations.map(
                (f) =>
                    new azuread.ApplicationFederatedIdentityCredential(
                        `${name}-fic-${f.name}`,
                        {
                            applicationId: application.id,
                            displayName: f.name,
                            issuer: f.issuerUrl,
                            subject: f.subject,
                            audiences: [TOKEN_EXCHANGE_AUDIENCE],
                        },
                        { parent: this, deleteBeforeReplace: true },
                    ),
            );
            this.clientId = application.clientId;
            this.principalId = servicePrincipal.objectId;
            this.identityResourceId = application.id;
        }

        const roles = roleAssignments.map((r, i) =>
            assignRole(
                `${name}-role-${roleKeys[i]}`,
                r.scope,
                {
                    roleDefinitionIdOrName: r.roleDefinitionIdOrName,
                    principalId: this.principalId,
                    principalType: "ServicePrincipal",
                    description: r.description,
                },
                { parent: this },
            ),
        );

        // The Kubernetes objects, all through the caller's provider.
        const provider = args.kubernetesProvider;
        const objectLabels = workloadLabels(labels);
        const namespace = createNamespace
            ? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: args.namespace, labels: objectLabels } }, { parent: this, provider })
            : args.namespaceResource;
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-service-account`,
            {
                metadata: {
                    name: args.serviceAccountName,
                    namespace: namespace
                        ? namespace.metadata.name.apply((n) => {
                              if (n !== args.namespace) {
                                  const mismatch = `namespaceResource is named "${n}" but namespace is "${args.namespace}": they must be equal`;
                                  throw new pulumi.ResourceError(invalidArgumentsMessage("WorkloadIdentityServiceAccount", name, [mismatch]), this);
                              }
                              return n;
                          })
                        : args.namespace,
                    labels: objectLabels,
                    annotations: workloadIdentityAnnotations<pulumi.Input<string>>(this.clientId, args.tenantId, args.tokenExpirationSeconds),
                },
            },
            { parent: this, provider, dependsOn: [...credentials, ...roles] },
        );

        this.namespace = serviceAccount.metadata.namespace;
        this.serviceAccountName = serviceAccount.metadata.name;
        this.subjects = pulumi.output(federations.map((f) => f.subject));
        this.podTemplateSnippet = this.serviceAccountName.apply(podTemplateSnippet);
        this.podTemplateSnippetYaml = pulumi.all([this.namespace, this.serviceAccountName]).apply(([ns, sa]) => podTemplateSnippetYaml(ns, sa));

        this.registerOutputs({
            clientId: this.clientId,
            principalId: this.principalId,
            identityResourceId: this.identityResourceId,
            namespace: this.namespace,
            serviceAccountName: this.serviceAccountName,
            subjects: this.subjects,
            podTemplateSnippet: this.podTemplateSnippet,
            podTemplateSnippetYaml: this.podTemplateSnippetYaml,
        });
    }

    /** The service account's own federation and the additional ones, validated, named and with their subjects. */
    private federations(args: WorkloadIdentityServiceAccountArgs, problems: ArgumentProblems): Federation[] {
        const check = (key: string, value: string, rule: (v: string) => string | undefined) => problems.check(key, value, rule);
        check("namespace", args.namespace, dnsLabelRule);
        check("serviceAccountName", args.serviceAccountName, dnsSubdomainRule);
        const additional = args.additionalFederations ?? [];
        if (additional.length + 1 > MAX_FEDERATED_CREDENTIALS) {
            problems.add(
                `additionalFederations has ${additional.length} entries: with the service account's own credential the identity would hold ${additional.length + 1} federated credentials; Entra ID allows at most ${MAX_FEDERATED_CREDENTIALS} per application or user-assigned managed identity`,
            );
        }
        const out: Federation[] = [
            {
                key: "the service account's own credential",
                issuerUrl: args.issuerUrl,
                namespace: args.namespace,
                serviceAccountName: args.serviceAccountName,
                name: federatedCredentialName(args.namespace, args.serviceAccountName),
                subject: serviceAccountSubject(args.namespace, args.serviceAccountName),
            },
        ];
        additional.forEach((a, i) => {
            const key = `additionalFederations[${i}]`;
            check(`${key}.namespace`, a.namespace, dnsLabelRule);
            check(`${key}.serviceAccountName`, a.serviceAccountName, dnsSubdomainRule);
            if (a.name !== undefined) {
                check(`${key}.name`, a.name, federatedCredentialNameRule);
            }
            out.push({
                key,
                issuerUrl: a.issuerUrl,
                namespace: a.namespace,
                serviceAccountName: a.serviceAccountName,
                name: a.name ?? federatedCredentialName(a.namespace, a.serviceAccountName),
                subject: serviceAccountSubject(a.namespace, a.serviceAccountName),
            });
        });
        out.forEach((f, i) => {
            const issuerKey = i === 0 ? "issuerUrl" : `${f.key}.issuerUrl`;
            if (typeof f.issuerUrl === "string") {
                check(issuerKey, f.issuerUrl, issuerUrlRule);
            }
            const clash = out.slice(0, i).find((g) => g.name === f.name);
            if (clash) {
                const given = additional[i - 1].name !== undefined;
                problems.add(
                    `${f.key}.name is ${given ? JSON.stringify(f.name) : `missing (defaults to "${f.name}")`}: ${clash.key} already has that federated credential name; give this credential its own name, for example after its cluster`,
                );
            }
            // Issuers are comparable here when given as text or as the same Output;
            // Entra ID refuses other duplicates itself ("Issuer and subject combination already exists").
            const duplicate = out.slice(0, i).find((g) => g.subject === f.subject && g.issuerUrl === f.issuerUrl);
            if (duplicate) {
                problems.fail(
                    f.key,
                    { namespace: f.namespace, serviceAccountName: f.serviceAccountName },
                    `has the same issuer and subject as ${duplicate.key}; Entra ID requires each issuer and subject pair to be unique per identity`,
                );
            }
        });
        return out;
    }

    /** Validated roles, each with the key of its Pulumi name. */
    private roleKeys(roleAssignments: WorkloadRoleAssignment[], problems: ArgumentProblems): string[] {
        const perRole = new Map<string, number>();
        const keys: string[] = [];
        roleAssignments.forEach((r, i) => {
            if (!problems.check(`roleAssignments[${i}].roleDefinitionIdOrName`, r.roleDefinitionIdOrName, grantableRoleRule)) {
                keys.push("");
                return;
            }
            const roleId = resolveRoleId(r.roleDefinitionIdOrName);
            const scope = typeof r.scope === "string" ? r.scope : undefined;
            const occurrence = perRole.get(roleId) ?? 0;
            if (scope === undefined) {
                perRole.set(roleId, occurrence + 1);
            }
            const roleKey = roleAssignmentKey(roleId, scope, occurrence);
            if (keys.includes(roleKey)) {
                problems.fail(`roleAssignments[${i}]`, { roleDefinitionIdOrName: r.roleDefinitionIdOrName, scope }, `assigns role ${roleId} at the same scope as roleAssignments[${keys.indexOf(roleKey)}]`);
            }
            keys.push(roleKey);
        });
        return keys;
    }
}
