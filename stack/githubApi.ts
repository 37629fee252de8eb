/**
 * What the stack asks GitHub's REST API before it registers anything: the
 * repository (exact spelling, ids, visibility, owner type), its OIDC subject
 * customization, and, where it matters, the owner's plan. Called by the
 * stack only (components never reach GitHub), with the token and base URL
 * that the GitHub provider uses, so that GitHub Enterprise Server works and
 * tests can answer from a local server.
 *
 * @pulumi/github 6.15.0 has a data source for the subject template
 * (getActionsRepositoryOidcSubjectClaimCustomizationTemplate), but it returns
 * only useDefault and includeClaimKeys, not use_immutable_subject nor
 * sub_claim_prefix, and its answer would come after resources are registered.
 */

/** The API version the requests ask for: GitHub's default when none is sent. Source: docs.github.com/rest/about-the-rest-api/api-versions. */
export const GITHUB_API_VERSION = "2022-11-28";

export interface GitHubRepositoryFacts {
    /** "owner/name" exactly as GitHub spells it. */
    fullName: string;
    id: number;
    ownerId: number;
    ownerLogin: string;
    /** "User" or "Organization". */
    ownerType: string;
    /** "public", "private" or "internal". */
    visibility: string;
    /**
     * Answered by GitHub Enterprise Server (its responses carry
     * X-GitHub-Enterprise-Version; source: docs.github.com/enterprise-server@latest/rest/overview/resources-in-the-rest-api, "Schema")
     * or by GHE.com (api.SUBDOMAIN.ghe.com, GitHub Enterprise Cloud only).
     */
    enterprise: boolean;
}

/**
 * GET /repos/{owner}/{repo}/actions/oidc/customization/sub. `use_immutable_subject`
 * and `sub_claim_prefix` are newer than the published schema; a repository
 * created after 15 July 2026 answers `use_immutable_subject: false` with an
 * immutable `sub_claim_prefix`, so the prefix is what counts (Azure/azure-dev#9382,
 * fixed in #9430: "Treat a returned sub_claim_prefix as authoritative").
 * Source: docs.github.com/rest/actions/oidc#get-the-customization-template-for-an-oidc-subject-claim-for-a-repository
 */
export interface OidcSubjectCustomization {
    useDefault: boolean;
    includeClaimKeys?: string[];
    useImmutableSubject?: boolean;
    subClaimPrefix?: string;
}

export class GitHubApiError extends Error {
    constructor(
        readonly status: number | undefined,
        message: string,
    ) {
        super(message);
        this.name = "GitHubApiError";
    }
}

/** A GET against the REST API at `baseUrl`, authenticated with `token`: the parsed JSON body and the headers, or a GitHubApiError. */
export type GitHubGet = (path: string) => Promise<{ body: unknown; headers: Headers; url: URL }>;

export function gitHubGet(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): GitHubGet {
    const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
    return async (path) => {
        const url = new URL(path.replace(/^\//, ""), base);
        let response: Response;
        try {
            response = await fetchImpl(url, {
                headers: { Accept: "application/vnd.github+json", Authorization: `Bearer ${token}`, "X-GitHub-Api-Version": GITHUB_API_VERSION },
            });
        } catch (e) {
            throw new GitHubApiError(undefined, `GET ${url.href} failed: ${(e as Error).message}`);
        }
        if (!response.ok) {
            throw new GitHubApiError(response.status, `GET ${url.href} answered ${response.status} ${response.statusText}`.trim());
        }
        return { body: await response.json(), headers: response.headers, url };
    };
}

function field<T>(body: unknown, key: string, type: string): T | undefined {
    const value = (body as Record<string, unknown> | null)?.[key];
    return typeof value === type ? (value as T) : undefined;
}

export async function readRepository(get: GitHubGet, repository: string): Promise<GitHubRepositoryFacts> {
    const { body, headers, url } = await get(`repos/${repository}`);
    const owner = (body as { owner?: unknown }).owner;
    const facts = {
        fullName: field<string>(body, "full_name", "string"),
        id: field<number>(body, "id", "number"),
        ownerId: field<number>(owner, "id", "number"),
        ownerLogin: field<string>(owner, "login", "string"),
        ownerType: field<string>(owner, "type", "string"),
        visibility: field<string>(body, "visibility", "string") ?? (field<boolean>(body, "private", "boolean") ? "private" : "public"),
    };
    const enterprise = headers.has("x-github-enterprise-version") || url.hostname.endsWith(".ghe.com");
    const missing = Object.entries(facts).filter(([, v]) => v === undefined).map(([k]) => k);
    if (missing.length > 0) {
        throw new GitHubApiError(200, `GET repos/${repository} answered without ${missing.join(", ")}`);
    }
    return { ...(facts as Omit<GitHubRepositoryFacts, "enterprise">), enterprise };
}

export async function readSubjectCustomization(get: GitHubGet, repository: string): Promise<OidcSubjectCustomization> {
    const { body } = await get(`repos/${repository}/actions/oidc/customization/sub`);
    const keys = (body as { include_claim_keys?: unknown }).include_claim_keys;
    return {
        useDefault: field<boolean>(body, "use_default", "boolean") ?? true,
        includeClaimKeys: Array.isArray(keys) && keys.every((k) => typeof k === "string") ? keys : undefined,
        useImmutableSubject: field<boolean>(body, "use_immutable_subject", "boolean"),
        subClaimPrefix: field<string>(body, "sub_claim_prefix", "string") || undefined,
    };
}

/** The organization's subject template, which a repository with `use_default: false` and no keys of its own follows. */
export async function readOrganizationClaimKeys(get: GitHubGet, organization: string): Promise<string[] | undefined> {
    const keys = ((await get(`orgs/${organization}/actions/oidc/customization/sub`)).body as { include_claim_keys?: unknown }).include_claim_keys;
    return Array.isArray(keys) && keys.length > 0 && keys.every((k) => typeof k === "string") ? keys : undefined;
}

/**
 * The owner's plan name ("free", "pro", "team", "enterprise", ...), where
 * the token may see it, else undefined. GET /orgs/{org} carries `plan` for
 * organization owners only; GET /user carries the plan of the token's own
 * account, which is the owner's only when the token is the owner's.
 * Sources: docs.github.com/rest/orgs/orgs#get-an-organization ("To see the
 * full details about an organization, the authenticated user must be an
 * organization owner"), docs.github.com/rest/users/users#get-the-authenticated-user.
 */
export async function readOwnerPlan(get: GitHubGet, repository: GitHubRepositoryFacts): Promise<string | undefined> {
    try {
        if (repository.ownerType === "Organization") {
            const plan = ((await get(`orgs/${repository.ownerLogin}`)).body as { plan?: unknown }).plan;
            return field<string>(plan, "name", "string");
        }
        const user = (await get("user")).body;
        return field<string>(user, "login", "string")?.toLowerCase() === repository.ownerLogin.toLowerCase()
            ? field<string>((user as { plan?: unknown }).plan, "name", "string")
            : undefined;
    } catch {
        // A token that may not read the plan: the plan stays unknown.
        return undefined;
    }
}
