/**
 * The GitHub side of the stack, settled before any resource is registered:
 * how GitHub spells the repository and its ids, the subjects GitHub will put
 * into the tokens (detected, not assumed), and whether the repository can
 * have the environment the secrets go to. resolveGitHub is pure; checkGitHub
 * asks GitHub's REST API where a token is at hand.
 */
import { githubSpellingProblem } from "../components/githubProvider";
import { GitHubSubjectFormat, githubSubject, parseSubjectClaimPrefix, subjectTemplateProblems } from "../components/subjects";
import { ConfigError, GitHubConfig } from "./config";
import {
    GitHubApiError,
    gitHubGet,
    GitHubGet,
    GitHubRepositoryFacts,
    OidcSubjectCustomization,
    readOrganizationClaimKeys,
    readOwnerPlan,
    readRepository,
    readSubjectCustomization,
} from "./githubApi";

/** What the stack builds its GitHub trust from: plain values, handed to the components. */
export interface ResolvedGitHub {
    /** "owner/name" exactly as GitHub spells it (as configured when GitHub was not asked). */
    fullName: string;
    subjectFormat: GitHubSubjectFormat;
    /** The repository's custom subject template; undefined for GitHub's default. */
    subjectClaimKeys?: string[];
    ownerId?: number;
    repositoryId?: number;
}

/** What GitHub's REST API said about the repository. */
export interface GitHubObservation {
    repository: GitHubRepositoryFacts;
    subject: OidcSubjectCustomization;
    /** The organization's template, when the repository defers to it; "unreadable" when the token may not read it. */
    organizationClaimKeys?: string[] | "unreadable";
    /** The owner's plan name, when the token may see it. */
    plan?: string;
}

const KEY = "credless-aks:github";

/** Plan names under which a private repository has no environments at all. Source: see environmentProblems. */
const NO_PRIVATE_ENVIRONMENTS = ["free"];
/** Plan names under which a private repository's environments have no required reviewers. */
const NO_PRIVATE_REVIEWERS = ["free", "pro", "team"];

/**
 * Environments of private repositories: "For access to environments,
 * environment secrets, and deployment branches in private or internal
 * repositories, you must use GitHub Pro, GitHub Team, or GitHub Enterprise.
 * If you are on a GitHub Free, GitHub Pro, or GitHub Team plan, other
 * deployment protection rules, such as a wait timer or required reviewers,
 * are only available for public repositories."
 * Source: docs.github.com/actions/deployment/targeting-different-environments/managing-environments-for-deployment
 * (internal repositories exist only under GitHub Enterprise).
 */
function environmentChecks(config: GitHubConfig, observed: GitHubObservation): { problems: string[]; warnings: string[] } {
    const repo = observed.repository;
    if (config.secretsScope !== "environment" || repo.visibility !== "private" || repo.enterprise) {
        return { problems: [], warnings: [] };
    }
    const reviewers = config.reviewerUserIds.length + config.reviewerTeamIds.length > 0;
    const plan = observed.plan?.toLowerCase();
    const what = `${KEY}.secretsScope is "environment", and ${repo.fullName} is a private repository of ${repo.ownerType === "Organization" ? "organization" : "user"} ${repo.ownerLogin}`;
    const wayOut = `set ${KEY}.secretsScope to "repository" (repository secrets, no environment), make the repository public, or move ${repo.ownerLogin} to a plan that has them`;
    if (plan === undefined) {
        return {
            problems: [],
            warnings: [
                `${what}, whose GitHub plan this token cannot see. On GitHub Free a private repository has no environments, so writing the environment "${config.environmentName}" and its secrets would fail halfway through pulumi up` +
                    `${reviewers ? "; on GitHub Free, Pro and Team it has no required reviewers either" : ""}. If that is the plan, ${wayOut}`,
            ],
        };
    }
    if (NO_PRIVATE_ENVIRONMENTS.includes(plan)) {
        return { problems: [`${what} on GitHub's "${plan}" plan, which has no environments for private repositories: ${wayOut} (GitHub Pro, Team or Enterprise)`], warnings: [] };
    }
    if (reviewers && NO_PRIVATE_REVIEWERS.includes(plan)) {
        return {
            problems: [
                `${KEY}.reviewers is set, and ${repo.fullName} is a private repository on GitHub's "${plan}" plan, where environments have no required reviewers (GitHub Enterprise only): ` +
                    `remove the reviewers, make the repository public, or move ${repo.ownerLogin} to GitHub Enterprise`,
            ],
            warnings: [],
        };
    }
    return { problems: [], warnings: [] };
}

function describeSubjects(format: GitHubSubjectFormat, claimKeys: readonly string[] | undefined): string {
    return `${format === "name" ? "name-based" : "immutable"} subjects, ${claimKeys ? `custom template ${JSON.stringify(claimKeys)}` : "GitHub's default template"}`;
}

