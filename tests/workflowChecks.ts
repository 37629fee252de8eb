import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";

/**
 * Checks on GitHub Actions workflow files, as pure functions of the YAML text.
 * Each returns the problems it finds, one message per problem naming the job
 * and the rule; an empty list means the workflow passes.
 */

/** A workflow as YAML gives it; only the keys the checks read are typed. */
export interface Workflow {
    on?: unknown;
    permissions?: unknown;
    env?: Record<string, string>;
    jobs?: Record<string, Job>;
}

export interface Job {
    if?: string;
    environment?: unknown;
    permissions?: unknown;
    concurrency?: unknown;
    steps?: Step[];
}

export interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}

/** Actions that exchange the job's GitHub OIDC token, so need `id-token: write`. */
const OIDC_ACTIONS = ["azure/login", "pulumi/auth-actions"];

/** Inputs that carry a long-lived credential (azure/login `creds`, docker/login `password` ...). */
const CREDENTIAL_INPUTS = ["password", "creds", "client-secret"];

/**
 * The expression that keeps a job off pull requests from forks: GitHub gives
 * those runs no OIDC token and no secrets, so a job that needs either must not run.
 * Source: docs.github.com/actions/learn-github-actions/events-that-trigger-workflows#pull-request-events-for-forked-repositories
 * ("With the exception of GITHUB_TOKEN, secrets are not passed to the runner when a workflow is triggered from a forked repository").
 */
export const FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";

export function parseWorkflow(text: string): Workflow {
    return parse(text) as Workflow;
}

function jobs(workflow: Workflow): [string, Job][] {
    return Object.entries(workflow.jobs ?? {});
}

function actionName(uses: string | undefined): string {
    return (uses ?? "").split("@")[0].toLowerCase();
}

/** The events a workflow runs on, whichever of the three `on:` forms it uses. */
export function triggers(workflow: Workflow): string[] {
    const on = workflow.on;
    if (typeof on === "string") {
        return [on];
    }
    if (Array.isArray(on)) {
        return on.map(String);
    }
    return on && typeof on === "object" ? Object.keys(on) : [];
}

/** Errors from GitHub's workflow JSON schema (SchemaStore's, as @action-validator/core embeds it). */
export function schemaProblems(text: string): string[] {
    return validateWorkflow(text).errors.map((e) => `${"path" in e ? e.path : "(parse)"}: ${e.title}${e.detail ? ` (${e.detail})` : ""}`);
}

function permissionOf(permissions: unknown, scope: string): string | undefined {
    if (permissions && typeof permissions === "object") {
        const value = (permissions as Record<string, unknown>)[scope];
        return typeof value === "string" ? value : undefined;
    }
    return undefined;
}

/** Every job that uses an OIDC action grants itself `id-token: write`. */
export function idTokenProblems(workflow: Workflow): string[] {
    return jobs(workflow)
        .filter(([, job]) => (job.steps ?? []).some((s) => OIDC_ACTIONS.includes(actionName(s.uses))))
        .filter(([, job]) => permissionOf(job.permissions, "id-token") !== "write")
        .map(([name]) => `job "${name}" logs in with OIDC but does not grant itself "id-token: write"`);
}

/**
 * The workflow-level token is read-only (`contents: read` at most), and no job
 * asks for the blanket `write-all` / `read-all`; jobs add what they need.
 */
export function permissionProblems(workflow: Workflow): string[] {
    const problems: string[] = [];
    const top = workflow.permissions;
    if (top === undefined) {
        problems.push('the workflow sets no top-level "permissions", so jobs get the repository\'s default token');
    } else if (typeof top === "string") {
        problems.push(`the top-level "permissions" is "${top}"; list the scopes instead (contents: read)`);
    } else if (top && typeof top === "object") {
        for (const [scope, level] of Object.entries(top as Record<string, unknown>)) {
            if (!(scope === "contents" && level === "read")) {
                problems.push(`the top-level "permissions" grants "${scope}: ${String(level)}"; grant it in the job that needs it`);
            }
        }
    }
    for (const [name, job] of jobs(workflow)) {
        if (typeof job.permissions === "string") {
            problems.push(`job "${name}" has "permissions: ${job.permissions}"; list the scopes it needs`);
        }
    }
    return problems;
}

/** No long-lived credential: no `password`/`creds`/`client-secret` input, no `docker login`, no admin credentials. */
export function credentialProblems(workflow: Workflow): string[] {
    const problems: string[] = [];
    for (const [name, job] of jobs(workflow)) {
        for (const step of job.steps ?? []) {
            for (const input of Object.keys(step.with ?? {})) {
                if (CREDENTIAL_INPUTS.includes(input.toLowerCase())) {
                    problems.push(`job "${name}" passes the credential input "${input}" to ${step.uses ?? "a step"}`);
                }
            }
            const run = step.run ?? "";
            if (/\bdocker\s+login\b/.test(run)) {
                problems.push(`job "${name}" runs "docker login"; use "az acr login" with the job's Entra token`);
            }
            if (/--admin\b/.test(run)) {
                problems.push(`job "${name}" asks for admin credentials ("--admin")`);
            }
        }
    }
    return problems;
}

