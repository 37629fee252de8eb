import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { githubBaseUrl, githubProviderArgs, githubSpellingProblem, githubToken, githubTokenProblem } from "../components/githubProvider";
import { valueOf } from "./harness";

const NO_TOKEN =
    "no GitHub token: set the GITHUB_TOKEN environment variable or the secret config value github:token " +
    "(pulumi config set --secret github:token <token>); the stack needs it to look up the repository " +
    "and to write its GitHub environment, secrets and variables";

describe("githubProvider: token", () => {
    it("prefers github:token over GITHUB_TOKEN, like the provider's own defaults", () => {
        assert.strictEqual(githubToken({ GITHUB_TOKEN: "from-env" }, "from-config"), "from-config");
        assert.strictEqual(githubToken({ GITHUB_TOKEN: "from-env" }), "from-env");
        assert.strictEqual(githubToken({ GITHUB_TOKEN: "from-env" }, "  "), "from-env");
    });

    it("says where to put a token when there is none", () => {
        assert.strictEqual(githubTokenProblem({}), NO_TOKEN);
        assert.strictEqual(githubTokenProblem({ GITHUB_TOKEN: "" }, ""), NO_TOKEN);
        assert.strictEqual(githubTokenProblem({ GITHUB_TOKEN: "x" }), undefined);
        assert.strictEqual(githubTokenProblem({}, "x"), undefined);
    });
});

describe("githubProvider: provider args", () => {
    it("manages the repository's owner with the token as a secret", async () => {
        const args = githubProviderArgs("Contoso/geofencing", "tok");
        assert.strictEqual(args.owner, "Contoso");
        const token = pulumi.output(args.token);
        assert.strictEqual(await pulumi.isSecret(token), true);
        assert.strictEqual(await valueOf(token), "tok");
    });

    it("points at the base URL it is given, GitHub Enterprise Server's say, and leaves the provider's default otherwise", () => {
        assert.strictEqual(githubProviderArgs("contoso/geofencing", "tok", "https://ghes.contoso.example/api/v3/").baseUrl, "https://ghes.contoso.example/api/v3/");
        assert.strictEqual("baseUrl" in githubProviderArgs("contoso/geofencing", "tok"), false);
    });

    it("resolves the base URL as the provider does: github:baseUrl, GITHUB_BASE_URL, then api.github.com", () => {
        assert.strictEqual(githubBaseUrl({ GITHUB_BASE_URL: "https://env.example/api/v3/" }, "https://config.example/api/v3/"), "https://config.example/api/v3/");
        assert.strictEqual(githubBaseUrl({ GITHUB_BASE_URL: "https://env.example/api/v3/" }), "https://env.example/api/v3/");
        assert.strictEqual(githubBaseUrl({ GITHUB_BASE_URL: "" }), "https://api.github.com/");
        assert.strictEqual(githubBaseUrl({}), "https://api.github.com/");
    });

    it("refuses a repository that is not owner/name", () => {
        assert.throws(() => githubProviderArgs("geofencing", "tok"), { message: 'repository "geofencing" must be "owner/name", for example "contoso/geofencing"' });
    });
});

describe("githubProvider: spelling", () => {
    it("accepts the exact spelling and explains any other", () => {
        assert.strictEqual(githubSpellingProblem("Contoso/GeoFencing", "Contoso/GeoFencing"), undefined);
        assert.strictEqual(
            githubSpellingProblem("contoso/geofencing", "Contoso/GeoFencing"),
            'repository "contoso/geofencing" is "Contoso/GeoFencing" on GitHub: GitHub puts "Contoso/GeoFencing" into the OIDC subject and Entra ID compares subjects exactly and case-sensitively; configure the repository exactly as GitHub spells it',
        );
    });
});
