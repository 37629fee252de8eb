import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as azuread from "@pulumi/azuread";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { pipelineRoleRule } from "../components/pipelineIdentity";
import { BUILT_IN_ROLES, roleIdOf, roleLabel } from "../components/roles";

/**
 * Policies on who can obtain which identity, run over the bootstrap stack
 * (bootstrap/: the pipeline's own identities of every environment) and the
 * environment stacks alike. They read the stack's federated credentials,
 * role assignments and app role assignments, linked through the engine's
 * property dependencies (a role assignment's principalId comes from the
 * identity's output), so they hold under `pulumi preview` too.
 */

/** The bootstrap's Pulumi project name (bootstrap/Pulumi.yaml). */
export const BOOTSTRAP_PROJECT = "credless-aks-bootstrap";

/** The environment nothing else may reach. */
const PROD = "prod";

/** The project in a URN: urn:pulumi:<stack>::<project>::<type>::<name>. */
export function projectOfUrn(urn: string): string {
    return urn.split("::")[1] ?? "";
}

/**
 * The environment a GitHub subject's job runs in, with this repository's
 * pipeline prefixes taken off ("infra-prod", "infra-prod-plan" -> "prod"),
 * "pull_request" for pull-request subjects, or undefined for other subjects.
 */
export function subjectContext(subject: string): { kind: "environment"; environment: string } | { kind: "pull_request" } | undefined {
    // Anywhere in the subject: a custom template (include_claim_keys) may put other claims before or after the context.
    if (/(?:^|:)pull_request(?::|$)/.test(subject)) {
        return { kind: "pull_request" };
    }
    const match = /(?:^|:)environment:([^:]+)(?::|$)/.exec(subject);
    if (!match) {
        return undefined;
    }
    return { kind: "environment", environment: match[1].replace(/^infra-/, "").replace(/-plan$/, "") };
}

/** Whether one ARM scope contains the other (or they are equal): a role at either reaches resources of the other. */
export function scopesOverlap(a: string, b: string): boolean {
    const x = a.toLowerCase().replace(/\/$/, "");
    const y = b.toLowerCase().replace(/\/$/, "");
    return x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);
}

interface Grant {
    roleId: string;
    scope: string;
    assignment: PolicyResource;
}

/** An identity of the stack with who can obtain it (its GitHub subjects) and what it holds. */
export interface StackIdentity {
    resource: PolicyResource;
    subjects: string[];
    grants: Grant[];
    appRoleAssignments: PolicyResource[];
}

const dependsOn = (resource: PolicyResource, property: string, target: PolicyResource) =>
    (resource.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn);

/** The stack's managed identities and service principals, each with its subjects, role grants and app role assignments. */
export function stackIdentities(resources: PolicyResource[]): StackIdentity[] {
    const identities: StackIdentity[] = [];
    const applications = resources.filter((r) => r.isType(azuread.Application));
    for (const mi of resources.filter((r) => r.isType(managedidentity.UserAssignedIdentity))) {
        const subjects = resources
            .filter((c) => c.isType(managedidentity.FederatedIdentityCredential))
            .filter((c) => dependsOn(c, "resourceName", mi) || (c.props.resourceName === mi.props.resourceName && c.props.resourceGroupName === mi.props.resourceGroupName))
            .map((c) => String(c.props.subject));
        identities.push({ resource: mi, subjects, grants: [], appRoleAssignments: [] });
    }
    for (const sp of resources.filter((r) => r.isType(azuread.ServicePrincipal))) {
        const app = applications.find((a) => dependsOn(sp, "clientId", a));
        const subjects = app
            ? resources
                  .filter((c) => c.isType(azuread.ApplicationFederatedIdentityCredential) && dependsOn(c, "applicationId", app))
                  .map((c) => String(c.props.subject))
            : [];
        identities.push({ resource: sp, subjects, grants: [], appRoleAssignments: [] });
    }
    for (const ra of resources.filter((r) => r.isType(authorization.RoleAssignment))) {
        const holder = identities.find((i) => dependsOn(ra, "principalId", i.resource));
        holder?.grants.push({ roleId: roleIdOf(String(ra.props.roleDefinitionId)), scope: String(ra.props.scope), assignment: ra });
    }
    for (const ara of resources.filter((r) => r.isType(azuread.AppRoleAssignment))) {
        identities.find((i) => dependsOn(ara, "principalObjectId", i.resource))?.appRoleAssignments.push(ara);
    }
    return identities;
}

