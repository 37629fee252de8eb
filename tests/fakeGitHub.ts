/**
 * A local stand-in for GitHub's REST API: an HTTP server on 127.0.0.1 at a
 * random port that answers GET paths from a table, and records what it was
 * asked. The stack reaches it through github:baseUrl, as it would reach
 * GitHub Enterprise Server.
 */
import * as http from "http";
import { AddressInfo } from "net";

/** A JSON body (200), or a status code alone. */
export type FakeAnswer = unknown | { status: number };

export interface FakeGitHub {
    baseUrl: string;
    /** Paths asked for, with the Authorization header each carried. */
    requests: { path: string; authorization?: string }[];
    close(): Promise<void>;
}

export async function startFakeGitHub(routes: Record<string, FakeAnswer>, headers: Record<string, string> = {}): Promise<FakeGitHub> {
    const requests: FakeGitHub["requests"] = [];
    const server = http.createServer((req, res) => {
        const path = (req.url ?? "").replace(/^\/api\/v3\//, "");
        requests.push({ path, authorization: req.headers.authorization });
        const answer = req.method === "GET" ? routes[path] : { status: 405 };
        if (answer === undefined || (typeof answer === "object" && answer !== null && "status" in answer)) {
            const status = answer === undefined ? 404 : (answer as { status: number }).status;
            res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify({ message: status === 404 ? "Not Found" : "Forbidden" }));
            return;
        }
        res.writeHead(200, { "content-type": "application/json", ...headers }).end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        // As GitHub Enterprise Server's: https://HOSTNAME/api/v3/.
        baseUrl: `http://127.0.0.1:${port}/api/v3/`,
        requests,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

/** GitHub's answer for contoso/geofencing: GET /repos/{owner}/{repo}, trimmed to what the stack reads. */
export function repositoryAnswer(overrides: { visibility?: string; ownerType?: string; fullName?: string } = {}): unknown {
    const fullName = overrides.fullName ?? "contoso/geofencing";
    const visibility = overrides.visibility ?? "public";
    return {
        id: 681234567,
        full_name: fullName,
        private: visibility !== "public",
        visibility,
        owner: { login: fullName.split("/")[0], id: 9919, type: overrides.ownerType ?? "Organization" },
    };
}
