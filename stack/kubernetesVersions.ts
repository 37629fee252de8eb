/**
 * AKS's Kubernetes release calendar, and the check that no stack, document or
 * fixture of this repository pins a version that AKS no longer supports.
 * Pure: the date to judge by is an argument.
 */

/**
 * End of community support per minor version, the last day on which AKS
 * supports it under the KubernetesOfficial support plan (the plan the
 * stack's AksCluster uses). Later, creating a cluster at that version fails.
 * `lts` is the end of long-term support, which needs the Premium tier and the
 * AKSLongTermSupport plan, neither of which the stack sets.
 *
 * Source: learn.microsoft.com/azure/aks/supported-kubernetes-versions
 * (ms.date 2026-08-05), "AKS Kubernetes release calendar" and "LTS versions":
 * "Unless an explicit date is provided, the End of Life (EOL) date is the last
 * day of the specified month". Versions older than the first row are retired;
 * versions newer than the last row are not known to be generally available.
 * Add a row when AKS announces a minor version.
 */
export const AKS_CALENDAR: readonly { minor: string; ga: string; endOfLife: string; lts: string }[] = [
    { minor: "1.29", ga: "2024-03", endOfLife: "2025-03-31", lts: "2026-04-30" },
    { minor: "1.30", ga: "2024-07", endOfLife: "2025-08-22", lts: "2026-07-31" },
    { minor: "1.31", ga: "2024-11", endOfLife: "2025-11-01", lts: "2026-11-30" },
    { minor: "1.32", ga: "2025-04", endOfLife: "2026-03-31", lts: "2027-03-31" },
    { minor: "1.33", ga: "2025-06", endOfLife: "2026-07-31", lts: "2027-07-31" },
    { minor: "1.34", ga: "2025-11", endOfLife: "2026-11-30", lts: "2027-11-30" },
    { minor: "1.35", ga: "2026-03", endOfLife: "2027-03-31", lts: "2028-03-31" },
    { minor: "1.36", ga: "2026-06", endOfLife: "2027-06-30", lts: "2028-06-30" },
    { minor: "1.37", ga: "2026-10", endOfLife: "2027-10-31", lts: "2028-10-31" },
];

/** A Kubernetes version named in a file: where, and as written. */
export interface PinnedVersion {
    file: string;
    line: number;
    version: string;
}

/** Words that make a version on the same line a Kubernetes version ("aks" on its own: not the project's name, credless-aks). */
const CONTEXT = /kubernetes|k8s|(?<![\w-])aks\b|kubectl|orchestrator/i;
/** A Kubernetes 1.x version, with or without patch and a leading "v". */
const VERSION = /(?<![\w.])v?(1\.\d{1,2})(\.\d+)?(?![\w.])/g;

/** Every Kubernetes version named in `text`, on lines that speak of Kubernetes or AKS. */
export function pinnedVersions(file: string, text: string): PinnedVersion[] {
    const found: PinnedVersion[] = [];
    text.split("\n").forEach((content, i) => {
        if (!CONTEXT.test(content)) {
            return;
        }
        for (const match of content.matchAll(VERSION)) {
            found.push({ file, line: i + 1, version: match[0].replace(/^v/, "") });
        }
    });
    return found;
}

function minorNumber(version: string): number {
    return Number(version.split(".")[1]);
}

/**
 * Why `pin` may not stay where it is on `today` (YYYY-MM-DD), or undefined
 * when AKS still supports its minor version then.
 */
export function pinProblem(pin: PinnedVersion, today: string): string | undefined {
    const minor = pin.version.split(".").slice(0, 2).join(".");
    const row = AKS_CALENDAR.find((r) => r.minor === minor);
    const where = `${pin.file}:${pin.line} pins Kubernetes ${pin.version}`;
    if (!row) {
        return minorNumber(minor) < minorNumber(AKS_CALENDAR[0].minor)
            ? `${where}: retired before ${AKS_CALENDAR[0].minor}, the oldest version in AKS's calendar`
            : `${where}: not in AKS's calendar as a generally available version (stack/kubernetesVersions.ts); leave the version unset, or add the row from learn.microsoft.com/azure/aks/supported-kubernetes-versions`;
    }
    return today > row.endOfLife
        ? `${where}: AKS ended its support on ${row.endOfLife} (long-term support, Premium tier only, until ${row.lts}); leave the version unset so that AKS picks its default`
        : undefined;
}

/** Undefined while the calendar still lists a version that AKS supports on `today`; else why the table is stale. */
export function calendarProblem(today: string): string | undefined {
    const last = AKS_CALENDAR[AKS_CALENDAR.length - 1];
    return today > last.endOfLife
        ? `stack/kubernetesVersions.ts is stale: its newest version, ${last.minor}, left support on ${last.endOfLife}; add the versions AKS has released since`
        : undefined;
}
