/** The tests use the same mock runtime as the offline plan. */
import { runtime } from "@pulumi/pulumi";

export * from "../commands/plan/mockRuntime";

/** Whether a recorded input is a secret as Pulumi serializes one for the provider: { [specialSigKey]: specialSecretSig, value }. */
export function isSecret(value: unknown): value is { value: unknown } {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[runtime.specialSigKey] === runtime.specialSecretSig;
}

/** The value inside a secret, as the provider decrypts it; any other value as it is. */
export function plain(value: unknown): unknown {
    return isSecret(value) ? value.value : value;
}
