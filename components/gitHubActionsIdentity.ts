import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { ArgumentProblems, invalidArgumentsMessage } from "./argumentProblems";
import { GITHUB_OIDC_ISSUER } from "./githubConstants";
import { MAX_FEDERATED_CREDENTIAL_SUBJECT_LENGTH, MAX_FEDERATED_CREDENTIALS, TOKEN_EXCHANGE_AUDIENCE } from "./microsoftConstants";
import { assignRole, grantableRoleRule, registryDataRole } from "./roles";
import {
    githubCredentialName,
    GitHubSubjectFormat,
    githubSubject,
    GitHubSubjectTemplate,
    GitHubTrigger,
    githubTriggerProblems,
    SUBJECT_FORMATS,
    subjectTemplateProblems,
} from "./subjects";
import { dnsLabelRule, environmentNameRule, githubOwnerRule, githubRepositoryNameRule } from "./validation";

/** The repository whose workflows the identity trusts. */
export interface GitHubActionsRepository {
    /** Required. The owner (user or organisation) exactly as GitHub spells it: Entra ID compares subjects case-sensitively. */
    owner: string;
    /** Required. The repository name exactly as GitHub spells it. */
    name: string;
    /** Optional. GitHub's numeric id of the owner; required for subjectFormat "immutable". */
    ownerId?: pulumi.Input<number>;
    /** Optional. GitHub's numeric id of the repository; required for subjectFormat "immutable". */
    repositoryId?: pulumi.Input<number>;
}

export interface GitHubActionsIdentityArgs {
    /** Required. The repository whose GitHub Actions jobs may sign in. */
    repository: GitHubActionsRepository;
    /**
     * Required. The stack's environment (for example "dev"): part of the app's
     * display name "github-<owner>-<repo>-<environment>" and the default
     * trigger. 1 to 20 lower-case letters, digits or '-', starting with a letter.
     */
    environment: string;
    /**
     * Optional. How the repository is spelled in the trusted subjects: "name"
     * (repo:OWNER/REPO) or "immutable" (repo:OWNER@OWNER_ID/REPO@REPO_ID, which
     * needs repository.ownerId and repository.repositoryId). It must match the
     * repository's OIDC setting on GitHub. Defaults to "name".
     */
    subjectFormat?: GitHubSubjectFormat;
    /**
     * Optional. The repository's custom OIDC subject template, GitHub's
     * `include_claim_keys` in order, when it has one (the stack reads it from
     * GitHub's REST API). Claims: "repo", "context", "environment" and
     * "job_workflow_ref"; "repo" and one of "context" or "environment" are
     * required. Defaults to GitHub's default template (repo, then context).
     */
    subjectClaimKeys?: string[];
    /**
     * Optional. The reusable workflow the trusted jobs run, as GitHub writes
     * the job_workflow_ref claim ("owner/repo/.github/workflows/deploy.yml@refs/heads/main").
     * Required when subjectClaimKeys includes "job_workflow_ref". Defaults to none.
     */
    jobWorkflowRef?: string;
    /**
     * Optional. With subjectFormat "immutable": also keep trusting the
     * name-based subjects, for the window in which the repository's OIDC
     * setting is switched (see docs/immutable-subjects.md). Each trigger then
     * needs two credentials. Defaults to false.
     */
    keepNameSubjects?: boolean;
    /**
     * Optional. The jobs whose tokens are trusted, one federated credential
     * each (at most 20 per app, counting those kept by keepNameSubjects).
     * Names are matched exactly; wildcards are rejected. Defaults to
     * [{ kind: "environment", name: environment }]: jobs that run with
     * `environment: <environment>`.
     */
    triggers?: GitHubTrigger[];
    /** Optional. The registry the workflows push images to. Defaults to none (no registry role). */
    registry?: {
        /** Required. ARM resource id of the Azure Container Registry. */
        resourceId: pulumi.Input<string>;
        /**
         * Optional. True when the registry is in "RBAC Registry + ABAC Repository
         * Permissions" mode, where AcrPush is not honoured: then "Container
         * Registry Repository Writer" is granted instead. Defaults to false.
         */
        abacRepositoryPermissions?: boolean;
    };
    /** Optional. The AKS cluster the workflows deploy to. Defaults to none (no cluster roles). */
    cluster?: {
        /** Required. ARM resource id of the managed cluster (Azure RBAC for Kubernetes authorization enabled). */
        resourceId: pulumi.Input<string>;
        /** Required. The namespaces the workflows may deploy to (RFC 1123 labels, at least one); nothing else in the cluster. */
        namespaces: string[];
        /**
         * Optional. The Azure RBAC Kubernetes role granted in each namespace, by
         * built-in name or role definition id. Owner, Contributor and User
         * Access Administrator are refused. Defaults to "Azure Kubernetes Service RBAC Writer".
         */
        namespaceRole?: string;
    };
    /**
     * Optional. Object ids of the app's and service principal's owners, for
     * example the principal that runs `pulumi up`: a deployer that holds only
     * Application.ReadWrite.OwnedBy must be an owner to manage the app after
     * creating it. Defaults to none.
     */
    owners?: pulumi.Input<string>[];
    /** Optional. Tags on the app registration. Defaults to none. */
    tags?: pulumi.Input<string>[];
    /**
     * Optional. The app registration's service management reference (the
     * service or asset id that some tenants require). Defaults to none.
     */
    serviceManagementReference?: pulumi.Input<string>;
}

