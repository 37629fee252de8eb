/** The tests use the same mock runtime as the offline plan. */
export * from "../commands/plan/mockRuntime";
