/**
 * Pulumi's mock runtime, set up the way the offline plan and the tests need
 * it: runs the real program, or one component, under
 * pulumi.runtime.setMocks, answers with realistic Azure, Entra ID and GitHub
 * outputs, and records every registered resource with its inputs, parent,
 * dependencies and options. Unknown invokes fail loudly.
 */
import * as pulumi from "@pulumi/pulumi";
import { FAKE, FAKE_GRAPH_SERVICE_PRINCIPAL, fakeGuid, fakeIssuerUrl, fakeKubeletObjectId, fakeUserKubeconfig } from "./fakes";

export * from "./fakes";

/** One registered resource as the engine would see it. */
export interface Recorded {
    type: string;
    name: string;
    urn: string;
    id: string;
    custom: boolean;
    /** URN of the parent, "" for top-level resources. */
    parent: string;
    inputs: Record<string, any>;
    /** The outputs the mock answered with. */
    state: Record<string, any>;
    /** URNs this resource depends on (explicit dependsOn plus input dependencies). */
    dependencies: string[];
    /** Per input property: URNs that property's value came from. */
    propertyDependencies: Record<string, string[]>;
    provider: string;
    deleteBeforeReplace: boolean;
    protect: boolean;
    ignoreChanges: string[];
    aliases: number;
}

export interface RunResult<T> {
    value: T;
    resources: Recorded[];
    /** Invokes made, by token, with the mock's answer. */
    calls: { token: string; inputs: Record<string, any>; result: Record<string, any> }[];
}

function armId(type: string, name: string, inputs: Record<string, any>): string {
    const sub = `/subscriptions/${FAKE.subscriptionId}`;
    const rg = inputs.resourceGroupName ?? "rg";
    const provider: Record<string, string> = {
        "azure-native:resources:ResourceGroup": `${sub}/resourceGroups/${inputs.resourceGroupName ?? name}`,
        "azure-native:containerservice:ManagedCluster": `${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${inputs.resourceName ?? name}`,
        "azure-native:containerregistry:Registry": `${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${inputs.registryName ?? name}`,
        "azure-native:managedidentity:UserAssignedIdentity": `${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${inputs.resourceName ?? name}`,
        "azure-native:managedidentity:FederatedIdentityCredential": `${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${inputs.resourceName}/federatedIdentityCredentials/${inputs.federatedIdentityCredentialResourceName ?? name}`,
        "azure-native:authorization:RoleAssignment": `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${inputs.roleAssignmentName ?? fakeGuid(name)}`,
        "azure-native:authorization:ManagementLockAtResourceLevel": `${sub}/resourceGroups/${rg}/providers/Microsoft.Authorization/locks/${inputs.lockName ?? name}`,
        "azure-native:authorization:ManagementLockByScope": `${inputs.scope}/providers/Microsoft.Authorization/locks/${inputs.lockName ?? name}`,
        "azure-native:keyvault:Vault": `${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName ?? name}`,
    };
    return provider[type] ?? `${sub}/resourceGroups/${rg}/providers/mock/${type.split(":").pop()}/${name}`;
}

