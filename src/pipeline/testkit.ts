// Runs one plugin on one event without a gateway, through the same runner the gateway uses, so a
// plugin's tests see exactly the config validation, freezing, time budget and error mapping it gets in
// production.
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import type { CloudEvent } from '../cloudevents/event.js';
import type { GatewayError } from '../errors.js';
import { PluginRegistry } from './loader.js';
import { compilePipeline } from './runner.js';
import type { OutgoingMessage, PipelineOwner, PluginDefinition, StepContext } from './types.js';

export interface RunPluginOptions {
  /** context fields to override: `keys` for signing plugins, `owner`, `deliveryId`, `attempt` */
  ctx?: Partial<Omit<StepContext, 'signal' | 'logger'>>;
  /** builds the message when the plugin formats nothing itself; default: structured JSON of the event */
  format?: (event: CloudEvent) => OutgoingMessage;
  timeoutMs?: number;
  rootDir?: string;
}

export type PluginRun =
  | {
      kind: 'continue';
      value: OutgoingMessage;
      /** the event after the plugin's filter/transform stages; undefined when the plugin formats itself */
      event: CloudEvent | undefined;
    }
  | { kind: 'drop'; reason: string }
  | { kind: 'fail'; error: GatewayError };

const owner: PipelineOwner = { kind: 'route', id: 'testkit' };

/** The CloudEvents structured JSON mode, the gateway's usual default format. */
export function structuredJson(event: CloudEvent): OutgoingMessage {
  return {
    body: new TextEncoder().encode(JSON.stringify(event)),
    headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
  };
}

/**
 * Validates `config` (throws CEG_ERR_PLUGIN_CONFIG_INVALID like the gateway would), sets the plugin up,
 * runs its stages on `event`, closes it and returns the outcome.
 */
export async function runPlugin<Config>(
  definition: PluginDefinition<Config>,
  config: unknown,
  event: CloudEvent,
  opts: RunPluginOptions = {},
): Promise<PluginRun> {
  const logger = pino({ level: 'silent' });
  const rootDir = opts.rootDir ?? tmpdir();
  const registry = new PluginRegistry({ rootDir }).define(definition as PluginDefinition<never>);
  const pipeline = await compilePipeline([{ use: definition.name, config, timeoutMs: opts.timeoutMs }], {
    owner: opts.ctx?.owner ?? owner,
    where: '/pipeline',
    registry,
    logger,
    rootDir,
  });
  let formatted: CloudEvent | undefined;
  const format = opts.format ?? structuredJson;
  try {
    const result = await pipeline.run(
      event,
      { owner, deliveryId: `msg_${event.id}`, attempt: 1, keys: [], logger, ...opts.ctx },
      (e) => {
        formatted = e;
        return format(e);
      },
    );
    if (result.kind === 'continue') return { kind: 'continue', value: result.value, event: formatted };
    return result.kind === 'drop' ? { kind: 'drop', reason: result.reason } : { kind: 'fail', error: result.error };
  } finally {
    await pipeline.close();
  }
}
