import { parse, stringify } from "yaml";

/**
 * kubelogin's non-interactive login modes, the ones a `pulumi up` can use
 * without a person at the keyboard. Source: azure.github.io/kubelogin/concepts/login-modes.html.
 * - azurecli: the token of the current `az login` session: a laptop, or CI after azure/login with
 *   OIDC, which is what this project's workflows use (they fetch the AKS token right after login,
 *   while the GitHub assertion is still valid; github.com/Azure/login/issues/180).
 * - workloadidentity: a federated token read at run time from AZURE_FEDERATED_TOKEN_FILE, with
 *   AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_AUTHORITY_HOST; no secret anywhere. Made for pods with
 *   AKS workload identity, where the webhook provides that file; a GitHub runner has none unless a
 *   step writes the runner's OIDC token to a file and sets the variables.
 * - spn: a service principal whose id and credential kubelogin reads at run time from
 *   AAD_SERVICE_PRINCIPAL_CLIENT_ID / AZURE_CLIENT_ID and AAD_SERVICE_PRINCIPAL_CLIENT_SECRET /
 *   AZURE_CLIENT_SECRET (or a certificate path); nothing is written into the kubeconfig.
 * - msi: the managed identity of the machine that runs `pulumi up`.
 */
export const KUBELOGIN_MODES = ["azurecli", "workloadidentity", "spn", "msi"] as const;
export type KubeloginMode = (typeof KUBELOGIN_MODES)[number];

/** What `kubelogin convert-kubeconfig` writes. Source: github.com/Azure/kubelogin pkg/internal/converter/convert.go. */
const EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1";
const INSTALL_HINT = [
    "",
    "kubelogin is not installed which is required to connect to AAD enabled cluster.",
    "",
    "To learn more, please go to https://azure.github.io/kubelogin/",
    "",
].join("\n");

type Yaml = Record<string, unknown>;

