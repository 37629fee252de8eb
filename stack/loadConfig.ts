import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, RawConfig, StackConfig } from "./config";

/** Reads the stack's Pulumi config (the only place that does) and validates it. */
export function readRawConfig(): RawConfig {
    const own = new pulumi.Config("credless-aks");
    const azure = new pulumi.Config("azure-native");
    return {
        stack: pulumi.getStack(),
        location: azure.get("location"),
        environment: own.get("environment"),
        resourceGroup: own.getObject<unknown>("resourceGroup"),
        github: own.getObject<unknown>("github"),
        cluster: own.getObject<unknown>("cluster"),
        registry: own.getObject<unknown>("registry"),
        workloads: own.getObject<unknown>("workloads"),
    };
}

export function loadStackConfig(): StackConfig {
    return parseStackConfig(readRawConfig());
}
