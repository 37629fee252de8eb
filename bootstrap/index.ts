import * as pulumi from "@pulumi/pulumi";
import { readStackEnvironment } from "../stack/loadConfig";
import { parseBootstrapConfig } from "./config";
import { createBootstrap } from "./program";

// Config is read and validated before a single resource is registered.
const own = new pulumi.Config("credless-aks-bootstrap");
const config = parseBootstrapConfig({
    stack: pulumi.getStack(),
    location: new pulumi.Config("azure-native").get("location"),
    github: own.getObject<unknown>("github"),
    identityKind: own.get("identityKind"),
    resourceGroup: own.get("resourceGroup"),
    keyVaultName: own.get("keyVaultName"),
    environments: own.getObject<unknown>("environments"),
    pulumiCloud: own.getObject<unknown>("pulumiCloud"),
});
const outputs = createBootstrap(config, readStackEnvironment());

export const resourceGroupName = outputs.resourceGroupName;
export const keyVaultName = outputs.keyVaultName;
export const environments = outputs.environments;
