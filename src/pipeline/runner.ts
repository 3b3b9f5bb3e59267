// Compiles a step list into a pipeline and runs events through it. Everything that can be decided
// once — loading, config validation, setup, stage order, time budgets — is decided here at compile
// time; per event, the runner only calls the plugins' methods, normalizes what they return and maps
// what they throw to retry-or-dead-letter failures.
import type { Logger } from 'pino';
import type { CloudEvent } from '../cloudevents/event.js';
import { ConfigError, ErrorCodes, GatewayError, PluginError, isGatewayError } from '../errors.js';
import { validatePluginConfig } from './config.js';
import { deepFreeze } from './freeze.js';
import type { PluginRegistry } from './loader.js';
import { describeOwner } from './owner.js';
import { isStepResult } from './results.js';
import type {
  OutgoingMessage,
  PipelineOwner,
  PluginDefinition,
  PluginInstance,
  Stage,
  StepContext,
  StepResult,
  StepSpec,
} from './types.js';

export const DEFAULT_STEP_TIMEOUT_MS = 100;

// The contract order: a plugin serving several stages runs them in this order within its step.
const STAGE_ORDER: readonly Stage[] = ['filter', 'transform', 'format', 'sign'];
// Filters and transforms interleave freely before the format; signs come after it.
const PHASE: Record<Stage, number> = { filter: 0, transform: 0, format: 1, sign: 2 };

export interface CompileOptions {
  owner: PipelineOwner;
  /** JSON pointer of the step list in its document, e.g. `/routes/2/pipeline` */
  where: string;
  registry: PluginRegistry;
  /** per-step budget unless a step sets `timeoutMs` */
  defaultTimeoutMs?: number;
  logger: Logger;
  /** project root handed to plugins' setup */
  rootDir: string;
}

export type RunContext = Omit<StepContext, 'signal'>;

/** The outcome of one event; `step` names the plugin that dropped or failed it. */
export type PipelineResult = StepResult<OutgoingMessage> & { step?: string };

export interface CompiledPipeline {
  /** one entry per stage run, in run order */
  readonly steps: readonly { name: string; stage: Stage }[];
  /**
   * Runs one event. The event is deep-frozen in place (plugins must not change it; neither should the
   * caller afterwards). `defaultFormat` builds the message when no step formats.
   */
  run(event: CloudEvent, ctx: RunContext, defaultFormat: (event: CloudEvent) => OutgoingMessage): Promise<PipelineResult>;
  /** Closes every plugin instance once; failures are logged, not thrown. */
  close(): Promise<void>;
}

interface Step {
  name: string;
  stage: Stage;
  /** pointer of the step in its document, for messages */
  at: string;
  timeoutMs: number;
  instance: PluginInstance;
}

interface Loaded {
  def: PluginDefinition<unknown>;
  spec: StepSpec;
  at: string;
  stages: Stage[];
  timeoutMs: number;
}

export async function compilePipeline(specs: StepSpec[], opts: CompileOptions): Promise<CompiledPipeline> {
  const owner = describeOwner(opts.owner);
  // everything that can be checked is checked before any plugin's setup runs
  const loaded: Loaded[] = [];
  for (const [i, spec] of specs.entries()) {
    const at = `${opts.where}/${i}`;
    const def = await opts.registry.load(spec.use, { owner: opts.owner, pointer: `${at}/use` });
    const timeoutMs = spec.timeoutMs ?? opts.defaultTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new ConfigError(ErrorCodes.CONFIG_INVALID, `${owner}, ${at}/timeoutMs: must be a positive number of ms`, {
        violations: [{ pointer: `${at}/timeoutMs`, message: 'must be a positive number', rule: 'timeoutMs' }],
      });
    }
    loaded.push({ def, spec, at, timeoutMs, stages: STAGE_ORDER.filter((s) => def.stages.includes(s)) });
  }
  checkOrder(loaded, owner);

  const configs = loaded.map(({ def, spec, at }) =>
    validatePluginConfig(def, spec.config, { owner: opts.owner, pointer: `${at}/config` }),
  );
  const steps: Step[] = [];
  const instances: PluginInstance[] = [];
  try {
    for (const [i, { def, at, stages, timeoutMs }] of loaded.entries()) {
      const instance = await setUp(def, configs[i], opts, owner, `${at}/config`);
      instances.push(instance);
      for (const stage of stages) {
        if (typeof instance[stage] !== 'function') {
          throw new PluginError(
            ErrorCodes.PLUGIN_FAILED,
            `${owner}, ${at}: plugin "${def.name}" declares the ${stage} stage but its instance has no ${stage}()`,
          );
        }
        steps.push({ name: def.name, stage, at, timeoutMs, instance });
      }
    }
  } catch (err) {
    await closeAll(instances, opts.logger);
    throw err;
  }
  return new Pipeline(steps, instances, owner, opts.logger);
}