/** `pull_request_target` runs a fork's code with this repository's secrets: never used. */
export function pullRequestTargetProblems(workflow: Workflow): string[] {
    return triggers(workflow).includes("pull_request_target")
        ? ['the workflow runs on "pull_request_target", which hands this repository\'s secrets to code from forks']
        : [];
}

function usesSecretsOrOidc(job: Job): boolean {
    return permissionOf(job.permissions, "id-token") === "write" || /\bsecrets\./.test(JSON.stringify(job.steps ?? []));
}

/**
 * In a workflow that pull requests trigger, every job that reads a secret or
 * an OIDC token carries the fork guard in its `if:`.
 */
export function forkGuardProblems(workflow: Workflow): string[] {
    if (!triggers(workflow).includes("pull_request")) {
        return [];
    }
    return jobs(workflow)
        .filter(([, job]) => usesSecretsOrOidc(job) && !(job.if ?? "").includes(FORK_GUARD))
        .map(([name]) => `job "${name}" reads secrets or an OIDC token on pull requests but lacks the fork guard "if: ${FORK_GUARD}"`);
}

/** Names used as `<context>.NAME` anywhere in the text (`secrets.AZURE_CLIENT_ID`, `vars.AKS_CLUSTER_NAME`). */
export function contextNames(text: string, context: "secrets" | "vars"): string[] {
    const names = new Set<string>();
    for (const match of text.matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_]*)`, "g"))) {
        names.add(match[1]);
    }
    return [...names].sort();
}

/** The workflow reads exactly the expected secrets and variables: none missing, none extra. */
export function nameProblems(text: string, expectedSecrets: readonly string[], expectedVariables: readonly string[]): string[] {
    const problems: string[] = [];
    for (const [context, expected] of [
        ["secrets", expectedSecrets],
        ["vars", expectedVariables],
    ] as const) {
        const used = contextNames(text, context);
        for (const name of expected.filter((n) => !used.includes(n))) {
            problems.push(`${context}.${name} is written by the stack but never read by the workflow`);
        }
        for (const name of used.filter((n) => !expected.includes(n))) {
            problems.push(`${context}.${name} is read by the workflow but not written by the stack`);
        }
    }
    return problems;
}

/**
 * Every job that runs `pulumi up` holds its stack's concurrency group
 * ("pulumi-<stack>") without cancelling a run in progress, and runs in a
 * GitHub environment (where approvals and the apply identity's secrets live).
 */
export function pulumiUpProblems(workflow: Workflow): string[] {
    const problems: string[] = [];
    for (const [name, job] of jobs(workflow)) {
        for (const step of job.steps ?? []) {
            if (actionName(step.uses) !== "pulumi/actions" || step.with?.command !== "up") {
                continue;
            }
            const stack = String(step.with["stack-name"] ?? "").split("/").pop();
            const concurrency = (job.concurrency ?? {}) as { group?: unknown; "cancel-in-progress"?: unknown };
            if (concurrency.group !== `pulumi-${stack}` || concurrency["cancel-in-progress"] !== false) {
                problems.push(`job "${name}" runs "pulumi up" on ${stack} without "concurrency: { group: pulumi-${stack}, cancel-in-progress: false }"`);
            }
            if (job.environment === undefined) {
                problems.push(`job "${name}" runs "pulumi up" outside a GitHub environment`);
            }
        }
    }
    return problems;
}

/**
 * Every `uses:` of the workflow names an action version in `inputs` (the
 * table of declared inputs, tests/actionInputs.ts), and every `with:` key is
 * one that version declares: GitHub only warns about an unknown input and
 * runs the step without it.
 */
export function actionInputProblems(workflow: Workflow, inputs: Record<string, readonly string[]>): string[] {
    const problems: string[] = [];
    for (const [name, job] of jobs(workflow)) {
        for (const step of job.steps ?? []) {
            if (!step.uses || step.uses.startsWith("./")) {
                continue;
            }
            const declared = inputs[step.uses];
            if (!declared) {
                problems.push(`job "${name}" uses ${step.uses}, which is not in the table of pinned actions' inputs`);
                continue;
            }
            for (const key of Object.keys(step.with ?? {})) {
                if (!declared.includes(key)) {
                    problems.push(`job "${name}" passes "${key}" to ${step.uses}, which declares no such input`);
                }
            }
        }
    }
    return problems;
}