/**
 * The identity of a repository's GitHub Actions workflows: an Entra ID app
 * registration, its service principal, and one federated identity credential
 * per trusted trigger, issuer GitHub Actions and audience api://AzureADTokenExchange.
 * It has no password or certificate. Optionally AcrPush on a registry, and
 * the AKS cluster user role plus an Azure RBAC Kubernetes role scoped to the
 * deployment namespaces only.
 */
export class GitHubActionsIdentity extends pulumi.ComponentResource {
    /** The app's client id (application id): what `azure/login` takes as client-id. */
    readonly clientId: pulumi.Output<string>;
    /** Object id of the service principal: the principal of its role assignments. */
    readonly principalId: pulumi.Output<string>;
    /** Object id of the app registration. */
    readonly applicationObjectId: pulumi.Output<string>;
    /** The tenant the app is registered in. */
    readonly tenantId: pulumi.Output<string>;
    /** The app registration's display name. */
    readonly displayName: pulumi.Output<string>;
    /** Every trusted subject, in credential order. */
    readonly subjects: pulumi.Output<string[]>;

    constructor(name: string, args: GitHubActionsIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:github:GitHubActionsIdentity", name, {}, opts);

        const repository = args.repository;
        const format = args.subjectFormat ?? "name";
        const keepNameSubjects = args.keepNameSubjects ?? false;
        const triggers = args.triggers ?? [{ kind: "environment", name: args.environment }];
        const formats: GitHubSubjectFormat[] = format === "immutable" && keepNameSubjects ? ["name", "immutable"] : [format];
        const namespaceRole = args.cluster?.namespaceRole ?? "Azure Kubernetes Service RBAC Writer";
        const template: GitHubSubjectTemplate | undefined = args.subjectClaimKeys ? { claimKeys: args.subjectClaimKeys, jobWorkflowRef: args.jobWorkflowRef } : undefined;

        this.validate(name, args, format, keepNameSubjects, triggers, formats.length, namespaceRole, template);

        const displayName = `github-${repository.owner}-${repository.name}-${args.environment}`;
        const application = new azuread.Application(
            `${name}-app`,
            {
                displayName,
                description: `GitHub Actions workflows of ${repository.owner}/${repository.name} (${args.environment}); federated credentials only, no secret`,
                signInAudience: "AzureADMyOrg",
                owners: args.owners,
                tags: args.tags,
                serviceManagementReference: args.serviceManagementReference,
            },
            { parent: this },
        );
        const servicePrincipal = new azuread.ServicePrincipal(
            `${name}-sp`,
            { clientId: application.clientId, owners: args.owners },
            { parent: this },
        );

        const ids = pulumi.all([repository.ownerId, repository.repositoryId]);
        const credentials = formats.flatMap((f) =>
            triggers.map((trigger) => {
                const credentialName = githubCredentialName(trigger, f);
                const subject = ids.apply(([ownerId, repositoryId]) =>
                    this.subject(name, { owner: repository.owner, name: repository.name, ownerId, repositoryId }, f, trigger, template),
                );
                return new azuread.ApplicationFederatedIdentityCredential(
                    `${name}-${credentialName}`,
                    {
                        applicationId: application.id,
                        displayName: credentialName,
                        description: `GitHub Actions: ${repository.owner}/${repository.name}, ${trigger.kind === "pull_request" ? "pull requests" : `${trigger.kind} ${trigger.name}`}`,
                        issuer: GITHUB_OIDC_ISSUER,
                        audiences: [TOKEN_EXCHANGE_AUDIENCE],
                        subject,
                    },
                    // Issuer and subject are unique per app: the old credential must go before its replacement.
                    { parent: this, deleteBeforeReplace: true },
                );
            }),
        );

        const spec = (roleDefinitionIdOrName: string, description: string) => ({
            roleDefinitionIdOrName,
            principalId: servicePrincipal.objectId,
            principalType: "ServicePrincipal" as const,
            description,
        });
        if (args.registry) {
            const role = registryDataRole("push", args.registry.abacRepositoryPermissions ?? false);
            assignRole(`${name}-registry-push`, args.registry.resourceId, spec(role, `${displayName}: push images`), { parent: this });
        }
        if (args.cluster) {
            const clusterId = args.cluster.resourceId;
            assignRole(
                `${name}-cluster-user`,
                clusterId,
                spec("Azure Kubernetes Service Cluster User Role", `${displayName}: fetch the cluster's user kubeconfig`),
                { parent: this },
            );
            // Scope of a namespace for Azure RBAC for Kubernetes: "<cluster id>/namespaces/<namespace>".
            // Source: learn.microsoft.com/azure/aks/manage-azure-rbac ("--scope $AKS_ID/namespaces/<namespace-name>").
            for (const namespace of args.cluster.namespaces) {
                assignRole(
                    `${name}-deploy-${namespace}`,
                    pulumi.interpolate`${clusterId}/namespaces/${namespace}`,
                    spec(namespaceRole, `${displayName}: deploy to namespace ${namespace}`),
                    { parent: this },
                );
            }
        }

        this.clientId = application.clientId;
        this.principalId = servicePrincipal.objectId;
        this.applicationObjectId = application.objectId;
        this.tenantId = servicePrincipal.applicationTenantId;
        this.displayName = application.displayName;
        this.subjects = pulumi.all(credentials.map((c) => c.subject));
        this.registerOutputs({
            clientId: this.clientId,
            principalId: this.principalId,
            applicationObjectId: this.applicationObjectId,
            tenantId: this.tenantId,
            displayName: this.displayName,
            subjects: this.subjects,
        });
    }