function checkOrder(loaded: Loaded[], owner: string): void {
  let latest: { stage: Stage; name: string; at: string } | undefined;
  let formatAt: string | undefined;
  for (const { def, at, stages } of loaded) {
    for (const stage of stages) {
      if (stage === 'format' && formatAt !== undefined) {
        orderError(owner, at, `a second format step ("${def.name}"); ${formatAt} already formats`);
      }
      if (latest && PHASE[stage] < PHASE[latest.stage]) {
        orderError(owner, at, `a ${stage} step ("${def.name}") cannot come after the ${latest.stage} step ("${latest.name}" at ${latest.at})`);
      }
      if (stage === 'format') formatAt = at;
      latest = { stage, name: def.name, at };
    }
  }
}

function orderError(owner: string, at: string, message: string): never {
  throw new ConfigError(ErrorCodes.CONFIG_INVALID, `${owner}, ${at}: ${message}`, {
    violations: [{ pointer: at, message, rule: 'stage-order' }],
  });
}

/** Runs a plugin's setup; what it throws is a config problem, its violations' pointers taken as relative to the config. */
async function setUp(
  def: PluginDefinition<unknown>,
  config: unknown,
  opts: CompileOptions,
  owner: string,
  configAt: string,
): Promise<PluginInstance> {
  try {
    return await def.setup(config, { owner: opts.owner, logger: opts.logger.child({ plugin: def.name }), rootDir: opts.rootDir });
  } catch (err) {
    const reported = isGatewayError(err) ? err.violations : [];
    const violations = reported.length > 0
      ? reported.map((v) => ({ ...v, pointer: configAt + v.pointer }))
      : [{ pointer: configAt, message: (err as Error).message, rule: 'setup' }];
    throw new ConfigError(
      ErrorCodes.PLUGIN_CONFIG_INVALID,
      `${owner}: plugin "${def.name}" rejected its config: ` + violations.map((v) => `${v.pointer} ${v.message}`).join('; '),
      { violations, cause: err },
    );
  }
}

async function closeAll(instances: PluginInstance[], logger: Logger): Promise<void> {
  const results = await Promise.allSettled(instances.map(async (i) => i.close?.()));
  for (const r of results) if (r.status === 'rejected') logger.warn({ err: r.reason }, 'plugin close failed');
}

type Outcome<T> = { ok: true; value: T } | { ok: false; result: PipelineResult };

class Pipeline implements CompiledPipeline {
  readonly steps: readonly { name: string; stage: Stage }[];
  readonly #pre: Step[];
  readonly #format: Step | undefined;
  readonly #signs: Step[];
  readonly #instances: PluginInstance[];
  readonly #owner: string;
  readonly #logger: Logger;
  #closing: Promise<void> | undefined;

  constructor(steps: Step[], instances: PluginInstance[], owner: string, logger: Logger) {
    this.steps = Object.freeze(steps.map(({ name, stage }) => Object.freeze({ name, stage })));
    this.#pre = steps.filter((s) => PHASE[s.stage] === 0);
    this.#format = steps.find((s) => s.stage === 'format');
    this.#signs = steps.filter((s) => s.stage === 'sign');
    this.#instances = instances;
    this.#owner = owner;
    this.#logger = logger;
  }

  async run(input: CloudEvent, ctx: RunContext, defaultFormat: (event: CloudEvent) => OutgoingMessage): Promise<PipelineResult> {
    let event = deepFreeze(input);
    for (const step of this.#pre) {
      const out = step.stage === 'filter' ? await this.#filter(step, event, ctx) : await this.#transform(step, event, ctx);
      if (!out.ok) return out.result;
      event = out.value;
    }

    let message: OutgoingMessage;
    const format = this.#format;
    if (format) {
      const out = await this.#call(format, ctx, (c) => format.instance.format!(event, c), toMessage);
      if (!out.ok) return out.result;
      message = out.value;
    } else {
      try {
        message = defaultFormat(event);
      } catch (err) {
        return { ...failure(err, `${this.#owner}: default format failed`), step: 'default-format' };
      }
    }

    for (const step of this.#signs) {
      const signed = Object.freeze({ body: message.body, headers: Object.freeze({ ...message.headers }) });
      const out = await this.#call(step, ctx, (c) => step.instance.sign!(signed, c), toHeaders);
      if (!out.ok) return out.result;
      message = { body: message.body, headers: { ...message.headers, ...out.value } };
    }
    return { kind: 'continue', value: message };
  }

