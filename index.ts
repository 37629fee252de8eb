import { loadStackConfig } from "./stack/loadConfig";

// Config is read and validated before a single resource is registered.
const config = loadStackConfig();

export const environment = config.environment;
