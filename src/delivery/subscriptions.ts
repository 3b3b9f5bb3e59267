// Subscription targets for the delivery worker. Active subscriptions arrive with every routing reload;
// each one's pipeline is compiled once per revision. The subscription's content mode and signing scheme
// become pipeline steps (webhook-envelope, sign), so one runner does the work for routes and subscriptions.
import { toMs } from '../config/duration.js';
import type { GatewayConfig, RetryPolicy } from '../config/types.js';
import type { Logger } from '../observe/logger.js';
import { compilePipeline, type PluginRegistry } from '../pipeline/mod.js';
import type { SigningKey, StepSpec } from '../pipeline/types.js';
import type { Store, Subscription } from '../store/types.js';
import type { TargetLimits } from './budget.js';
import { HELD, type ResolvedTarget, type TargetResolver } from './target.js';
import type { TaskTarget } from './task.js';

interface Compiled {
  revision: number;
  target: ResolvedTarget;
}

interface CompileEntry {
  promise: Promise<Compiled>;
  /** set once the compile succeeded */
  done?: Compiled;
}

export class SubscriptionTargets implements TargetResolver {
  #active = new Map<string, Subscription>();
  /** each compile, with its result once it is there: every delivery looks its target up without awaiting */
  readonly #compiled = new Map<string, CompileEntry>();

  constructor(
    private readonly deps: { store: Store; plugins: PluginRegistry; config: GatewayConfig; logger: Logger },
  ) {}

  /** The active subscriptions, from a routing reload; compiled pipelines of changed ones are dropped. */
  load(subs: Subscription[]): void {
    this.#active = new Map(subs.map((s) => [s.id, s]));
    for (const [id, entry] of this.#compiled) {
      const now = this.#active.get(id);
      void entry.promise.then(
        (c) => {
          if (!now || now.revision !== c.revision) this.#drop(id, entry);
        },
        () => this.#drop(id, entry),
      );
    }
  }

  resolve(target: TaskTarget): Promise<ResolvedTarget | typeof HELD | undefined> {
    if (target.kind !== 'subscription') return Promise.resolve(undefined);
    const sub = this.#active.get(target.id);
    if (sub && sub.tenantId === target.tenantId) return this.targetFor(sub);
    return this.#inactive(target);
  }

  /** The compiled target of a subscription whatever its state (the API's test send uses it). */
  targetFor(sub: Subscription): Promise<ResolvedTarget> {
    const done = this.#compiled.get(sub.id)?.done;
    // the common case, a revision compiled before: nothing to wait for
    if (done && done.revision === sub.revision) return Promise.resolve(done.target);
    return this.#recompile(sub);
  }

  async #recompile(sub: Subscription): Promise<ResolvedTarget> {
    const entry = this.#compiled.get(sub.id);
    const existing = entry && (await entry.promise.catch(() => undefined));
    if (existing && existing.revision === sub.revision) return existing.target;
    if (entry) this.#drop(sub.id, entry);
    const next: CompileEntry = { promise: this.#compile(sub) };
    next.promise.then(
      (c) => (next.done = c),
      () => {},
    );
    this.#compiled.set(sub.id, next);
    return (await next.promise).target;
  }

  /** Not active: a paused subscription holds its tasks until resumed; a disabled or deleted one takes nothing. */
  async #inactive(target: Extract<TaskTarget, { kind: 'subscription' }>): Promise<typeof HELD | undefined> {
    const stored = await this.deps.store.subscriptions.get(target.tenantId, target.id);
    return stored?.state === 'paused' ? HELD : undefined;
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.#compiled.values()].map((e) => e.promise));
    this.#compiled.clear();
    await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.target.pipeline.close() : undefined)));
  }

  /** Forgets a compiled pipeline and closes it, unless a newer compile has replaced it meanwhile. */
  #drop(id: string, entry: CompileEntry): void {
    if (this.#compiled.get(id) !== entry) return;
    this.#compiled.delete(id);
    void entry.promise.then(
      (c) => c.target.pipeline.close(),
      () => {},
    );
  }

  async #compile(sub: Subscription): Promise<Compiled> {
    const { config, plugins, logger } = this.deps;
    const owner = { kind: 'subscription' as const, id: sub.id, tenantId: sub.tenantId };
    const pipeline = await compilePipeline(subscriptionSteps(sub), {
      owner,
      where: '/pipeline',
      registry: plugins,
      defaultTimeoutMs: config.plugins.timeoutMs,
      logger,
      rootDir: config.rootDir,
    });
    const now = Date.now();
    const keys: SigningKey[] = sub.secrets
      .filter((s) => !s.expiresAt || s.expiresAt.getTime() > now)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((s) => ({ id: s.id, secret: s.secret }));
    return {
      revision: sub.revision,
      target: {
        owner,
        url: sub.sink,
        method: sub.protocolsettings?.method ?? 'POST',
        headers: sub.protocolsettings?.headers ?? {},
        contentMode: sub.contentMode === 'structured' ? 'structured' : 'binary',
        keys,
        pipeline,
        retry: retryPolicy(sub.retry) ?? config.delivery.retry,
        timeoutMs: config.delivery.timeoutMs,
        limits: limitsOf(sub.rateLimit, config.delivery.maxConcurrencyPerTarget),
        subscriptionId: sub.id,
        tenantId: sub.tenantId,
      },
    };
  }
}

/** The subscription's own steps, then the format its content mode implies and the sign step its scheme needs. */
export function subscriptionSteps(sub: Pick<Subscription, 'pipeline' | 'contentMode' | 'signing'>): StepSpec[] {
  const steps: StepSpec[] = [...(sub.pipeline ?? [])];
  if (sub.contentMode === 'webhook' && !steps.some((s) => s.use === 'webhook-envelope' || s.use === 'siem')) {
    steps.push({ use: 'webhook-envelope' });
  }
  const scheme = sub.signing?.scheme;
  // Standard Webhooks is what the worker signs with by default; other schemes are an explicit step
  if (scheme && scheme !== 'standard-webhooks' && !steps.some((s) => s.use === 'sign')) {
    steps.push({ use: 'sign', config: sub.signing });
  }
  return steps;
}

function retryPolicy(retry: object | undefined): RetryPolicy | undefined {
  const r = retry as { schedule?: Array<number | string>; jitter?: number } | undefined;
  if (!r?.schedule) return undefined;
  return { scheduleMs: r.schedule.map(toMs), jitter: r.jitter ?? 0.2 };
}


function limitsOf(rateLimit: object | undefined, maxConcurrency: number): TargetLimits {
  const r = rateLimit as { perSecond?: number; burst?: number; maxConcurrency?: number } | undefined;
  return { maxConcurrency: r?.maxConcurrency ?? maxConcurrency, perSecond: r?.perSecond, burst: r?.burst };
}
