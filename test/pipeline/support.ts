// Shared fixtures for the pipeline and plugin tests: a sample event, a run context and a compiler
// over a registry that knows the built-ins plus any in-test plugin definitions.
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import {
  compilePipeline,
  PluginRegistry,
  structuredJson,
  type CompiledPipeline,
  type PipelineOwner,
  type PluginDefinition,
  type RunContext,
  type StepSpec,
} from '../../src/pipeline/mod.js';

export const rootDir = fileURLToPath(new URL('../../', import.meta.url));
export const logger = pino({ level: 'silent' });
export const owner: PipelineOwner = { kind: 'route', id: 'audit' };

export function sampleEvent(overrides: Partial<CloudEvent> = {}): CloudEvent {
  return {
    specversion: '1.0',
    id: 'evt-1',
    source: '/billing',
    type: 'com.example.invoice.paid',
    time: '2026-01-02T03:04:05Z',
    datacontenttype: 'application/json',
    data: { amount: 4200, currency: 'EUR', customer: { email: 'jane.doe@example.com', name: 'Zoë 🚀' } },
    ...overrides,
  };
}

export function runContext(overrides: Partial<RunContext> = {}): RunContext {
  return { owner, deliveryId: 'msg_1', attempt: 1, keys: [], logger, ...overrides };
}

export function compile(
  steps: StepSpec[],
  plugins: PluginDefinition<never>[] = [],
  opts: { defaultTimeoutMs?: number; owner?: PipelineOwner } = {},
): Promise<CompiledPipeline> {
  const registry = new PluginRegistry({ rootDir });
  for (const p of plugins) registry.define(p);
  return compilePipeline(steps, {
    owner: opts.owner ?? owner,
    where: '/routes/2/pipeline',
    registry,
    logger,
    rootDir,
    defaultTimeoutMs: opts.defaultTimeoutMs,
  });
}

/** Runs one event with the structured JSON default format. */
export async function runOnce(pipeline: CompiledPipeline, event: CloudEvent, ctx: Partial<RunContext> = {}) {
  return pipeline.run(event, runContext(ctx), structuredJson);
}

export function bodyJson(body: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(body));
}

/** The error a promise rejects with, or a failure when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; violations?: { pointer: string }[] }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