/**
 * Settles subjects, ids and spelling from config and, where GitHub was
 * asked, from what it said. Pure. `notChecked` says why GitHub was not asked.
 */
export function resolveGitHub(
    config: GitHubConfig,
    observed: GitHubObservation | undefined,
    notChecked = "no GitHub token",
): { resolved: ResolvedGitHub; problems: string[]; warnings: string[] } {
    const problems: string[] = [];
    const warnings: string[] = [];
    if (!observed) {
        const format = config.subjectFormat ?? "name";
        const resolved: ResolvedGitHub = { fullName: config.repository, subjectFormat: format, subjectClaimKeys: config.subjectClaimKeys, ownerId: config.ownerId, repositoryId: config.repositoryId };
        if (format === "immutable" && config.repositoryId === undefined) {
            problems.push(
                `${KEY}.subjectFormat is "immutable" without ownerId and repositoryId, and no GitHub token is at hand to look them up: ` +
                    "set GITHUB_TOKEN (or pulumi config set --secret github:token) or put both ids in config",
            );
            return { resolved, problems, warnings };
        }
        const example = githubSubject({ owner: config.owner, name: config.name, ownerId: config.ownerId, repositoryId: config.repositoryId }, format, config.triggers[0], resolved.subjectClaimKeys ? { claimKeys: resolved.subjectClaimKeys, jobWorkflowRef: config.jobWorkflowRef } : undefined);
        warnings.push(
            `${KEY}: the subject format was not checked against GitHub (${notChecked}): assumed ${describeSubjects(format, resolved.subjectClaimKeys)}` +
                `${config.subjectFormat ? ` (set in ${KEY}.subjectFormat)` : ""}, e.g. "${example}". ` +
                "Repositories created, renamed or transferred on github.com since 15 July 2026 send immutable subjects; " +
                `with a GitHub token at hand the stack reads the repository's setting (docs/immutable-subjects.md)`,
        );
        return { resolved, problems, warnings };
    }

    const repo = observed.repository;
    const spelling = githubSpellingProblem(config.repository, repo.fullName);
    if (spelling) {
        problems.push(`${KEY}.repository: ${spelling}`);
    }
    for (const [key, configured, actual] of [["ownerId", config.ownerId, repo.ownerId], ["repositoryId", config.repositoryId, repo.id]] as const) {
        if (configured !== undefined && configured !== actual) {
            problems.push(`${KEY}.${key} is ${configured}, but GitHub's ${key === "ownerId" ? `id of ${repo.ownerLogin}` : `id of ${repo.fullName}`} is ${actual}: remove it from config or correct it`);
        }
    }

    const subject = observed.subject;
    let detectedKeys: string[] | undefined;
    if (!subject.useDefault) {
        detectedKeys = subject.includeClaimKeys;
        if (detectedKeys === undefined && observed.organizationClaimKeys === "unreadable" && config.subjectClaimKeys !== undefined) {
            detectedKeys = config.subjectClaimKeys;
            warnings.push(
                `${KEY}.subjectClaimKeys is ${JSON.stringify(config.subjectClaimKeys)}: ${repo.fullName} follows the subject template of organization ${repo.ownerLogin}, which this token may not read, so it was not checked`,
            );
        } else if (detectedKeys === undefined && observed.organizationClaimKeys === "unreadable") {
            problems.push(
                `GitHub's OIDC subject setting of ${repo.fullName} is use_default false without keys of its own, so it follows the template of organization ${repo.ownerLogin}, which this token may not read: ` +
                    `give the token read access to the organization's OIDC settings, or set ${KEY}.subjectClaimKeys to that template`,
            );
        } else if (detectedKeys === undefined && Array.isArray(observed.organizationClaimKeys)) {
            detectedKeys = observed.organizationClaimKeys;
        }
    }

    let detectedFormat: GitHubSubjectFormat = subject.useImmutableSubject ? "immutable" : "name";
    let source = `use_immutable_subject ${subject.useImmutableSubject === true}`;
    if (subject.subClaimPrefix !== undefined) {
        source = `sub_claim_prefix "${subject.subClaimPrefix}"`;
        const parsed = parseSubjectClaimPrefix(subject.subClaimPrefix);
        const built = parsed && githubSubject({ owner: repo.fullName.split("/")[0], name: repo.fullName.split("/")[1], ownerId: repo.ownerId, repositoryId: repo.id }, parsed.format, { kind: "pull_request" });
        if (!parsed || built !== `${subject.subClaimPrefix}:pull_request`) {
            problems.push(
                `GitHub's sub_claim_prefix for ${repo.fullName} is "${subject.subClaimPrefix}", which is neither "repo:${repo.fullName}" nor "repo:${repo.fullName.replace("/", `@${repo.ownerId}/`)}@${repo.id}": ` +
                    "credless-aks cannot tell which subjects GitHub sends; please report it",
            );
        } else {
            detectedFormat = parsed.format;
        }
    }

    const trusted: GitHubSubjectFormat[] = config.keepNameSubjects ? ["name", "immutable"] : config.subjectFormat ? [config.subjectFormat] : [detectedFormat];
    if (!trusted.includes(detectedFormat)) {
        problems.push(
            `${KEY}.subjectFormat is "${config.subjectFormat}", but GitHub sends ${detectedFormat === "name" ? "name-based" : "immutable"} subjects for ${repo.fullName} (${source}): ` +
                `remove ${KEY}.subjectFormat to follow GitHub, or change the repository's OIDC setting first (docs/immutable-subjects.md)`,
        );
    }
    if (config.subjectClaimKeys !== undefined && JSON.stringify(config.subjectClaimKeys) !== JSON.stringify(detectedKeys)) {
        problems.push(
            `${KEY}.subjectClaimKeys is ${JSON.stringify(config.subjectClaimKeys)}, but GitHub's subject template for ${repo.fullName} is ${detectedKeys ? `include_claim_keys ${JSON.stringify(detectedKeys)}` : "its default"}: ` +
                `remove ${KEY}.subjectClaimKeys to follow GitHub, or change the repository's template first`,
        );
    }
    if (detectedKeys) {
        problems.push(
            ...subjectTemplateProblems({ claimKeys: detectedKeys, jobWorkflowRef: config.jobWorkflowRef }, config.triggers).map(
                (p) => `GitHub's OIDC subject template for ${repo.fullName}, ${p.replace(/^triggers\[/, `${KEY}.triggers[`).replace(/^jobWorkflowRef/, `${KEY}.jobWorkflowRef`)}`,
            ),
        );
    }

    const environments = environmentChecks(config, observed);
    problems.push(...environments.problems);
    warnings.push(...environments.warnings);
    return {
        resolved: {
            fullName: repo.fullName,
            subjectFormat: config.subjectFormat ?? detectedFormat,
            subjectClaimKeys: detectedKeys,
            ownerId: repo.ownerId,
            repositoryId: repo.id,
        },
        problems,
        warnings,
    };
}

/** What checkGitHub needs from outside: read by the stack's entry point. */
export interface GitHubCheckIo {
    /** The GitHub token, when one is at hand. */
    token?: string;
    /** The REST API's base URL (githubBaseUrl). */
    baseUrl: string;
    /** True under `pulumi preview`: GitHub's API failing is then a warning, not an error. */
    dryRun: boolean;
    warn: (message: string) => void;
    fetch?: typeof fetch;
}

/** Asks GitHub, where a token is at hand, what resolveGitHub needs. */
export async function observeGitHub(get: GitHubGet, config: GitHubConfig): Promise<GitHubObservation> {
    const repository = await readRepository(get, config.repository);
    // As configured: GitHub's paths are case-insensitive, and a renamed repository's old name redirects.
    const subject = await readSubjectCustomization(get, config.repository);
    let organizationClaimKeys: GitHubObservation["organizationClaimKeys"];
    if (!subject.useDefault && subject.includeClaimKeys === undefined && repository.ownerType === "Organization") {
        organizationClaimKeys = await readOrganizationClaimKeys(get, repository.ownerLogin).catch((): "unreadable" => "unreadable");
    }
    const needsPlan = config.secretsScope === "environment" && repository.visibility === "private" && !repository.enterprise;
    return { repository, subject, organizationClaimKeys, plan: needsPlan ? await readOwnerPlan(get, repository) : undefined };
}

/**
 * Settles the GitHub side before anything is registered: with a token,
 * from GitHub's answers; without one, from config, with a warning that says
 * what was assumed. Throws a ConfigError listing every problem.
 */
export async function checkGitHub(config: GitHubConfig, io: GitHubCheckIo): Promise<ResolvedGitHub> {
    let observed: GitHubObservation | undefined;
    let notChecked = "no GitHub token";
    if (io.token) {
        try {
            observed = await observeGitHub(gitHubGet(io.baseUrl, io.token, io.fetch), config);
        } catch (e) {
            if (!(e instanceof GitHubApiError)) {
                throw e;
            }
            const problem = `${e.message}: the stack reads the repository and its OIDC subject setting from GitHub (${io.baseUrl}) with the GitHub token; check that the token can read ${config.repository} and its OIDC subject setting (a classic token needs the repo scope)`;
            if (!io.dryRun) {
                throw new ConfigError([`${KEY}: ${problem}`]);
            }
            notChecked = problem;
        }
    }
    const { resolved, problems, warnings } = resolveGitHub(config, observed, notChecked);
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    warnings.forEach((w) => io.warn(w));
    return resolved;
}