/** Realistic outputs per resource type, on top of the inputs echoed back. */
function outputsFor(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
    const state: Record<string, any> = { ...inputs };
    let id = type.startsWith("azure-native:") ? armId(type, name, inputs) : `${name}-id`;
    switch (type) {
        case "azure-native:resources:ResourceGroup":
            state.name = inputs.resourceGroupName ?? name;
            break;
        case "azure-native:containerservice:ManagedCluster": {
            const clusterName = inputs.resourceName ?? name;
            const location = inputs.location ?? "westeurope";
            state.name = clusterName;
            state.fqdn = `${inputs.dnsPrefix ?? clusterName}-${fakeGuid(clusterName).slice(0, 8)}.hcp.${location}.azmk8s.io`;
            state.oidcIssuerProfile = { ...(inputs.oidcIssuerProfile ?? {}), issuerURL: fakeIssuerUrl(location, clusterName) };
            state.identityProfile = {
                kubeletidentity: {
                    clientId: fakeGuid(`kubelet-client/${clusterName}`),
                    objectId: fakeKubeletObjectId(clusterName),
                    resourceId: `/subscriptions/${FAKE.subscriptionId}/resourceGroups/MC_${inputs.resourceGroupName}_${clusterName}_${location}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${clusterName}-agentpool`,
                },
            };
            state.identity = { ...(inputs.identity ?? {}), principalId: fakeGuid(`cluster-principal/${clusterName}`), tenantId: FAKE.tenantId };
            break;
        }
        case "azure-native:containerregistry:Registry": {
            const registryName = inputs.registryName ?? name;
            state.name = registryName;
            state.loginServer = `${String(registryName).toLowerCase()}.azurecr.io`;
            break;
        }
        case "azure-native:managedidentity:UserAssignedIdentity":
            state.name = inputs.resourceName ?? name;
            state.clientId = fakeGuid(`mi-client/${state.name}`);
            state.principalId = fakeGuid(`mi-principal/${state.name}`);
            state.tenantId = FAKE.tenantId;
            break;
        case "azuread:index/application:Application":
            state.clientId = fakeGuid(`app-client/${inputs.displayName ?? name}`);
            state.objectId = fakeGuid(`app-object/${inputs.displayName ?? name}`);
            id = `/applications/${state.objectId}`;
            break;
        case "azuread:index/servicePrincipal:ServicePrincipal":
            state.objectId = fakeGuid(`sp-object/${inputs.clientId ?? name}`);
            state.applicationTenantId = FAKE.tenantId;
            id = state.objectId;
            break;
        case "azuread:index/group:Group":
            state.objectId = fakeGuid(`group-object/${inputs.displayName ?? name}`);
            id = state.objectId;
            break;
        case "azuread:index/appRoleAssignment:AppRoleAssignment":
            // The provider's id: /servicePrincipals/{resource object id}/appRoleAssignedTo/{assignment id}.
            id = `/servicePrincipals/${inputs.resourceObjectId}/appRoleAssignedTo/${fakeGuid(`assignment/${name}`)}`;
            state.principalType = "ServicePrincipal";
            break;
        default:
            if (type.startsWith("azure-native:")) {
                state.name = state.name ?? name;
            }
    }
    return { id, state };
}

/**
 * The clusters and registries that exist already in the fake Azure, by name,
 * with the settings a test turns off or on. A name not listed exists with the
 * settings the trust chain needs (OIDC issuer, workload identity, Entra ID
 * with Azure RBAC, no local accounts; registry without admin user or
 * anonymous pull); `missing: true` answers as ARM does for a resource that
 * is not there.
 */
export interface FakeAzure {
    clusters?: Record<string, Partial<{ oidcIssuer: boolean; workloadIdentity: boolean; localAccounts: boolean; entraIntegration: boolean; azureRbac: boolean; location: string; missing: boolean }>>;
    registries?: Record<string, Partial<{ adminUser: boolean; anonymousPull: boolean; location: string; missing: boolean }>>;
}

/**
 * An invoke failure as the engine reports it: a gRPC error whose `details`
 * the SDK turns into the Error's message (@pulumi/pulumi runtime/invoke.js:
 * "rethrow the error with a native exception and the message that the engine provided").
 */
function armError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

