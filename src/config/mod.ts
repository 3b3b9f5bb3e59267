export { loadConfigFile, buildConfig, type LoadOptions } from './load.js';
export { configSchema } from './schema.js';
export { toMs } from './duration.js';
export { DEFAULT_RETRY, type GatewayConfig, type RouteConfig, type Destination, type RetryPolicy, type ContentMode } from './types.js';
