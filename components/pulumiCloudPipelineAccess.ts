import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { ArgumentProblems } from "./argumentProblems";
import { GITHUB_OIDC_ISSUER } from "./githubConstants";
import { infraEnvironmentName, infraPlanEnvironmentName } from "./pipelineNames";

/** One environment's pipeline subjects and the stack they may use. */
export interface PulumiCloudEnvironmentAccess {
    /** Required. The environment ("dev"), which is also the stack's name in `project`. */
    environment: string;
    /** Required. The GitHub subject of the plan-time jobs (infra-<env>-plan): they get a token that can only read this stack. */
    planSubject: pulumi.Input<string>;
    /** Required. The GitHub subject of the apply-time jobs (infra-<env>): they get a token that can write this stack only. */
    applySubject: pulumi.Input<string>;
}

export interface PulumiCloudPipelineAccessArgs {
    /** Required. The Pulumi Cloud organization. */
    organization: string;
    /** Required. The Pulumi project whose stacks the pipeline runs ("credless-aks"). */
    project: string;
    /** Required. One entry per environment. */
    environments: PulumiCloudEnvironmentAccess[];
}

/** The rule of a Pulumi Cloud organization name, for the component's argument and the bootstrap's config alike. */
export function pulumiOrganizationRule(value: string): string | undefined {
    return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/.test(value) ? undefined : "must be a Pulumi Cloud organization name";
}

/**
 * The audience GitHub's OIDC token must carry for Pulumi Cloud.
 * Source: pulumi.com/docs/administration/access-identity/oidc-issuers/github ("urn:pulumi:org:<org name>").
 */
export function pulumiAudience(organization: string): string {
    return `urn:pulumi:org:${organization}`;
}

/** The team whose token a job of `environment` gets, for "preview" or "deploy". */
export function pulumiTeamName(project: string, environment: string, purpose: "preview" | "deploy"): string {
    return `${project}-${environment}-${purpose}`;
}

/**
 * Pulumi Cloud access of the pipeline, without an access token stored
 * anywhere: GitHub's OIDC issuer registered in the organization, and per
 * environment two teams, one that may read that environment's stack
 * (previews) and one that may edit it (deploys), each handed out only to
 * its exact GitHub subject as a team token. No organization token.
 * Sources: pulumi.com/docs/administration/access-identity/oidc-issuers/github (policies:
 * token type, team name, rules on "sub" and "aud"); @pulumi/pulumiservice 1.3.0
 * (OidcIssuer.policies, Team, TeamStackPermission with TeamStackPermissionScope Read 101 / Edit 102).
 * Team tokens need an edition with teams (Enterprise or Business Critical).
 */
export class PulumiCloudPipelineAccess extends pulumi.ComponentResource {
    /** Per environment, the team names the workflows ask for (`scope: team:<name>`). */
    readonly teams: Record<string, { preview: string; deploy: string }>;

    constructor(name: string, args: PulumiCloudPipelineAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:pipeline:PulumiCloudPipelineAccess", name, {}, opts);
        const problems = new ArgumentProblems("PulumiCloudPipelineAccess", name);
        problems.check("organization", args.organization, pulumiOrganizationRule);
        if (args.environments.length === 0) {
            problems.add("environments is []: list at least one environment");
        }
        problems.throwIfAny(this);

        const audience = pulumiAudience(args.organization);
        const policies: pulumi.Input<pulumiservice.types.input.AuthPolicyDefinitionArgs>[] = [];
        const teams: Record<string, { preview: string; deploy: string }> = {};
        for (const e of args.environments) {
            const names = { preview: pulumiTeamName(args.project, e.environment, "preview"), deploy: pulumiTeamName(args.project, e.environment, "deploy") };
            teams[e.environment] = names;
            for (const [purpose, scope, subject] of [
                ["preview", pulumiservice.TeamStackPermissionScope.Read, e.planSubject],
                ["deploy", pulumiservice.TeamStackPermissionScope.Edit, e.applySubject],
            ] as const) {
                const team = new pulumiservice.Team(
                    `${name}-${e.environment}-${purpose}`,
                    {
                        organizationName: args.organization,
                        teamType: "pulumi",
                        name: names[purpose],
                        description: `${purpose === "preview" ? "Reads" : "Edits"} stack ${args.project}/${e.environment}; its token goes only to ${purpose === "preview" ? infraPlanEnvironmentName(e.environment) : infraEnvironmentName(e.environment)} jobs`,
                    },
                    { parent: this },
                );
                new pulumiservice.TeamStackPermission(
                    `${name}-${e.environment}-${purpose}-stack`,
                    { organization: args.organization, project: args.project, stack: e.environment, team: team.name.apply((n) => n ?? names[purpose]), permission: scope },
                    { parent: this },
                );
                policies.push({
                    decision: pulumiservice.AuthPolicyDecision.Allow,
                    tokenType: pulumiservice.AuthPolicyTokenType.Team,
                    teamName: names[purpose],
                    rules: { sub: subject, aud: audience },
                });
            }
        }
        new pulumiservice.OidcIssuer(
            `${name}-github`,
            { organization: args.organization, name: "github-actions", url: GITHUB_OIDC_ISSUER, policies },
            { parent: this },
        );
        this.teams = teams;
        this.registerOutputs({ teams });
    }
}