  async #filter(step: Step, event: CloudEvent, ctx: RunContext): Promise<Outcome<CloudEvent>> {
    const out = await this.#call(
      step,
      ctx,
      async (c) => {
        const r = await step.instance.filter!(event, c);
        return isStepResult(r) && r.kind === 'continue' ? true : r;
      },
      (v) => (typeof v === 'boolean' ? v : undefined),
    );
    if (!out.ok) return out;
    if (!out.value) {
      return { ok: false, result: { kind: 'drop', reason: `filtered out by ${step.at} (${step.name})`, step: step.name } };
    }
    return { ok: true, value: event };
  }

  async #transform(step: Step, event: CloudEvent, ctx: RunContext): Promise<Outcome<CloudEvent>> {
    const out = await this.#call(step, ctx, (c) => step.instance.transform!(event, c), toEvent);
    return out.ok ? { ok: true, value: deepFreeze(out.value) } : out;
  }

  /**
   * Calls one stage under its time budget and turns whatever happens into an Outcome. `accept` checks a
   * plain return value (or a result's `continue` value) and returns it typed, or undefined when it is not one.
   */
  async #call<T>(
    step: Step,
    ctx: RunContext,
    invoke: (ctx: StepContext) => unknown,
    accept: (value: unknown) => T | undefined,
  ): Promise<Outcome<T>> {
    const label = `${this.#owner}, ${step.at} (${step.name})`;
    // the budget's signal is made when a step first reads it: an AbortController per call was a tenth of
    // a sign step's cost, and most steps never look
    let budget: AbortController | undefined;
    let overrun: PluginError | undefined;
    const stepCtx: StepContext = {
      ...ctx,
      get signal() {
        if (!budget) {
          budget = new AbortController();
          if (overrun) budget.abort(overrun);
        }
        return budget.signal;
      },
    };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        overrun = timeoutError(label, step.timeoutMs);
        budget?.abort(overrun);
        reject(overrun);
      }, step.timeoutMs);
    });
    const started = performance.now();
    let returned: unknown;
    try {
      returned = await Promise.race([Promise.resolve().then(() => invoke(stepCtx)), expired]);
    } catch (err) {
      return { ok: false, result: { ...failure(err, `${label} failed`), step: step.name } };
    } finally {
      clearTimeout(timer);
    }
    // a synchronous step blocks the timer, so its overrun only shows once it has returned
    if (performance.now() - started > step.timeoutMs) {
      return { ok: false, result: { kind: 'fail', error: timeoutError(label, step.timeoutMs), step: step.name } };
    }

    const result = isStepResult(returned) ? returned : { kind: 'continue' as const, value: returned };
    if (result.kind === 'drop') return { ok: false, result: { ...result, step: step.name } };
    if (result.kind === 'fail') return { ok: false, result: { ...failure(result.error, `${label} failed`), step: step.name } };
    const value = accept(result.value);
    if (value !== undefined) return { ok: true, value };
    const error = new PluginError(
      ErrorCodes.PLUGIN_FAILED,
      `${label}: ${step.stage}() returned something that is not a valid ${step.stage} result`,
    );
    return { ok: false, result: { kind: 'fail', error, step: step.name } };
  }

  close(): Promise<void> {
    this.#closing ??= closeAll(this.#instances, this.#logger);
    return this.#closing;
  }
}

function timeoutError(label: string, ms: number): PluginError {
  return new PluginError(ErrorCodes.PLUGIN_TIMEOUT, `${label} exceeded its ${ms} ms budget`, { retryable: true });
}

/** What a thrown value means: our own errors say it themselves; anything else is a retryable plugin failure. */
function failure(err: unknown, context: string): { kind: 'fail'; error: GatewayError } {
  if (isGatewayError(err)) return { kind: 'fail', error: err };
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'fail', error: new PluginError(ErrorCodes.PLUGIN_FAILED, `${context}: ${message}`, { retryable: true, cause: err }) };
}

function toEvent(value: unknown): CloudEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const valid =
    e.specversion === '1.0' &&
    [e.id, e.source, e.type].every((a) => typeof a === 'string' && a !== '') &&
    !('data' in e && 'data_base64' in e);
  return valid ? (value as CloudEvent) : undefined;
}

function toMessage(value: unknown): OutgoingMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { body, headers } = value as Partial<OutgoingMessage>;
  const normalized = toHeaders(headers ?? {});
  return body instanceof Uint8Array && normalized ? { body, headers: normalized } : undefined;
}

/** Header maps with string values; names are lower-cased as OutgoingMessage promises. */
function toHeaders(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') return undefined;
    headers[name.toLowerCase()] = v;
  }
  return headers;
}
