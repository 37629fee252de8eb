/**
 * The bootstrap's GitHub side, settled the way the stack settles its own
 * (stack/githubPreflight.ts, issue 17): with a GitHub token, the repository's
 * spelling, ids and OIDC subject setting are read from GitHub and the
 * subjects follow them; without one, config's values are assumed and a
 * warning says so. Messages name the bootstrap's config keys.
 */
import { infraEnvironmentName } from "../components/pipelineNames";
import { ConfigError, GitHubConfig } from "../stack/config";
import { checkGitHub, GitHubCheckIo, ResolvedGitHub } from "../stack/githubPreflight";
import { BOOTSTRAP_PROJECT, BootstrapConfig } from "./config";

/** The stack's GitHub config for the bootstrap's repository: what checkGitHub reads, and nothing the bootstrap does not have. */
export function bootstrapGitHubConfig(config: BootstrapConfig): GitHubConfig {
    const first = config.environments[0].name;
    return {
        repository: config.repository,
        owner: config.owner,
        name: config.name,
        subjectFormat: config.subjectFormat,
        keepNameSubjects: false,
        ownerId: config.ownerId,
        repositoryId: config.repositoryId,
        triggers: config.environments.map((e) => ({ kind: "environment" as const, name: infraEnvironmentName(e.name) })),
        // The bootstrap creates environments: a private repository on a plan without them is refused early.
        secretsScope: "environment",
        environmentName: infraEnvironmentName(first),
        reviewerUserIds: [],
        reviewerTeamIds: [],
        deploymentBranches: [],
        deploymentTags: [],
        preventSelfReview: false,
        canAdminsBypass: false,
        deployNamespaces: [],
    };
}

const rename = (text: string) => text.split("credless-aks:github").join(`${BOOTSTRAP_PROJECT}:github`);

/** checkGitHub for the bootstrap's repository, its problems and warnings keyed as the bootstrap's config. */
export async function checkBootstrapGitHub(config: BootstrapConfig, io: GitHubCheckIo): Promise<ResolvedGitHub> {
    try {
        return await checkGitHub(bootstrapGitHubConfig(config), { ...io, warn: (m) => io.warn(rename(m)) });
    } catch (e) {
        if (e instanceof ConfigError) {
            throw new ConfigError(e.problems.map(rename));
        }
        throw e;
    }
}
