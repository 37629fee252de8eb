import { CheckResult } from "./classify";
import { formatSeconds } from "./propagation";

/** The report, as a table for people or JSON for CI. Pure. */

export interface Report {
    stack: string;
    ok: boolean;
    summary: { passed: number; failed: number; skipped: number };
    checks: CheckResult[];
}

export function buildReport(stack: string, checks: CheckResult[]): Report {
    const count = (s: CheckResult["status"]) => checks.filter((c) => c.status === s).length;
    const summary = { passed: count("pass"), failed: count("fail"), skipped: count("skip") };
    return { stack, ok: summary.failed === 0, summary, checks };
}

export function formatJson(report: Report): string {
    return JSON.stringify(report, null, 2);
}

export function formatTable(report: Report): string {
    const width = Math.max(5, ...report.checks.map((c) => c.name.length));
    const lines = [`credless-aks verify: stack ${report.stack}`, "", `${"STATUS".padEnd(6)}  ${"CHECK".padEnd(width)}  DETAIL`];
    for (const c of report.checks) {
        lines.push(`${c.status.toUpperCase().padEnd(6)}  ${c.name.padEnd(width)}  ${c.detail}`);
        const indent = " ".repeat(10 + width);
        if (c.likelyCause) {
            lines.push(`${indent}likely cause: ${c.likelyCause}`);
        }
        if (c.fix) {
            lines.push(`${indent}fix: ${c.fix}`);
        }
        if (c.tries !== undefined) {
            const why = c.status === "pass" ? "it failed while a recent change propagated, then passed" : `still failing: ${c.propagating ?? "no longer a propagation error"}`;
            lines.push(`${indent}tried ${c.tries} times over ${formatSeconds(c.waitedSeconds ?? 0)}; ${why}`);
        }
    }
    const { passed, failed, skipped } = report.summary;
    lines.push("", `${passed} passed, ${failed} failed, ${skipped} skipped`);
    return lines.join("\n");
}
