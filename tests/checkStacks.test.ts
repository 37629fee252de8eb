import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { main } from "../commands/checkStacks/main";
import { FIXTURE_STACKS } from "../commands/plan/main";

function capture() {
    let out = "";
    let err = "";
    return { io: { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) }, out: () => out, err: () => err };
}

const fixture = (stack: string) => parse(fs.readFileSync(path.join(FIXTURE_STACKS, `Pulumi.${stack}.yaml`), "utf8"));

describe("check-stacks: every Pulumi.<stack>.yaml present, whatever it holds", function () {
    this.timeout(60000);
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "credless-aks-check-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("passes for the dev stack copied to a new name with another repository and registry prefix", async () => {
        const staging = fixture("dev");
        staging.config["credless-aks:github"] = { repository: "fabrikam/routing" };
        staging.config["credless-aks:registry"].namePrefix = "fabrikamroute";
        staging.config["credless-aks:workloads"] = [{ name: "routing-api" }];
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stringify(fixture("dev")));
        fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), stringify(staging));
        const c = capture();
        assert.strictEqual(await main(["--dir", dir], c.io), 0, c.err());
        assert.deepStrictEqual(
            c.out().split("\n").filter(Boolean).map((l) => l.replace(/\(\d+ resources planned\)/, "")),
            ["check-stacks: Pulumi.dev.yaml is valid ", "check-stacks: Pulumi.staging.yaml is valid "],
        );
        assert.strictEqual(c.err(), "");
    });

    it("fails naming the file and the problem for a stack the program rejects, and still checks the others", async () => {
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stringify(fixture("dev")));
        const bad = fixture("dev");
        bad.config["credless-aks:github"] = { repository: "routing" };
        fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), stringify(bad));
        const c = capture();
        assert.strictEqual(await main(["--dir", dir], c.io), 1);
        assert.match(c.err(), /^Pulumi\.broken\.yaml: invalid configuration \(1 problem\):\n {2}- credless-aks:github\.repository is "routing": must be "owner\/name"/);
        assert.match(c.out(), /Pulumi\.dev\.yaml is valid/);
    });

    it("judges a pinned Kubernetes version by the day it runs: fine while AKS supports it, a failure naming the file once retired", async () => {
        const pinned = fixture("dev");
        pinned.config["credless-aks:cluster"].kubernetesVersion = "1.34";
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stringify(pinned));
        const supported = capture();
        assert.strictEqual(await main(["--dir", dir], { ...supported.io, today: "2026-11-30" }), 0, supported.err());
        const retired = capture();
        assert.strictEqual(await main(["--dir", dir], { ...retired.io, today: "2026-12-01" }), 1);
        assert.match(retired.err(), /^Pulumi\.dev\.yaml:\d+ pins Kubernetes 1\.34: AKS ended its support on 2026-11-30/);
    });

    it("passes when there is no stack file at all", async () => {
        const c = capture();
        assert.strictEqual(await main(["--dir", dir], c.io), 0);
        assert.match(c.out(), /no Pulumi\.<stack>\.yaml in .*; nothing to check/);
    });

    it("exits 2 on an unknown argument", async () => {
        const c = capture();
        assert.strictEqual(await main(["--verbose"], c.io), 2);
        assert.strictEqual(c.err(), 'unexpected argument "--verbose": usage: npm run check-stacks [-- --dir DIR]\n');
    });
});
