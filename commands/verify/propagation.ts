import { CheckResult } from "./classify";

/**
 * Right after `pulumi up`, a link can fail for a while although nothing is
 * wrong: a new federated credential takes a couple of minutes to reach Entra
 * ID's token service, a new role assignment up to ten (classify.ts names the
 * sources). A check whose failure the classifier marks `propagating` is run
 * again until it passes, fails differently, or the wait is over; only then is
 * the link reported as broken. Every other failure is reported at once.
 */

export interface PropagationWait {
    /** How long one check may keep retrying, in seconds; 0 turns retries off. */
    waitSeconds: number;
    /** Pause between two tries, in milliseconds. */
    intervalMs: number;
    /** The clock, in milliseconds; tests pass a fake one that sleep advances. */
    now: () => number;
    sleep: (ms: number) => Promise<void>;
    /** Receives one line per retry: what failed, when the next try is, how long until verify gives up. */
    progress: (line: string) => void;
}

/** 75 -> "1m15s", 45 -> "45s", 120 -> "2m". */
export function formatSeconds(seconds: number): string {
    const s = Math.max(0, Math.ceil(seconds));
    const m = Math.floor(s / 60);
    return m === 0 ? `${s}s` : s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
}

/** Runs `check`, and again while it fails with a propagation error and the wait allows. */
export async function retryWhilePropagating(check: () => Promise<CheckResult>, wait: PropagationWait): Promise<CheckResult> {
    const start = wait.now();
    const deadline = start + wait.waitSeconds * 1000;
    // Bounded by the number of tries as well as by the clock, so a clock that stands still cannot loop forever.
    const maxTries = Math.ceil((wait.waitSeconds * 1000) / Math.max(wait.intervalMs, 1)) + 1;
    let result = await check();
    let tries = 1;
    while (result.status === "fail" && result.propagating !== undefined && tries < maxTries) {
        const left = deadline - wait.now();
        if (left <= 0) {
            break;
        }
        const pause = Math.min(wait.intervalMs, left);
        wait.progress(
            `verify: ${result.name}: failed on try ${tries} (${result.propagating}); trying again in ${formatSeconds(pause / 1000)}, ` +
                `reporting it as broken in ${formatSeconds(left / 1000)}`,
        );
        await wait.sleep(pause);
        tries++;
        result = await check();
    }
    if (tries === 1) {
        return result;
    }
    const waitedSeconds = Math.round((wait.now() - start) / 1000);
    wait.progress(
        result.status === "pass"
            ? `verify: ${result.name}: passed on try ${tries}, after ${formatSeconds(waitedSeconds)}`
            : `verify: ${result.name}: still failing after ${tries} tries over ${formatSeconds(waitedSeconds)}: reported as broken`,
    );
    return { ...result, tries, waitedSeconds };
}
