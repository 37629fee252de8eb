import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { ArgumentProblems } from "./argumentProblems";
import { GitHubActionsRepository } from "./gitHubActionsIdentity";
import { GITHUB_OIDC_ISSUER } from "./githubConstants";
import { ResolvedAppRole } from "./graphAppRoles";
import { MAX_FEDERATED_CREDENTIALS, TOKEN_EXCHANGE_AUDIENCE } from "./microsoftConstants";
import { rbacAdministratorConditionRule } from "./rbacCondition";
import { assignRole, BUILT_IN_ROLES, resolveRoleId, roleNameOf } from "./roles";
import {
    githubCredentialName,
    GitHubSubjectFormat,
    GitHubSubjectTemplate,
    githubSubject,
    GitHubTrigger,
    githubTriggerProblems,
    SUBJECT_FORMATS,
    subjectTemplateProblems,
} from "./subjects";

/** What a pipeline identity is in Entra ID: a user-assigned managed identity (no directory role needed to create it) or an app registration. */
export const PIPELINE_IDENTITY_KINDS = ["managedIdentity", "application"] as const;
export type PipelineIdentityKind = (typeof PIPELINE_IDENTITY_KINDS)[number];

/** One Azure role of a pipeline identity. */
export interface PipelineRoleAssignment {
    /** Required. A built-in role name from BUILT_IN_ROLES, a role definition GUID or a role definition resource id. Owner and User Access Administrator are refused; Role Based Access Control Administrator needs a safe condition. */
    roleDefinitionIdOrName: string;
    /** Required. The ARM scope: a subscription, resource group or resource id. */
    scope: pulumi.Input<string>;
    /** Optional. ABAC condition (rbacCondition.ts); required for Role Based Access Control Administrator. Defaults to none. */
    condition?: string;
    /** Optional. Shown in the portal. Defaults to none. */
    description?: string;
}

/**
 * Roles a pipeline identity never holds: Owner and User Access Administrator
 * can grant themselves anything; the AKS admin roles bypass Azure RBAC for
 * Kubernetes. Contributor is allowed (it cannot write role assignments), and
 * Role Based Access Control Administrator only under a condition that
 * limits it to non-privileged roles (rbacAdministratorConditionRule).
 */
const NEVER_FOR_PIPELINES: readonly string[] = [
    BUILT_IN_ROLES.Owner,
    BUILT_IN_ROLES["User Access Administrator"],
    BUILT_IN_ROLES["Azure Kubernetes Service Cluster Admin Role"],
    BUILT_IN_ROLES["Azure Kubernetes Service Contributor Role"],
];

/** The rule a pipeline identity's role breaks, phrased to follow `<key> is "<value>": `, or undefined. */
export function pipelineRoleRule(roleDefinitionIdOrName: string, condition: string | undefined): string | undefined {
    let roleId: string;
    try {
        roleId = resolveRoleId(roleDefinitionIdOrName);
    } catch (e) {
        return (e as Error).message.replace(/^role "[^"]*" is /, "is ");
    }
    if (NEVER_FOR_PIPELINES.includes(roleId)) {
        return `is never granted to a pipeline identity (${NEVER_FOR_PIPELINES.map((id) => roleNameOf(id)).join(", ")}): it could grant itself anything or bypass Azure RBAC`;
    }
    if (roleId === BUILT_IN_ROLES["Role Based Access Control Administrator"]) {
        const broken = rbacAdministratorConditionRule(condition);
        return broken ? `Role Based Access Control Administrator ${broken}` : undefined;
    }
    return undefined;
}

