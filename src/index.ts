// cloudevents-gateway's public face: what plugin authors, webhook receivers and embedders import.
// Everything else under src/ is internal and may change between minor releases.

// plugin authors: the contract, results, retry semantics and a test kit
export type {
  OutgoingMessage,
  PipelineOwner,
  PluginDefinition,
  PluginInstance,
  SetupContext,
  SigningKey,
  Stage,
  StepContext,
  StepResult,
  StepSpec,
} from './pipeline/mod.js';
export { definePlugin, keep, drop, fail, runPlugin, type PluginRun, type RunPluginOptions } from './pipeline/mod.js';

// errors, with stable codes
export {
  ErrorCodes,
  GatewayError,
  ConfigError,
  EventError,
  PluginError,
  DeliveryError,
  StoreError,
  ApiError,
  UnrecoverableError,
  DelayedError,
  isGatewayError,
  type ErrorCode,
  type Violation,
} from './errors.js';

// webhook receivers: verify what the gateway signs (constant time, timestamp tolerance, raw body)
export {
  verifyStandardWebhook,
  verifyTimestamped,
  verifyHmac,
  signStandardWebhook,
  signTimestamped,
  signHmac,
  generateSecret,
  generateKeyPair,
  type VerifyResult,
  type VerifyOptions,
} from './signing/mod.js';

// CloudEvents: the event type, strict validation, the bindings, filters and CESQL
export type { CloudEvent } from './cloudevents/event.js';
export { validateEvent, encodeHttp, decodeHttp, encodeNats, decodeNats, parseStructured, encodeStructured } from './cloudevents/mod.js';
export { compileFilters, compileCesql, type FilterSpec, type EventPredicate } from './filters/mod.js';
export { eventMsgId } from './ingest/publish.js';

// embedders: run a gateway in-process
export { Gateway, type GatewayOptions } from './gateway.js';
export { loadConfigFile, buildConfig, type GatewayConfig } from './config/mod.js';
