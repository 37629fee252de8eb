import * as pulumi from "@pulumi/pulumi";
import {
    EnforcementLevel,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { policies } from "./policies";

/**
 * Runs the policy pack's policies over recorded resources, without the Pulumi
 * CLI: the arguments are shaped like the ones the engine's analyzer passes
 * (@pulumi/policy 1.21.0, server.js), so the same policy code gives the same
 * answers here, in the offline plan and under `pulumi preview --policy-pack`.
 */

/** One recorded resource: its inputs as `props`, and for stack policies its edges. */
export interface OfflineResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    /** URN of the parent, "" or absent for a top-level resource. */
    parent?: string;
    /** URNs this resource depends on. */
    dependencies?: string[];
    /** Per input property, the URNs its value came from. Without them every GitHub secret looks like a literal. */
    propertyDependencies?: Record<string, string[]>;
    opts?: Partial<PolicyResourceOptions>;
}

export interface OfflineStack {
    name: string;
    /** The stack's environment; defaults to the stack name, as credless-aks:environment does. */
    environment?: string;
}

export interface PolicyResult {
    policy: string;
    enforcementLevel: EnforcementLevel;
    /** The resource in violation; absent when a stack policy blames the whole stack. */
    resource?: { type: string; name: string; urn: string };
    message: string;
}

/** The shape of a resource recorded by commands/plan/mockRuntime.ts (runUnderMocks). */
export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    parent: string;
    inputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
}

/** Resources recorded under mocks, as runPolicies takes them. */
export function fromRecorded(recorded: RecordedResource[]): OfflineResource[] {
    return recorded.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.inputs,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        opts: { protect: r.protect, ignoreChanges: r.ignoreChanges, deleteBeforeReplace: r.deleteBeforeReplace },
    }));
}

class UnknownValueError extends Error {}
class NotApplicableError extends Error {}

function isUnknown(value: unknown): boolean {
    return pulumi.isUnknown(value) || value === pulumi.runtime.unknownValue;
}

/**
 * Like the engine's unknownCheckingProxy: reading a value that is unknown
 * during preview throws, and the policy is reported as unable to run.
 */
function unknownChecking<T>(value: T, path: string[]): T {
    if (!(value instanceof Object)) {
        return value;
    }
    return new Proxy(value, {
        get: (target, key) => {
            const field: unknown = Reflect.get(target, key);
            const fieldPath = [...path, String(key)];
            if (isUnknown(field)) {
                throw new UnknownValueError(`value at .${fieldPath.join(".")} can't be known during preview`);
            }
            // Proxy invariant: a non-configurable, non-writable data property must be returned as is.
            const descriptor = Object.getOwnPropertyDescriptor(target, key);
            if (descriptor && "value" in descriptor && descriptor.configurable === false && descriptor.writable === false) {
                return field;
            }
            return unknownChecking(field, fieldPath);
        },
    });
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    const pulumiType = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
    return typeof pulumiType === "string" && pulumiType === type;
}

function optionsOf(resource: OfflineResource): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...resource.opts,
        ...(resource.parent ? { parent: resource.parent } : {}),
    };
}

/**
 * The resource type validateResourceOfType attaches to the function it returns
 * (as __pulumiType). The engine's analyzer skips such a policy for any other
 * type without calling it (@pulumi/policy 1.21.0, server.js, "Fast check to see
 * if the policy isn't applicable"); called, it would only throw notApplicable,
 * which costs more than all the policies' checks. Skipped here per validation.
 */
function attachedType(validate: unknown): string | undefined {
    const type = (validate as { __pulumiType?: unknown }).__pulumiType;
    return typeof type === "string" && type.length > 0 ? type : undefined;
}

