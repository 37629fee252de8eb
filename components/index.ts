export * from "./githubConstants";
export * from "./microsoftConstants";
export * from "./naming";
export * from "./roles";
export * from "./subjects";
export * from "./validation";
export * from "./workloadIdentityNaming";
export * from "./workloadIdentityServiceAccount";