export interface PipelineIdentityArgs {
    /** Optional. "managedIdentity" or "application". Defaults to "managedIdentity". */
    kind?: PipelineIdentityKind;
    /** Required. The managed identity's resource name, or the app registration's display name. */
    identityName: string;
    /** Optional. Resource group of the managed identity; required with kind "managedIdentity", refused with "application". */
    resourceGroupName?: pulumi.Input<string>;
    /** Optional. Region of the managed identity; required with kind "managedIdentity", refused with "application". */
    location?: pulumi.Input<string>;
    /** Required. The repository whose workflows may obtain the identity. */
    repository: GitHubActionsRepository;
    /** Optional. "name" or "immutable" (components/subjects.ts); must match the repository's OIDC setting. Defaults to "name". */
    subjectFormat?: GitHubSubjectFormat;
    /** Optional. The repository's custom subject template (GitHub's `include_claim_keys`), as the stack's GitHub check reads it. Defaults to none (GitHub's default template). */
    subjectClaimKeys?: string[];
    /** Optional. The reusable workflow's ref, required when subjectClaimKeys includes "job_workflow_ref". Defaults to none. */
    jobWorkflowRef?: string;
    /** Required. The jobs whose tokens are trusted, one federated credential each (1 to 20, exact, no wildcard). */
    triggers: GitHubTrigger[];
    /** Optional. Azure roles, each at its own scope. Defaults to none. */
    roleAssignments?: PipelineRoleAssignment[];
    /** Optional. Application permissions of an API (graphAppRoles.ts's graphAppRole), granted with admin consent. Defaults to none. */
    appRoles?: ResolvedAppRole[];
    /** Optional. Object ids of the app registration's owners (kind "application" only). Defaults to none. */
    owners?: pulumi.Input<string>[];
    /** Optional. Tags on the managed identity. Defaults to none. */
    tags?: Record<string, pulumi.Input<string>>;
    /** Optional. Resources the role assignments wait for, e.g. the resource group of their scope when it is created alongside. Defaults to none. */
    roleDependsOn?: pulumi.Resource[];
}

/**
 * An identity of this repository's own pipeline (preview or deploy of one
 * environment): a user-assigned managed identity or an app registration, one
 * exact federated credential per trusted GitHub trigger, its Azure roles and
 * its application permissions. No password, no certificate.
 */
export class PipelineIdentity extends pulumi.ComponentResource {
    /** The client id `azure/login` takes. */
    readonly clientId: pulumi.Output<string>;
    /** Object id of the identity's service principal: the principal of its role and app role assignments. */
    readonly principalId: pulumi.Output<string>;
    readonly tenantId: pulumi.Output<string>;
    /** Every trusted subject, in credential order. */
    readonly subjects: pulumi.Output<string[]>;
    /** The subscription of the first role assignment's scope (what `azure/login` selects), or undefined without roles. */
    readonly subscriptionId: pulumi.Output<string | undefined>;

