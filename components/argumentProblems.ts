import * as pulumi from "@pulumi/pulumi";

/**
 * How every component reports bad arguments: all problems of one call
 * together, each naming the argument, its value and the rule, in one
 * pulumi.ResourceError that names the component, as stack/config.ts's
 * ConfigError does for config:
 *
 *     AksCluster "aks" has invalid arguments:
 *       - tier is "Gold": must be one of Free, Standard
 *       - nodePool.count is 0: must be a whole number from 1 to 1000
 */
export class ArgumentProblems {
    private readonly problems: string[] = [];

    /** `component` is the class name, `name` the resource name given to it. */
    constructor(
        private readonly component: string,
        private readonly name: string,
    ) {}

    /** A problem phrased in full, for rules that concern more than one argument. */
    add(problem: string): void {
        this.problems.push(problem);
    }

    /** Adds "<key> is <value>: <rule>". */
    fail(key: string, value: unknown, rule: string): void {
        this.problems.push(`${key} is ${show(value)}: ${rule}`);
    }

    /** Adds "<key> is <value>: <rule>" when `rule` finds a problem with the value; returns whether it found none. */
    check<T>(key: string, value: T, rule: (v: T) => string | undefined): boolean {
        const broken = rule(value);
        if (broken) {
            this.fail(key, value, broken);
        }
        return broken === undefined;
    }

    /** Whether no problem has been found so far. */
    get ok(): boolean {
        return this.problems.length === 0;
    }

    /** Throws the one ResourceError listing every problem, if there is any. */
    throwIfAny(resource: pulumi.Resource): void {
        if (this.problems.length > 0) {
            throw new pulumi.ResourceError(invalidArgumentsMessage(this.component, this.name, this.problems), resource);
        }
    }
}

/** The message of a component's argument error: the component, its name and one line per problem. */
export function invalidArgumentsMessage(component: string, name: string, problems: readonly string[]): string {
    return `${component} "${name}" has invalid arguments:\n  - ${problems.join("\n  - ")}`;
}

/** A value as an error message shows it: strings quoted, objects as JSON. */
function show(value: unknown): string {
    if (typeof value === "number") {
        return String(value);
    }
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
}