const pipelineRoleLimits: ResourceValidationPolicy = {
    name: "pipeline-identity-role-limits",
    description:
        "In the bootstrap (the pipeline's own identities), no identity holds Owner, User Access Administrator or the AKS admin roles, and Role Based Access Control Administrator only under a condition that limits both writes and deletes to non-privileged roles. (Environment stacks grant none of these at all: no-privileged-role-assignments.)",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(authorization.RoleAssignment, (assignment, args, report) => {
        if (projectOfUrn(args.urn) !== BOOTSTRAP_PROJECT) {
            return;
        }
        const roleId = roleIdOf(assignment.roleDefinitionId);
        const broken = pipelineRoleRule(roleId, assignment.condition);
        if (broken) {
            report(`${roleLabel(roleId)} at ${JSON.stringify(assignment.scope)} ${broken}`);
        }
    }),
};

const prodIsolation: StackValidationPolicy = {
    name: "pipeline-prod-isolation",
    description:
        "No identity that a pull request or a job in a non-prod GitHub environment can obtain holds a role whose scope contains, or lies within, a scope of an identity that prod's environments obtain. One identity for two environments, or a dev role on prod's subscription, fails.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const identities = stackIdentities(args.resources);
        const contexts = (i: StackIdentity) => i.subjects.map(subjectContext);
        const prodScopes = identities
            .filter((i) => contexts(i).some((c) => c?.kind === "environment" && c.environment === PROD))
            .flatMap((i) => i.grants.map((g) => g.scope));
        for (const identity of identities) {
            const outside = contexts(identity).find((c) => c?.kind === "pull_request" || (c?.kind === "environment" && c.environment !== PROD));
            if (!outside) {
                continue;
            }
            const who = outside.kind === "pull_request" ? "pull requests" : `jobs in the non-prod environment "${outside.environment}"`;
            for (const grant of identity.grants) {
                const prodScope = prodScopes.find((s) => scopesOverlap(s, grant.scope));
                if (prodScope !== undefined) {
                    report(
                        `${identity.resource.name} can be obtained by ${who} and holds ${roleLabel(grant.roleId)} at ${JSON.stringify(grant.scope)}, which overlaps prod's scope ${JSON.stringify(prodScope)}: give each environment its own identity and scope`,
                        grant.assignment.urn,
                    );
                }
            }
        }
    },
};

/** Roles that make an identity an apply-time one: they write resources or access, or read the pipeline's GitHub App key. */
const APPLY_ROLE_IDS: readonly string[] = [
    BUILT_IN_ROLES.Owner,
    BUILT_IN_ROLES.Contributor,
    BUILT_IN_ROLES["User Access Administrator"],
    BUILT_IN_ROLES["Role Based Access Control Administrator"],
    BUILT_IN_ROLES["Key Vault Secrets User"],
];

const applyNotFromPullRequests: StackValidationPolicy = {
    name: "pipeline-apply-not-pull-request",
    description:
        "No identity that holds Owner, Contributor, User Access Administrator, Role Based Access Control Administrator, Key Vault Secrets User or an application permission (an app role assignment such as Microsoft Graph's Application.ReadWrite.OwnedBy) is trusted by a pull_request subject: any branch can open a pull request.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const identity of stackIdentities(args.resources)) {
            const pullRequest = identity.subjects.find((s) => subjectContext(s)?.kind === "pull_request");
            if (!pullRequest) {
                continue;
            }
            const grant = identity.grants.find((g) => APPLY_ROLE_IDS.includes(g.roleId));
            if (grant) {
                report(`${identity.resource.name} holds ${roleLabel(grant.roleId)} at ${JSON.stringify(grant.scope)} and is trusted by ${JSON.stringify(pullRequest)}: an apply-time identity trusts only its protected environment`, grant.assignment.urn);
            }
            if (identity.appRoleAssignments.length > 0) {
                report(`${identity.resource.name} holds an application permission and is trusted by ${JSON.stringify(pullRequest)}: an apply-time identity trusts only its protected environment`, identity.appRoleAssignments[0].urn);
            }
        }
    },
};

const pulumiCloudAdvisory: StackValidationPolicy = {
    name: "pipeline-pulumi-cloud-tokens",
    description:
        "Advisory, bootstrap only: the bootstrap manages no Pulumi Cloud access (credless-aks-bootstrap:pulumiCloud is unset), so previews and deploys request organization tokens, which can read every stack's state, unless the OIDC issuer and its policies are set by hand (docs/ci-identity.md).",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        if (!args.resources.some((r) => projectOfUrn(r.urn) === BOOTSTRAP_PROJECT)) {
            args.notApplicable("not the bootstrap stack");
        }
        if (!args.resources.some((r) => r.type.startsWith("pulumiservice:"))) {
            report(
                "Pulumi Cloud is not managed by the bootstrap (credless-aks-bootstrap:pulumiCloud is unset): the workflows request organization tokens, which can read every stack's state; set pulumiCloud.organization (an edition with teams) or configure the OIDC issuer by hand (docs/ci-identity.md, \"Pulumi Cloud\")",
            );
        }
    },
};

export const pipelinePolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [pipelineRoleLimits, prodIsolation, applyNotFromPullRequests, pulumiCloudAdvisory];
