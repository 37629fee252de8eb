import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AKS_CALENDAR, calendarProblem, pinnedVersions, pinProblem } from "../stack/kubernetesVersions";

const ROOT = path.join(__dirname, "..");

/** Every file of the project's own a user copies from or reads: the README, the docs, the examples, the test fixtures. */
function scannedFiles(): string[] {
    const walk = (dir: string): string[] =>
        fs.existsSync(dir)
            ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
            : [];
    // The team's own Pulumi.*.yaml are not read here: npm run check-stacks judges them (tests/checkStacks.test.ts).
    return [
        path.join(ROOT, "README.md"),
        ...walk(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")),
        ...walk(path.join(ROOT, "examples")),
        ...walk(path.join(ROOT, "tests", "fixtures")),
    ];
}

/**
 * The date the pins are judged by: today's, on purpose. A pinned version is
 * fine on the day it is written and wrong on the day AKS retires it, with no
 * change to this repository; a fixed date here would let this test pass for
 * ever. The table tests below use fixed dates.
 */
const TODAY = new Date().toISOString().slice(0, 10);

describe("Kubernetes versions: nothing pins one that AKS no longer supports", () => {
    it("no README, document, example or fixture names a retired or unknown version", () => {
        const files = scannedFiles();
        // The scan must have something to scan: the README, docs and fixtures are there.
        assert.ok(files.some((f) => f.endsWith("README.md")) && files.some((f) => f.includes(`${path.sep}docs${path.sep}`)) && files.some((f) => f.includes("fixtures")));
        const problems = files.flatMap((f) => pinnedVersions(path.relative(ROOT, f), fs.readFileSync(f, "utf8"))).flatMap((pin) => pinProblem(pin, TODAY) ?? []);
        assert.deepStrictEqual(problems, []);
    });

    it("the calendar still lists a version AKS supports today", () => {
        assert.strictEqual(calendarProblem(TODAY), undefined);
    });
});

describe("Kubernetes versions: the calendar check", () => {
    it("finds versions on lines about Kubernetes or AKS, in the forms people write them", () => {
        const text = [
            'credless-aks:cluster:\n    kubernetesVersion: "1.33"',
            "az aks create --kubernetes-version 1.34.2",
            "Kubernetes v1.29 is old",
            "azure/login@v2.1 and node 1.20: no word of the cluster on this line",
            "kubectl: 1.350 and 21.33 are no versions of it",
            "credless-aks benchmark, load average 1.2: the project's name alone is no context",
        ].join("\n");
        assert.deepStrictEqual(
            pinnedVersions("x.md", text).map((p) => `${p.line}:${p.version}`),
            ["2:1.33", "3:1.34.2", "4:1.29"],
        );
    });

    it("judges a pin by the date it is given", () => {
        const pin = (version: string) => ({ file: "Pulumi.dev.yaml", line: 12, version });
        assert.strictEqual(pinProblem(pin("1.33"), "2026-07-31"), undefined, "supported on its last day");
        assert.strictEqual(
            pinProblem(pin("1.33"), "2026-08-01"),
            "Pulumi.dev.yaml:12 pins Kubernetes 1.33: AKS ended its support on 2026-07-31 (long-term support, Premium tier only, until 2027-07-31); leave the version unset so that AKS picks its default",
        );
        assert.strictEqual(pinProblem(pin("1.34.2"), "2026-11-30"), undefined);
        assert.match(pinProblem(pin("1.34.2"), "2026-12-01") ?? "", /^Pulumi\.dev\.yaml:12 pins Kubernetes 1\.34\.2: AKS ended its support on 2026-11-30/);
        assert.strictEqual(pinProblem(pin("1.27"), "2024-01-01"), "Pulumi.dev.yaml:12 pins Kubernetes 1.27: retired before 1.29, the oldest version in AKS's calendar");
        assert.match(pinProblem(pin("1.38"), "2026-11-30") ?? "", /pins Kubernetes 1\.38: not in AKS's calendar as a generally available version/);
    });

    it("calls itself stale once its newest version has left support", () => {
        const last = AKS_CALENDAR[AKS_CALENDAR.length - 1];
        assert.strictEqual(calendarProblem(last.endOfLife), undefined);
        assert.match(calendarProblem("2099-01-01") ?? "", new RegExp(`newest version, ${last.minor.replace(".", "\\.")}, left support on ${last.endOfLife}`));
    });

    it("lists each minor version once, in order, with dates in order", () => {
        const minors = AKS_CALENDAR.map((r) => Number(r.minor.split(".")[1]));
        assert.deepStrictEqual(minors, [...minors].sort((a, b) => a - b));
        assert.strictEqual(new Set(minors).size, minors.length);
        for (const r of AKS_CALENDAR) {
            assert.ok(r.ga < r.endOfLife && r.endOfLife < r.lts, r.minor);
        }
    });
});