    private subject(
        name: string,
        repo: { owner: string; name: string; ownerId?: number; repositoryId?: number },
        format: GitHubSubjectFormat,
        trigger: GitHubTrigger,
        template: GitHubSubjectTemplate | undefined,
    ): string {
        let subject: string;
        try {
            subject = githubSubject(repo, format, trigger, template);
        } catch (e) {
            throw new pulumi.ResourceError(invalidArgumentsMessage("GitHubActionsIdentity", name, [(e as Error).message]), this);
        }
        if (subject.length > MAX_FEDERATED_CREDENTIAL_SUBJECT_LENGTH) {
            throw new pulumi.ResourceError(
                invalidArgumentsMessage("GitHubActionsIdentity", name, [
                    `subject "${subject}" has ${subject.length} characters: Entra ID allows at most ${MAX_FEDERATED_CREDENTIAL_SUBJECT_LENGTH}`,
                ]),
                this,
            );
        }
        return subject;
    }

    /** Every problem of the arguments in one ResourceError. */
    private validate(
        name: string,
        args: GitHubActionsIdentityArgs,
        format: string,
        keepNameSubjects: boolean,
        triggers: GitHubTrigger[],
        credentialsPerTrigger: number,
        namespaceRole: string,
        template: GitHubSubjectTemplate | undefined,
    ): void {
        const problems = new ArgumentProblems("GitHubActionsIdentity", name);
        const check = (key: string, value: string, rule: (v: string) => string | undefined) => problems.check(key, value, rule);
        check("repository.owner", args.repository.owner, githubOwnerRule);
        check("repository.name", args.repository.name, githubRepositoryNameRule);
        check("environment", args.environment, environmentNameRule);
        if (!(SUBJECT_FORMATS as readonly string[]).includes(format)) {
            problems.add(`subjectFormat is ${JSON.stringify(format)}: must be one of ${SUBJECT_FORMATS.join(", ")}`);
        }
        if (format === "immutable" && (args.repository.ownerId === undefined || args.repository.repositoryId === undefined)) {
            problems.add(
                'subjectFormat is "immutable": it needs repository.ownerId and repository.repositoryId (GitHub\'s numeric ids; look them up through the GitHub provider or set them in config)',
            );
        }
        if (keepNameSubjects && format !== "immutable") {
            problems.add(`keepNameSubjects is true: it only applies with subjectFormat "immutable" (the subject format is "${format}")`);
        }
        if (triggers.length === 0) {
            problems.add("triggers is []: must list at least one trigger, or be left out to trust the environment's jobs");
        }
        githubTriggerProblems(triggers).forEach((p) => problems.add(p));
        const credentialCount = triggers.length * credentialsPerTrigger;
        if (credentialCount > MAX_FEDERATED_CREDENTIALS) {
            problems.add(
                `triggers needs ${credentialCount} federated credentials (${triggers.length} triggers${credentialsPerTrigger > 1 ? ", twice with keepNameSubjects" : ""}): Entra ID allows at most ${MAX_FEDERATED_CREDENTIALS} on one application`,
            );
        }
        if (args.cluster) {
            const namespaces = args.cluster.namespaces;
            if (namespaces.length === 0) {
                problems.add("cluster.namespaces is []: must list at least one namespace to deploy to");
            }
            namespaces.forEach((namespace, i) => {
                check(`cluster.namespaces[${i}]`, namespace, dnsLabelRule);
                if (namespaces.indexOf(namespace) !== i) {
                    problems.add(`cluster.namespaces[${i}] is ${JSON.stringify(namespace)}: is listed twice`);
                }
            });
            check("cluster.namespaceRole", namespaceRole, grantableRoleRule);
        }
        if (template) {
            subjectTemplateProblems(template, triggers).forEach((p) => problems.add(`subjectClaimKeys: ${p}`));
        }
        problems.throwIfAny(this);
    }
}
