// The plugin contract. A plugin declares its name, version, the stages it serves and a JSON Schema for
// its config; `setup` runs once per use (route or subscription) and returns an instance with everything
// compiled, so the per-event methods do no parsing.
import type { Logger } from 'pino';
import type { CloudEvent } from '../cloudevents/event.js';
import type { GatewayError } from '../errors.js';

export type Stage = 'filter' | 'transform' | 'format' | 'sign';

/** The bytes that go on the wire and the headers that describe them (lower-case names). */
export interface OutgoingMessage {
  body: Uint8Array;
  headers: Record<string, string>;
}

/** Where a pipeline runs: named in logs, metrics and error messages. */
export interface PipelineOwner {
  kind: 'route' | 'subscription';
  id: string;
  tenantId?: string;
}

/** A signing secret; during rotation several are active and each signs. */
export interface SigningKey {
  id: string;
  /** raw secret as shown to the tenant, e.g. `whsec_…` */
  secret: string;
}

export interface StepContext {
  owner: PipelineOwner;
  /** stable across retries of one delivery (the `webhook-id`) */
  deliveryId: string;
  attempt: number;
  /** active signing secrets, newest first */
  keys: SigningKey[];
  logger: Logger;
  /** aborted when the step's time budget runs out */
  signal: AbortSignal;
}

export interface SetupContext {
  owner: PipelineOwner;
  logger: Logger;
  /** project root; plugins resolve relative files from here */
  rootDir: string;
}

/** What a step decided. `fail` carries a GatewayError whose `retryable` picks retry or dead-letter. */
export type StepResult<T> =
  | { kind: 'continue'; value: T }
  | { kind: 'drop'; reason: string }
  | { kind: 'fail'; error: GatewayError };

type MaybePromise<T> = T | Promise<T>;

export interface PluginInstance {
  /** keep (true / continue) or drop the event */
  filter?(event: Readonly<CloudEvent>, ctx: StepContext): MaybePromise<boolean | StepResult<void>>;
  /** a new event from the old one; the input must not be mutated */
  transform?(event: Readonly<CloudEvent>, ctx: StepContext): MaybePromise<CloudEvent | StepResult<CloudEvent>>;
  /** the outgoing body, content type and headers */
  format?(event: Readonly<CloudEvent>, ctx: StepContext): MaybePromise<OutgoingMessage | StepResult<OutgoingMessage>>;
  /** headers to add, computed over the exact body that is sent */
  sign?(message: Readonly<OutgoingMessage>, ctx: StepContext): MaybePromise<Record<string, string> | StepResult<Record<string, string>>>;
  close?(): MaybePromise<void>;
}

export interface PluginDefinition<Config = unknown> {
  name: string;
  version: string;
  stages: Stage[];
  /** JSON Schema (draft 2020-12 or 07) for the step's `config` */
  configSchema: object;
  setup(config: Config, ctx: SetupContext): MaybePromise<PluginInstance>;
}

/** One step of a pipeline as written in gateway.yaml or a subscription. */
export interface StepSpec {
  use: string;
  config?: unknown;
  /** per-step time budget override in ms (default from config, 100 ms) */
  timeoutMs?: number;
}

export function definePlugin<Config>(def: PluginDefinition<Config>): PluginDefinition<Config> {
  return def;
}
