import * as assert from "assert";
import { plaintextTokenProblem } from "../components/githubProvider";
import { readStackEnvironment } from "../stack/loadConfig";
import { rejectionMessage, runUnderMocks } from "./harness";

const PLAINTEXT = plaintextTokenProblem("x", false);

describe("stack environment: the GitHub token", () => {
    it("names the problem and the fix for a token set in plain text, and nothing else", () => {
        assert.match(PLAINTEXT ?? "", /^github:token is set in plain text .* pulumi config set --secret github:token <token>, .* GITHUB_TOKEN environment variable$/);
        assert.strictEqual(plaintextTokenProblem("x", true), undefined);
        assert.strictEqual(plaintextTokenProblem(undefined, false), undefined);
        assert.strictEqual(plaintextTokenProblem("  ", false), undefined);
    });

    it("refuses github:token in plain text, even in a preview", async () => {
        const message = await rejectionMessage(
            () => runUnderMocks(() => readStackEnvironment({}), { config: { "github:token": "not-a-real-token" }, preview: true }),
            "readStackEnvironment",
        );
        assert.strictEqual(message, PLAINTEXT);
    });

    it("uses github:token set with --secret", async () => {
        const { value } = await runUnderMocks(() => readStackEnvironment({}), {
            config: { "github:token": "not-a-real-token" },
            secretKeys: ["github:token"],
            preview: true,
        });
        assert.strictEqual(value.githubToken, "not-a-real-token");
    });

    it("takes GitHub's base URL from github:baseUrl, as the GitHub provider does", async () => {
        const { value } = await runUnderMocks(() => readStackEnvironment({ GITHUB_BASE_URL: "https://env.example/api/v3/" }), {
            config: { "github:baseUrl": "https://ghes.contoso.example/api/v3/" },
            preview: true,
        });
        assert.strictEqual(value.githubBaseUrl, "https://ghes.contoso.example/api/v3/");
        const { value: fallback } = await runUnderMocks(() => readStackEnvironment({}), { preview: true });
        assert.strictEqual(fallback.githubBaseUrl, "https://api.github.com/");
    });

    it("uses GITHUB_TOKEN when config has no token", async () => {
        const { value } = await runUnderMocks(() => readStackEnvironment({ GITHUB_TOKEN: "from-env" }), { preview: true });
        assert.strictEqual(value.githubToken, "from-env");
    });
});