    constructor(name: string, args: PipelineIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:pipeline:PipelineIdentity", name, {}, opts);
        const kind = args.kind ?? "managedIdentity";
        const format = args.subjectFormat ?? "name";
        const roles = args.roleAssignments ?? [];
        const appRoles = args.appRoles ?? [];

        const problems = new ArgumentProblems("PipelineIdentity", name);
        pipelineIdentityProblems(args, kind, format).forEach((p) => problems.add(p));
        problems.throwIfAny(this);

        const repository = args.repository;
        const template = subjectTemplate(args);
        const subjects = args.triggers.map((trigger) =>
            pulumi
                .all([repository.ownerId, repository.repositoryId])
                .apply(([ownerId, repositoryId]) => githubSubject({ owner: repository.owner, name: repository.name, ownerId, repositoryId }, format, trigger, template)),
        );
        const credentialNames = args.triggers.map((t) => githubCredentialName(t, format));

        if (kind === "managedIdentity") {
            const identity = new managedidentity.UserAssignedIdentity(
                `${name}-identity`,
                { resourceName: args.identityName, resourceGroupName: args.resourceGroupName!, location: args.location, tags: args.tags },
                { parent: this },
            );
            // One at a time: Azure refuses concurrent federated-credential writes on one managed identity
            // (learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations), as in WorkloadIdentityServiceAccount.
            let previous: managedidentity.FederatedIdentityCredential | undefined;
            subjects.forEach((subject, i) => {
                previous = new managedidentity.FederatedIdentityCredential(
                    `${name}-${credentialNames[i]}`,
                    {
                        resourceGroupName: args.resourceGroupName!,
                        resourceName: identity.name,
                        federatedIdentityCredentialResourceName: credentialNames[i],
                        issuer: GITHUB_OIDC_ISSUER,
                        subject,
                        audiences: [TOKEN_EXCHANGE_AUDIENCE],
                    },
                    { parent: this, deleteBeforeReplace: true, dependsOn: previous },
                );
            });
            this.clientId = identity.clientId;
            this.principalId = identity.principalId;
            this.tenantId = identity.tenantId;
        } else {
            const application = new azuread.Application(
                `${name}-app`,
                {
                    displayName: args.identityName,
                    description: `Pipeline identity of ${repository.owner}/${repository.name}; federated credentials only, no secret`,
                    signInAudience: "AzureADMyOrg",
                    owners: args.owners,
                },
                { parent: this },
            );
            const servicePrincipal = new azuread.ServicePrincipal(`${name}-sp`, { clientId: application.clientId, owners: args.owners }, { parent: this });
            subjects.forEach(
                (subject, i) =>
                    new azuread.ApplicationFederatedIdentityCredential(
                        `${name}-${credentialNames[i]}`,
                        { applicationId: application.id, displayName: credentialNames[i], issuer: GITHUB_OIDC_ISSUER, subject, audiences: [TOKEN_EXCHANGE_AUDIENCE] },
                        { parent: this, deleteBeforeReplace: true },
                    ),
            );
            this.clientId = application.clientId;
            this.principalId = servicePrincipal.objectId;
            this.tenantId = servicePrincipal.applicationTenantId;
        }

        const assignments = roles.map((r, i) =>
            assignRole(
                `${name}-role-${i}`,
                r.scope,
                { roleDefinitionIdOrName: r.roleDefinitionIdOrName, principalId: this.principalId, principalType: "ServicePrincipal", description: r.description, condition: r.condition },
                { parent: this, dependsOn: args.roleDependsOn },
            ),
        );
        for (const role of appRoles) {
            new azuread.AppRoleAssignment(
                `${name}-app-role-${role.value.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
                { appRoleId: role.appRoleId, principalObjectId: this.principalId, resourceObjectId: role.resourceObjectId },
                { parent: this },
            );
        }

        this.subjects = pulumi.all(subjects);
        this.subscriptionId =
            assignments.length > 0 ? assignments[0].scope.apply((s) => /^\/subscriptions\/([^/]+)/i.exec(s)?.[1]) : pulumi.output(undefined);
        this.registerOutputs({
            clientId: this.clientId,
            principalId: this.principalId,
            tenantId: this.tenantId,
            subjects: this.subjects,
            subscriptionId: this.subscriptionId,
        });
    }
}

function subjectTemplate(args: PipelineIdentityArgs): GitHubSubjectTemplate | undefined {
    return args.subjectClaimKeys ? { claimKeys: args.subjectClaimKeys, jobWorkflowRef: args.jobWorkflowRef } : undefined;
}

/** Every problem of a PipelineIdentity's arguments, one message each naming the key, the value and the rule. */
export function pipelineIdentityProblems(args: PipelineIdentityArgs, kind: string, format: string): string[] {
    const problems: string[] = [];
    if (!(PIPELINE_IDENTITY_KINDS as readonly string[]).includes(kind)) {
        problems.push(`kind is ${JSON.stringify(kind)}: must be one of ${PIPELINE_IDENTITY_KINDS.join(", ")}`);
    }
    if (!(SUBJECT_FORMATS as readonly string[]).includes(format)) {
        problems.push(`subjectFormat is ${JSON.stringify(format)}: must be one of ${SUBJECT_FORMATS.join(", ")}`);
    }
    if (kind === "managedIdentity" && (args.resourceGroupName === undefined || args.location === undefined)) {
        problems.push('resourceGroupName and location are required with kind "managedIdentity"');
    }
    if (kind === "application" && (args.resourceGroupName !== undefined || args.location !== undefined)) {
        problems.push('resourceGroupName and location are set with kind "application": an app registration lives in the directory, not in a resource group');
    }
    if (args.triggers.length === 0 || args.triggers.length > MAX_FEDERATED_CREDENTIALS) {
        problems.push(`triggers lists ${args.triggers.length} triggers: must list 1 to ${MAX_FEDERATED_CREDENTIALS} (one federated credential each)`);
    }
    problems.push(...githubTriggerProblems(args.triggers));
    const template = subjectTemplate(args);
    if (template) {
        subjectTemplateProblems(template, args.triggers).forEach((p) => problems.push(`subjectClaimKeys: ${p}`));
    }
    (args.roleAssignments ?? []).forEach((r, i) => {
        const broken = pipelineRoleRule(r.roleDefinitionIdOrName, r.condition);
        if (broken) {
            problems.push(`roleAssignments[${i}].roleDefinitionIdOrName is ${JSON.stringify(r.roleDefinitionIdOrName)}: ${broken}`);
        }
    });
    return problems;
}