function isStackPolicy(policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy {
    return typeof (policy as StackValidationPolicy).validateStack === "function";
}

function resourceRef(resource: OfflineResource): { type: string; name: string; urn: string } {
    return { type: resource.type, name: resource.name, urn: resource.urn };
}

const NO_STACK_TAGS: ReadonlyMap<string, string> = new Map();

/**
 * Every violation of every policy over `resources`: resource policies on each
 * resource in order, then stack policies. A policy that reads a value unknown
 * during preview gives one advisory result, as the engine does.
 */
export function runPolicies(resources: OfflineResource[], stack: OfflineStack): PolicyResult[] {
    const environment = stack.environment ?? stack.name;
    const results: PolicyResult[] = [];
    // Each resource's view is built once and shared by every policy, as the engine sends each resource once.
    const views = resources.map(resourceView);
    let stackResources: PolicyResource[] | undefined;

    for (const policy of policies) {
        const enforcementLevel = policy.enforcementLevel ?? "advisory";
        const getConfig = <T extends object>(): T =>
            (policy.configSchema?.properties.environment ? { environment } : {}) as T;
        const run = (validate: () => unknown, resource?: OfflineResource) => {
            try {
                if (validate() instanceof Promise) {
                    throw new Error(`policy ${policy.name} returned a promise; runPolicies runs synchronous policies only`);
                }
            } catch (e) {
                if (e instanceof UnknownValueError) {
                    results.push({
                        policy: policy.name,
                        enforcementLevel: "advisory",
                        ...(resource ? { resource: resourceRef(resource) } : {}),
                        message: `can't run policy '${policy.name}' during preview: ${e.message}`,
                    });
                } else if (!(e instanceof NotApplicableError)) {
                    throw e;
                }
            }
        };
        const notApplicable = (reason?: string): never => {
            throw new NotApplicableError(reason);
        };

        if (isStackPolicy(policy)) {
            stackResources ??= policyResources(resources, views);
            const args: StackValidationArgs = { resources: stackResources, stackTags: NO_STACK_TAGS, getConfig, notApplicable };
            run(() =>
                policy.validateStack(args, (message, urn) => {
                    const resource = urn === undefined ? undefined : resources.find((r) => r.urn === urn);
                    results.push({ policy: policy.name, enforcementLevel, ...(resource ? { resource: resourceRef(resource) } : {}), message });
                }),
            );
            continue;
        }
        const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
        for (const [i, resource] of resources.entries()) {
            const args: ResourceValidationArgs = { ...views[i], stackTags: NO_STACK_TAGS, getConfig, notApplicable };
            for (const validate of validations) {
                const onlyType = attachedType(validate);
                if (onlyType !== undefined && onlyType !== resource.type) {
                    continue;
                }
                run(
                    () =>
                        validate(args, (message) =>
                            results.push({ policy: policy.name, enforcementLevel, resource: resourceRef(resource), message }),
                        ),
                    resource,
                );
            }
        }
    }
    return results;
}

/** The violations that would fail `pulumi preview --policy-pack policy`. */
export function mandatoryViolations(resources: OfflineResource[], stack: OfflineStack): PolicyResult[] {
    return runPolicies(resources, stack).filter((result) => result.enforcementLevel === "mandatory");
}

/** What resource and stack policies both see of a resource: type, props (unknowns checked), names, options, type tests. */
function resourceView(resource: OfflineResource) {
    const props = unknownChecking(resource.props, []);
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: optionsOf(resource),
        isType: ((resourceClass: unknown) => isTypeOf(resource.type, resourceClass)) as ResourceValidationArgs["isType"],
        asType: ((resourceClass: unknown) => (isTypeOf(resource.type, resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
    };
}

/** Resources as a stack policy sees them: parent and dependencies resolved to resources of the stack. */
function policyResources(resources: OfflineResource[], views: ReturnType<typeof resourceView>[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const converted = resources.map((resource, i) => {
        const converted: PolicyResource = { ...views[i], dependencies: [], propertyDependencies: {} };
        byUrn.set(resource.urn, converted);
        return converted;
    });
    const known = (urns: string[] | undefined) => (urns ?? []).flatMap((urn) => byUrn.get(urn) ?? []);
    resources.forEach((resource, i) => {
        const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
        if (parent) {
            converted[i].parent = parent;
        }
        converted[i].dependencies = known(resource.dependencies);
        for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            converted[i].propertyDependencies[property] = known(urns);
        }
    });
    return converted;
}
