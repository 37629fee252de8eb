/**
 * The README as a front door: short, and its library example is the file the
 * type-check compiles (examples/library/index.ts, with "credless-aks" mapped
 * to components/index.ts in tsconfig.json), so the example cannot drift from
 * the real API. The trust map's freshness is checked in tests/plan.test.ts.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const readme = () => fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
    it("is under 10 KB", () => {
        const size = Buffer.byteLength(readme(), "utf8");
        assert.ok(size < 10 * 1024, `README.md is ${size} bytes; move reference material to docs/`);
    });

    it("shows examples/library/index.ts, character for character, as its TypeScript example", () => {
        const blocks = [...readme().matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
        assert.deepStrictEqual(blocks, [fs.readFileSync(path.join(ROOT, "examples", "library", "index.ts"), "utf8")]);
    });

    it("has the example import the package by its name, the way a consumer's stack does", () => {
        const example = fs.readFileSync(path.join(ROOT, "examples", "library", "index.ts"), "utf8");
        const name = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).name;
        assert.match(example, new RegExp(`from "${name}";`));
        assert.doesNotMatch(example, /from "\.\.?\//);
    });

    it("answers a new user in order: set-up, plan, deploy, preview, verify, then the library", () => {
        const text = readme();
        const at = ["**Set up.**", "**Plan, offline.**", "**Deploy, one stack per environment.**", "**Preview on pull requests.**", "**Verify.**", "## Use the components in your own stack"].map((s) => text.indexOf(s));
        assert.ok(at.every((i) => i >= 0), JSON.stringify(at));
        assert.deepStrictEqual([...at].sort((a, b) => a - b), at);
    });
});
