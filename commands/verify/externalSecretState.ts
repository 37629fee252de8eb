/** What verify reads about an external cluster's pull secret: shapes and a pure parser, no tool calls. */

/** What verify reads from an ExternalSecret: spec and status, never data. */
export interface ExternalSecretState {
    refreshInterval?: string;
    targetName?: string;
    templateType?: string;
    /** The .dockerconfigjson template text (no token: ESO fills it in when it writes the Secret). */
    template?: string;
    ready?: { status: string; reason?: string; message?: string };
    /** status.refreshTime: when ESO last fetched and wrote the Secret. */
    refreshTime?: string;
}

/** A Secret's type and the names of its data keys; never the values. */
export interface SecretShape {
    type: string;
    keys: string[];
}

/** Reads the fields verify needs from `kubectl get externalsecret -o json`. Pure. */
export function externalSecretState(json: unknown): ExternalSecretState {
    const es = (json ?? {}) as {
        spec?: { refreshInterval?: string; target?: { name?: string; template?: { type?: string; data?: Record<string, string> } } };
        status?: { refreshTime?: string; conditions?: { type?: string; status?: string; reason?: string; message?: string }[] };
    };
    const ready = es.status?.conditions?.find((c) => c.type === "Ready");
    return {
        refreshInterval: es.spec?.refreshInterval,
        targetName: es.spec?.target?.name,
        templateType: es.spec?.target?.template?.type,
        template: es.spec?.target?.template?.data?.[".dockerconfigjson"],
        ready: ready ? { status: ready.status ?? "Unknown", reason: ready.reason, message: ready.message } : undefined,
        refreshTime: es.status?.refreshTime ?? undefined,
    };
}
