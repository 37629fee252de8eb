import { createHash } from "crypto";

/**
 * A 13-character lower-case alphanumeric string derived from `seed`, the
 * length of Bicep's uniqueString(). The same seed always gives the same suffix.
 */
export function uniqueSuffix(seed: string): string {
    const digest = createHash("sha256").update(seed).digest();
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    let out = "";
    for (let i = 0; i < 13; i++) {
        out += alphabet[digest[i] % alphabet.length];
    }
    return out;
}

/**
 * A globally unique, stable Azure Container Registry name: the prefix (lower
 * case, non-alphanumerics dropped, at most 37 characters) plus a 13-character
 * suffix derived from `seed` (for example the resource group id and the
 * environment). Always 14 to 50 alphanumerics, so always a valid ACR name.
 */
export function registryName(namePrefix: string, seed: string): string {
    const prefix = namePrefix.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 37);
    if (prefix.length === 0) {
        throw new Error(`namePrefix "${namePrefix}" has no letter or digit; the registry name needs at least one`);
    }
    return prefix + uniqueSuffix(seed);
}

/**
 * The Azure-facing base name of an environment's resources for a repository:
 * "<repository name>-<environment>", lower case, characters other than
 * letters, digits and '-' replaced by '-'.
 */
export function baseName(repositoryName: string, environment: string): string {
    const repo = repositoryName.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
    return `${repo || "app"}-${environment}`;
}