/** getManagedCluster as azure-native answers it for an existing cluster (Microsoft.ContainerService managedClusters GET). */
function existingCluster(inputs: Record<string, any>, azure: FakeAzure): Record<string, any> {
    const name: string = inputs.resourceName;
    const rg: string = inputs.resourceGroupName;
    const s = azure.clusters?.[name] ?? {};
    if (s.missing) {
        throw armError(`Status=404 Code="ResourceNotFound" Message="The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${rg}' was not found."`);
    }
    const location = s.location ?? "westeurope";
    const oidc = s.oidcIssuer ?? true;
    const entra = s.entraIntegration ?? true;
    return {
        id: `/subscriptions/${FAKE.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`,
        name,
        location,
        type: "Microsoft.ContainerService/ManagedClusters",
        provisioningState: "Succeeded",
        fqdn: `${name}-${fakeGuid(name).slice(0, 8)}.hcp.${location}.azmk8s.io`,
        enableRBAC: true,
        disableLocalAccounts: !(s.localAccounts ?? false),
        aadProfile: entra ? { managed: true, enableAzureRBAC: s.azureRbac ?? true, tenantID: FAKE.tenantId } : undefined,
        oidcIssuerProfile: oidc ? { enabled: true, issuerURL: fakeIssuerUrl(location, name) } : { enabled: false },
        securityProfile: { workloadIdentity: { enabled: s.workloadIdentity ?? true } },
        identity: { type: "SystemAssigned", principalId: fakeGuid(`cluster-principal/${name}`), tenantId: FAKE.tenantId },
        identityProfile: {
            kubeletidentity: {
                clientId: fakeGuid(`kubelet-client/${name}`),
                objectId: fakeKubeletObjectId(name),
                resourceId: `/subscriptions/${FAKE.subscriptionId}/resourceGroups/MC_${rg}_${name}_${location}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
            },
        },
    };
}

/** getRegistry as azure-native answers it for an existing registry (Microsoft.ContainerRegistry registries GET). */
function existingRegistry(inputs: Record<string, any>, azure: FakeAzure): Record<string, any> {
    const name: string = inputs.registryName;
    const rg: string = inputs.resourceGroupName;
    const s = azure.registries?.[name] ?? {};
    if (s.missing) {
        throw armError(`Status=404 Code="ResourceNotFound" Message="The Resource 'Microsoft.ContainerRegistry/registries/${name}' under resource group '${rg}' was not found."`);
    }
    return {
        id: `/subscriptions/${FAKE.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${name}`,
        name,
        location: s.location ?? "westeurope",
        type: "Microsoft.ContainerRegistry/registries",
        provisioningState: "Succeeded",
        loginServer: `${name.toLowerCase()}.azurecr.io`,
        sku: { name: "Standard", tier: "Standard" },
        adminUserEnabled: s.adminUser ?? false,
        anonymousPullEnabled: s.anonymousPull ?? false,
        publicNetworkAccess: "Enabled",
    };
}

function answerCall(token: string, inputs: Record<string, any>, azure: FakeAzure = {}): Record<string, any> {
    switch (token) {
        case "azure-native:containerservice:getManagedCluster":
            return existingCluster(inputs, azure);
        case "azure-native:containerregistry:getRegistry":
            return existingRegistry(inputs, azure);
        case "azure-native:authorization:getClientConfig":
            return { clientId: FAKE.deployerClientId, objectId: FAKE.deployerObjectId, subscriptionId: FAKE.subscriptionId, tenantId: FAKE.tenantId };
        case "azure-native:resources:getResourceGroup":
            return {
                id: `/subscriptions/${FAKE.subscriptionId}/resourceGroups/${inputs.resourceGroupName}`,
                name: inputs.resourceGroupName,
                location: "westeurope",
                type: "Microsoft.Resources/resourceGroups",
                properties: { provisioningState: "Succeeded" },
                tags: {},
            };
        case "azuread:index/getClientConfig:getClientConfig":
            return { clientId: FAKE.deployerClientId, objectId: FAKE.deployerObjectId, tenantId: FAKE.tenantId, id: FAKE.tenantId };
        case "azure-native:containerservice:listManagedClusterUserCredentials": {
            const cluster = inputs.resourceName;
            const fqdn = `${cluster}-${fakeGuid(cluster).slice(0, 8)}.hcp.westeurope.azmk8s.io`;
            return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(fakeUserKubeconfig(cluster, fqdn)).toString("base64") }] };
        }
        case "azuread:index/getServicePrincipal:getServicePrincipal": {
            // Only the APIs whose published app roles the fakes carry; any other lookup fails loudly below.
            const graph = FAKE_GRAPH_SERVICE_PRINCIPAL;
            if (inputs.clientId === graph.clientId) {
                return {
                    id: graph.objectId,
                    objectId: graph.objectId,
                    clientId: graph.clientId,
                    displayName: graph.displayName,
                    appRoles: graph.appRoles,
                    appRoleIds: Object.fromEntries(graph.appRoles.map((r) => [r.value, r.id])),
                    accountEnabled: true,
                    type: "Application",
                };
            }
            break;
        }
        case "github:index/getRepository:getRepository": {
            const fullName: string = inputs.fullName ?? `contoso/${inputs.name}`;
            return { fullName, name: fullName.split("/")[1], repoId: FAKE.githubRepositoryId, nodeId: "R_kgDOKJ3hXw", id: fullName };
        }
        case "github:index/getUser:getUser":
            return { id: String(FAKE.githubOwnerId), login: inputs.username, nodeId: "O_kgDOAAAmvw" };
        case "github:index/getOrganization:getOrganization":
            return { id: String(FAKE.githubOwnerId), login: inputs.name, name: inputs.name, nodeId: "O_kgDOAAAmvw" };
    }
    const message = `mock runtime: no answer for invoke "${token}" (inputs ${JSON.stringify(inputs)}); add one to commands/plan/mockRuntime.ts`;
    // The SDK rethrows a failed invoke as `new Error(err.details)` (@pulumi/pulumi runtime/invoke.js),
    // as for an engine error; without `details` the message would arrive empty.
    throw Object.assign(new Error(message), { details: message });
}

let runCounter = 0;

/**
 * Runs `program` under mocks and returns its value with every resource it
 * registered. Waits until all outstanding registrations have finished.
 */
export async function runUnderMocks<T>(
    program: () => T | Promise<T>,
    options: {
        project?: string;
        stack?: string;
        config?: Record<string, string>;
        secretKeys?: string[];
        preview?: boolean;
        stackTraces?: boolean;
        /** Existing clusters and registries the get invokes find, with their settings. */
        azure?: FakeAzure;
    } = {},
): Promise<RunResult<T>> {
    const resources: Recorded[] = [];
    const calls: RunResult<T>["calls"] = [];
    const pending = new Map<string, Partial<Recorded>>();
    runCounter++;

    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const { id, state } = outputsFor(args.type, args.name, args.inputs);
                const rec = pending.get(`${args.type}::${args.name}`) ?? {};
                resources.push({
                    type: args.type,
                    name: args.name,
                    urn: rec.urn ?? "",
                    id: args.custom ? id : "",
                    custom: args.custom ?? false,
                    parent: rec.parent ?? "",
                    inputs: args.inputs,
                    state,
                    dependencies: rec.dependencies ?? [],
                    propertyDependencies: rec.propertyDependencies ?? {},
                    provider: args.provider ?? "",
                    deleteBeforeReplace: rec.deleteBeforeReplace ?? false,
                    protect: rec.protect ?? false,
                    ignoreChanges: rec.ignoreChanges ?? [],
                    aliases: rec.aliases ?? 0,
                });
                return { id: args.custom ? id : undefined, state };
            },
            call(args) {
                const result = answerCall(args.token, args.inputs, options.azure);
                calls.push({ token: args.token, inputs: args.inputs, result });
                return result;
            },
        },
        options.project ?? "credless-aks",
        options.stack ?? `test${runCounter}`,
        options.preview ?? false,
    );

    // Capture what the mocks' newResource does not receive: parent, dependencies and options.
    // The one hook into the SDK (CONTRIBUTING.md, "The one hook into the Pulumi SDK"): getMonitor is
    // public; waitForRPCs (runtime/settings.js) is in the runtime namespace but not in its typings.
    const settings = pulumi.runtime as typeof pulumi.runtime & { waitForRPCs(): Promise<void> };
    const monitor: any = settings.getMonitor();
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const parent: string = req.getParent();
        const parentType = parent ? parent.split("::")[2].split("$").pop() + "$" : "";
        const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${parentType}${req.getType()}::${req.getName()}`;
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        pending.set(`${req.getType()}::${req.getName()}`, {
            urn,
            parent,
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            protect: req.getProtect() ?? false,
            ignoreChanges: req.getIgnorechangesList(),
            aliases: req.getAliasesList().length,
        });
        return original(req, callback);
    };

    // As under the engine, an error thrown asynchronously by the program (in an
    // apply, or while serializing a resource's inputs) fails the run. Without
    // this, the registration it broke never completes and the run would hang.
    let fail!: (reason: unknown) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    const others = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", (reason) => fail(reason));
    // The Pulumi runtime captures a stack trace for every promise it makes
    // (debuggablePromise: `new Error().stack`), each formatted through ts-node's
    // source-map support: measured at about three quarters of a plan's time.
    // Nothing reads those traces here, so none are captured while the program
    // runs; errors keep their messages. CREDLESS_AKS_STACK_TRACES=1 keeps them.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!(options.stackTraces ?? process.env.CREDLESS_AKS_STACK_TRACES === "1")) {
        Error.stackTraceLimit = 0;
    }
    try {
        const value = await Promise.race([Promise.resolve(program()), failed]);
        await Promise.race([settings.waitForRPCs(), failed]);
        // Outputs resolved by the program's last registrations can register more resources.
        for (let i = 0; i < 5; i++) {
            await new Promise((resolve) => setImmediate(resolve));
            await Promise.race([settings.waitForRPCs(), failed]);
        }
        return { value, resources, calls };
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        process.removeAllListeners("unhandledRejection");
        others.forEach((listener) => process.on("unhandledRejection", listener));
    }
}

/** What `attempt` rejects with; fails the test ("expected <expectation>") when it resolves. */
export async function rejectionOf(attempt: () => Promise<unknown>, expectation: string): Promise<unknown> {
    try {
        await attempt();
    } catch (e) {
        return e;
    }
    throw new Error(`expected ${expectation}`);
}

/** The message of the error `attempt` fails with; fails the test when it succeeds. */
export async function rejectionMessage(attempt: () => Promise<unknown>, what: string): Promise<string> {
    return ((await rejectionOf(attempt, `${what} to reject its arguments`)) as Error).message;
}

/** Resolves an Output (or plain value) for assertions. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

export function ofType(resources: Recorded[], type: string): Recorded[] {
    return resources.filter((r) => r.type === type);
}

export function one(resources: Recorded[], type: string, name?: string): Recorded {
    const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    if (found.length !== 1) {
        throw new Error(
            `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
        );
    }
    return found[0];
}

/** The URN in a provider reference ("<urn>::<id>"), or undefined for the default provider. */
export function providerUrn(reference: string): string | undefined {
    const cut = reference.lastIndexOf("::");
    return cut > 0 ? reference.slice(0, cut) : undefined;
}

/**
 * Everything a resource waits for before the engine creates it: explicit
 * dependsOn, the resources its inputs came from, and its explicit provider.
 */
export function directDependencies(resource: Recorded): string[] {
    const provider = providerUrn(resource.provider);
    return [...new Set([...resource.dependencies, ...Object.values(resource.propertyDependencies).flat(), ...(provider ? [provider] : [])])];
}

/** URNs that `resource` depends on, transitively, through the recorded dependency edges. */
export function transitiveDependencies(resources: Recorded[], resource: Recorded): Set<string> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const stack = directDependencies(resource);
    while (stack.length > 0) {
        const urn = stack.pop()!;
        if (seen.has(urn)) {
            continue;
        }
        seen.add(urn);
        const dep = byUrn.get(urn);
        if (dep) {
            stack.push(...directDependencies(dep));
        }
    }
    return seen;
}