function isRecord(value: unknown): value is Yaml {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value after `flag` in an exec args list, as kubelogin's getExecArg reads it. */
function argAfter(args: readonly unknown[], flag: string): string | undefined {
    const i = args.indexOf(flag);
    return i >= 0 && typeof args[i + 1] === "string" ? (args[i + 1] as string) : undefined;
}

interface Source {
    serverId?: string;
    clientId?: string;
    tenantId?: string;
    environment?: string;
    cacheDir?: string;
    legacy: boolean;
    installHint?: string;
}

/** Reads the kubelogin settings from an exec user or a legacy `auth-provider: azure` user; undefined for any other user. */
function sourceOf(user: Yaml): Source | undefined {
    const exec = user.exec;
    if (isRecord(exec) && typeof exec.command === "string" && exec.command.toLowerCase().includes("kubelogin")) {
        const args = Array.isArray(exec.args) ? exec.args : [];
        return {
            serverId: argAfter(args, "--server-id"),
            clientId: argAfter(args, "--client-id"),
            tenantId: argAfter(args, "--tenant-id"),
            environment: argAfter(args, "--environment"),
            cacheDir: argAfter(args, "--cache-dir") ?? argAfter(args, "--token-cache-dir"),
            legacy: args.includes("--legacy"),
            installHint: typeof exec.installHint === "string" && exec.installHint !== "" ? exec.installHint : undefined,
        };
    }
    const provider = user["auth-provider"];
    if (isRecord(provider) && provider.name === "azure") {
        const config = isRecord(provider.config) ? provider.config : {};
        const text = (key: string): string | undefined => (typeof config[key] === "string" ? (config[key] as string) : undefined);
        const configMode = text("config-mode") ?? "";
        return {
            serverId: text("apiserver-id"),
            clientId: text("client-id"),
            tenantId: text("tenant-id"),
            environment: text("environment"),
            legacy: configMode === "" || configMode === "0",
        };
    }
    return undefined;
}

/** The `kubelogin get-token` arguments that `kubelogin convert-kubeconfig -l <mode>` writes (no flags given). */
function argsFor(mode: KubeloginMode, source: Source, userName: string): string[] {
    if (!source.serverId) {
        throw new Error(`kubeconfig user "${userName}" has no --server-id (apiserver-id): kubelogin needs it for every login mode`);
    }
    const args = ["get-token", "--login", mode, "--server-id", source.serverId];
    if (source.cacheDir) {
        args.push("--cache-dir", source.cacheDir);
    }
    if (mode === "spn") {
        // convert.go copies client and tenant for spn; at run time kubelogin lets
        // AAD_SERVICE_PRINCIPAL_CLIENT_ID / AZURE_CLIENT_ID override the client id.
        if (!source.clientId) {
            throw new Error(`kubeconfig user "${userName}" has no --client-id: kubelogin's spn mode needs it`);
        }
        if (!source.tenantId) {
            throw new Error(`kubeconfig user "${userName}" has no --tenant-id: kubelogin's spn mode needs it`);
        }
        args.push("--client-id", source.clientId, "--tenant-id", source.tenantId);
        if (source.environment) {
            args.push("--environment", source.environment);
        }
        if (source.legacy) {
            args.push("--legacy");
        }
    }
    return args;
}

/**
 * Converts the user kubeconfig of an Entra ID cluster (what
 * listManagedClusterUserCredentials returns: kubelogin exec with
 * `--login devicecode`, or the legacy `auth-provider: azure` form) into a
 * kubelogin exec configuration for a non-interactive `mode`, the same result
 * as `kubelogin convert-kubeconfig -l <mode>`. The server id is kept; no
 * secret is written; users of other kinds are left as they are. Throws when
 * `mode` is not a non-interactive mode or no user could be converted.
 */
export function toNonInteractiveKubeconfig(userKubeconfig: string, mode: KubeloginMode): string {
    if (!(KUBELOGIN_MODES as readonly string[]).includes(mode)) {
        throw new Error(`kubelogin mode "${mode}" is not a non-interactive login mode: expected one of ${KUBELOGIN_MODES.join(", ")}`);
    }
    let doc: unknown;
    try {
        doc = parse(userKubeconfig);
    } catch (e) {
        throw new Error(`kubeconfig is not valid YAML: ${(e as Error).message}`);
    }
    if (!isRecord(doc) || !Array.isArray(doc.users)) {
        throw new Error("kubeconfig has no users list: expected the user kubeconfig of an Entra ID cluster");
    }
    let converted = 0;
    for (const entry of doc.users) {
        if (!isRecord(entry) || !isRecord(entry.user)) {
            continue;
        }
        const userName = typeof entry.name === "string" ? entry.name : "";
        const source = sourceOf(entry.user);
        if (!source) {
            continue;
        }
        const user: Yaml = { ...entry.user };
        delete user["auth-provider"];
        user.exec = {
            apiVersion: EXEC_API_VERSION,
            command: "kubelogin",
            args: argsFor(mode, source, userName),
            installHint: source.installHint ?? INSTALL_HINT,
        };
        entry.user = user;
        converted++;
    }
    if (converted === 0) {
        throw new Error(
            "kubeconfig has no user that runs kubelogin or uses the azure auth-provider: expected the user kubeconfig of an Entra ID cluster",
        );
    }
    return stringify(doc);
}

/** What the Kubernetes API of a kubeconfig's current context needs: server, CA and the exec credential command. */
export interface KubeconfigAccess {
    server: string;
    certificateAuthorityData?: string;
    command: string;
    args: string[];
    env: Record<string, string>;
}

/** Reads server, CA and exec command of the current context. Throws when the context does not use an exec credential plugin. */
export function kubeconfigAccess(kubeconfig: string): KubeconfigAccess {
    const doc: unknown = parse(kubeconfig);
    if (!isRecord(doc)) {
        throw new Error("kubeconfig is not a YAML mapping");
    }
    const named = (list: unknown, name: unknown, key: string): Yaml | undefined => {
        const found = Array.isArray(list) ? list.find((e) => isRecord(e) && e.name === name) : undefined;
        return isRecord(found) && isRecord(found[key]) ? (found[key] as Yaml) : undefined;
    };
    const context = named(doc.contexts, doc["current-context"], "context");
    const cluster = context && named(doc.clusters, context.cluster, "cluster");
    const user = context && named(doc.users, context.user, "user");
    const exec = user && isRecord(user.exec) ? user.exec : undefined;
    if (!cluster || typeof cluster.server !== "string" || !exec || typeof exec.command !== "string") {
        throw new Error("kubeconfig's current context has no cluster server or no exec credential plugin");
    }
    const env: Record<string, string> = {};
    if (Array.isArray(exec.env)) {
        for (const e of exec.env) {
            if (isRecord(e) && typeof e.name === "string" && typeof e.value === "string") {
                env[e.name] = e.value;
            }
        }
    }
    return {
        server: cluster.server,
        certificateAuthorityData: typeof cluster["certificate-authority-data"] === "string" ? cluster["certificate-authority-data"] : undefined,
        command: exec.command,
        args: Array.isArray(exec.args) ? exec.args.filter((a): a is string => typeof a === "string") : [],
        env,
    };
}
