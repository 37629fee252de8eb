import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { ArgumentProblems } from "./argumentProblems";
import { assignRole } from "./roles";

/**
 * Soft-delete retention of the vault, in days: the most Key Vault allows
 * (7 to 90). Source: learn.microsoft.com/azure/key-vault/general/soft-delete-overview
 * ("retention period ... between 7 to 90 days").
 */
export const KEY_VAULT_SOFT_DELETE_DAYS = 90;

/** Key Vault names: 3 to 24 letters, digits and '-', starting with a letter, no "--". Source: learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault. */
export function keyVaultNameRule(name: string): string | undefined {
    return /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(name)
        ? undefined
        : "must be 3 to 24 letters, digits or '-', start with a letter, end with a letter or digit, and have no '--'";
}

/** Secret names: 1 to 127 letters, digits and '-'. Same source ("vaults / secrets"). */
export function keyVaultSecretNameRule(name: string): string | undefined {
    return /^[a-zA-Z0-9-]{1,127}$/.test(name) ? undefined : "must be 1 to 127 letters, digits or '-'";
}

/** One principal that may read one secret of the vault. */
export interface KeyVaultSecretReader {
    /** Required. The secret's name (it need not exist yet: the administrator uploads it once). */
    secretName: string;
    /** Required. Object id of the reading principal (a service principal). */
    principalId: pulumi.Input<string>;
    /** Required. A short key for the role assignment's resource name, unique per vault (e.g. "apply-dev"). */
    key: string;
}

export interface GitHubAppKeyVaultArgs {
    /** Required. Globally unique vault name (keyVaultNameRule). */
    vaultName: string;
    /** Required. Resource group of the vault. */
    resourceGroupName: pulumi.Input<string>;
    /** Required. Region of the vault. */
    location: pulumi.Input<string>;
    /** Required. The Entra tenant that authorizes requests to the vault. */
    tenantId: pulumi.Input<string>;
    /** Required. Who may read which secret: "Key Vault Secrets User" on that secret alone, nothing on the vault. */
    readers: KeyVaultSecretReader[];
    /** Optional. Tags on the vault. Defaults to none. */
    tags?: Record<string, pulumi.Input<string>>;
}

/**
 * A Key Vault for the GitHub App's private key: Azure RBAC authorization (no
 * access policies), soft delete with purge protection, and per reader the
 * "Key Vault Secrets User" role on exactly one secret. It creates no secret:
 * the administrator uploads the key once, so its value never passes through
 * Pulumi's state. Sources: learn.microsoft.com/azure/key-vault/general/rbac-guide
 * ("Key Vault Secrets User ... Read secret contents"; assignments at the scope of an individual secret),
 * learn.microsoft.com/azure/key-vault/general/soft-delete-overview (purge protection).
 */
export class GitHubAppKeyVault extends pulumi.ComponentResource {
    readonly vaultName: pulumi.Output<string>;
    readonly resourceId: pulumi.Output<string>;
    /** The vault's URI, e.g. https://<name>.vault.azure.net/. */
    readonly vaultUri: pulumi.Output<string>;

    constructor(name: string, args: GitHubAppKeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("credless-aks:pipeline:GitHubAppKeyVault", name, {}, opts);
        const problems = new ArgumentProblems("GitHubAppKeyVault", name);
        problems.check("vaultName", args.vaultName, keyVaultNameRule);
        args.readers.forEach((r, i) => {
            problems.check(`readers[${i}].secretName`, r.secretName, keyVaultSecretNameRule);
            if (args.readers.findIndex((o) => o.key === r.key) !== i) {
                problems.fail(`readers[${i}].key`, r.key, "is used twice");
            }
        });
        problems.throwIfAny(this);

        const vault = new keyvault.Vault(
            `${name}-vault`,
            {
                vaultName: args.vaultName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                properties: {
                    tenantId: args.tenantId,
                    sku: { family: keyvault.SkuFamily.A, name: keyvault.SkuName.Standard },
                    enableRbacAuthorization: true,
                    enableSoftDelete: true,
                    softDeleteRetentionInDays: KEY_VAULT_SOFT_DELETE_DAYS,
                    // Once on, purge protection cannot be turned off: a deleted key stays recoverable.
                    enablePurgeProtection: true,
                    enabledForDeployment: false,
                    enabledForDiskEncryption: false,
                    enabledForTemplateDeployment: false,
                },
            },
            // Purge protection makes the name unusable for the retention period after a delete.
            { parent: this, protect: true },
        );

        for (const reader of args.readers) {
            // Scope of one secret: "<vault id>/secrets/<name>" (learn.microsoft.com/azure/key-vault/general/rbac-guide, "Secret scope role assignment").
            assignRole(
                `${name}-read-${reader.key}`,
                pulumi.interpolate`${vault.id}/secrets/${reader.secretName}`,
                { roleDefinitionIdOrName: "Key Vault Secrets User", principalId: reader.principalId, principalType: "ServicePrincipal", description: `read ${reader.secretName}` },
                { parent: this },
            );
        }

        this.vaultName = vault.name;
        this.resourceId = vault.id;
        this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? `https://${args.vaultName}.vault.azure.net/`);
        this.registerOutputs({ vaultName: this.vaultName, resourceId: this.resourceId, vaultUri: this.vaultUri });
    }
}
