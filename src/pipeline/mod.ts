// The plugin runtime's public face: what plugin authors import and what the gateway compiles pipelines with.
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
} from './types.js';
export { definePlugin } from './types.js';
export { DelayedError, PluginError, UnrecoverableError } from '../errors.js';
export { drop, fail, keep } from './results.js';
export { BUILTIN_PLUGINS, PluginRegistry, type PluginRegistryOptions } from './loader.js';
export { validatePluginConfig, type ConfigLocation } from './config.js';
export {
  compilePipeline,
  DEFAULT_STEP_TIMEOUT_MS,
  type CompiledPipeline,
  type CompileOptions,
  type PipelineResult,
  type RunContext,
} from './runner.js';
export { runPlugin, structuredJson, type PluginRun, type RunPluginOptions } from './testkit.js';
export { getAt, hasAt, parsePointer, removeAt, setAt } from './pointer.js';
export { describeOwner } from './owner.js';
