// Delivery workers: pull tasks from the deliveries stream, render them through the target's pipeline
// (transform → format → sign), POST, record the outcome and the attempt, and settle the JetStream message:
// ack on success or final failure (after the dead letter is durable), nak with the retry delay otherwise.
// Retry timing lives in JetStream, so a restart loses no scheduled retry. First attempts may also run
// inline, straight from ingest (inline.ts).
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { encodeHttp } from '../cloudevents/http.js';
import type { CloudEvent } from '../cloudevents/event.js';
import type { GatewayConfig, RetryPolicy } from '../config/types.js';
import { ErrorCodes, GatewayError } from '../errors.js';
import { Semaphore } from '../ingest/semaphore.js';
import type { DeadLetterPublisher } from '../nats/deadletter.js';
import { DELIVER_CONSUMER } from '../nats/provision.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { OutgoingMessage } from '../pipeline/types.js';
import { signStandardWebhook } from '../signing/mod.js';
import type { Attempt, Store } from '../store/types.js';
import { TargetBudgets } from './budget.js';
import { maskHeaders } from './mask.js';
import { isOperational } from '../routing/operational.js';
import { deliveryFailedEvent, type DisableReason } from './operational.js';
import { HANDOFF_MARGIN_MS, InlineHealth } from './inline.js';
import { fromError, fromResponse, type Outcome } from './outcome.js';
import type { Sender, SendResult } from './sender.js';
import { HELD, type ResolvedTarget, type TargetResolver } from './target.js';
import { decodeTask, encodeTask, targetKey, type DeliveryTask } from './task.js';

/** How often a task of a paused subscription is looked at again. */
const HOLD_MS = 5000;
/** Back-off for a task that could not be settled because the store or NATS failed. */
const INFRA_RETRY_MS = 2000;
/** A fresh task waiting for an inline slot takes the deliveries stream instead once no slot was freed for this long. */
const SLOT_STALL_MS = 100;
/** A task due later than this is handed back until it is due; within it, a timer's lateness is not worth a round trip. */
const EARLY_SLACK_MS = 20;
/** A manual redelivery is one attempt: its failure is final, not the start of a new schedule. */
const ONE_ATTEMPT: RetryPolicy = { scheduleMs: [0], jitter: 0 };

/**
 * The pipeline freezes the events it runs, so an event fanned out to many targets is encoded once per
 * content mode; the message is shared read-only (the runner hands sign steps a frozen copy of its headers)
 */
const encodings = new WeakMap<CloudEvent, Partial<Record<'binary' | 'structured', OutgoingMessage>>>();
function encodeOnce(event: CloudEvent, mode: 'binary' | 'structured'): OutgoingMessage {
  let byMode = encodings.get(event);
  if (!byMode) encodings.set(event, (byMode = {}));
  return (byMode[mode] ??= encodeHttp(event, mode));
}
/** The default formats, made once rather than a closure per attempt. */
const DEFAULT_FORMAT = {
  binary: (event: CloudEvent) => encodeOnce(event, 'binary'),
  structured: (event: CloudEvent) => encodeOnce(event, 'structured'),
} as const;

export interface WorkerDeps {
  js: JetStreamClient;
  config: GatewayConfig;
  targets: TargetResolver;
  sender: Sender;
  store: Store;
  deadLetter: DeadLetterPublisher;
  metrics: Metrics;
  logger: Logger;
  /** publishes a task to the deliveries stream, its delivery id as msg id (Admitter.enqueue) */
  enqueue(task: DeliveryTask): Promise<unknown>;
  /** publishes an operational event into the ingest stream */
  emit(event: CloudEvent): Promise<unknown>;
  /** the instances sharing the deliveries stream, which share each target's limits */
  peers: { count(): number };
  /** disables a subscription (410 Gone, …) and tells every instance */
  disable(tenantId: string, subscriptionId: string, reason: DisableReason, error: GatewayError, failures?: number): Promise<void>;
}

/** What one attempt did. */
export interface Executed {
  outcome: Outcome | { kind: 'dropped'; reason: string };
  attempt?: Attempt;
}

export class DeliveryWorker {
  readonly #loops = new Map<string, { messages: ConsumerMessages; done: Promise<void> }>();
  readonly #slots: Semaphore;
  /**
   * Inline attempts have their own slots: sharing the stream loop's would let a backlog there, holding them
   * all, push every fresh delivery onto the costlier path, which only grows the backlog
   */
  readonly #inlineSlots: Semaphore;
  readonly #budgets: TargetBudgets;
  readonly #inline = new InlineHealth();

  constructor(private readonly deps: WorkerDeps) {
    this.#slots = new Semaphore(deps.config.delivery.concurrency);
    this.#budgets = new TargetBudgets(() => deps.peers.count());
    this.#inlineSlots = new Semaphore(deps.config.delivery.concurrency);
  }

  /** Starts on the shared consumer of unordered tasks. */
  start(): Promise<void> {
    return this.attach(DELIVER_CONSUMER, Math.min(this.deps.config.delivery.concurrency, 256));
  }

  /** Pulls from one more durable consumer of the deliveries stream (an ordered partition pulls one at a time). */
  async attach(consumerName: string, batch = 1): Promise<void> {
    if (this.#loops.has(consumerName)) return;
    const consumer = await this.deps.js.consumers.get(this.deps.config.nats.deliveries.name, consumerName);
    const messages = await consumer.consume({ max_messages: batch });
    this.#loops.set(consumerName, { messages, done: this.#run(messages) });
  }

  async detach(consumerName: string): Promise<void> {
    const loop = this.#loops.get(consumerName);
    if (!loop) return;
    this.#loops.delete(consumerName);
    loop.messages.stop();
    await loop.done;
  }

  /** Stops pulling, lets in-flight requests finish, flushes the attempt log. */
  async stop(): Promise<void> {
    await Promise.all([...this.#loops.keys()].map((name) => this.detach(name)));
    await this.#slots.idle(this.deps.config.delivery.concurrency);
    await this.#inlineSlots.idle(this.deps.config.delivery.concurrency);
    await this.deps.store.attempts.flush().catch((err) => this.deps.logger.error({ err }, 'attempt log flush failed at stop'));
  }

  /** One attempt now, outside the queue (the API's test send); its failure is final and nothing is re-queued. */
  async deliverNow(task: DeliveryTask, target: ResolvedTarget): Promise<Executed> {
    const executed = await this.#execute(task, target, 1, ONE_ATTEMPT);
    await this.#consequences(task, target, executed);
    return executed;
  }

  /**
   * Tries the first attempt of a fresh task now, from the ingest loop (inline.ts). Undefined when it is not
   * taken (ordered, not auto, inline off, target paused, gone, cooling down or over a budget): the caller
   * enqueues it. Otherwise `durable` resolves once the outcome is durable (attempt recorded; a retry's task
   * or the dead letter published), or once a hand-off task is, if the attempt outlives the hand-off limit.
   * `origin` names the event for a dead letter.
   */
  async inline(task: DeliveryTask, origin: string): Promise<{ durable: Promise<void> } | undefined> {
    const { enabled, handoffAfterMs } = this.deps.config.delivery.inline;
    if (!enabled || task.trigger !== 'auto' || (task.target.kind === 'subscription' && task.target.partition !== undefined)) return undefined;
    const key = targetKey(task.target);
    if (!this.#inline.ok(key)) return this.#declined('cooling');
    // while slots keep freeing (fast endpoints, however long the queue in front of them), waiting lets the
    // intake slow down to the pace of delivery instead of moving work to the costlier path, which would only
    // grow the queue; slots that all hang (slow endpoints) send the rest to the stream. The wait is bounded by
    // half the hand-off limit: slot and attempt together stay within three quarters of the ingest ack wait
    // (the config allows a hand-off limit of at most half of it), so JetStream does not offer the event again.
    if (!(await this.#inlineSlots.acquireWhileMoving(SLOT_STALL_MS, handoffAfterMs / 2))) return this.#declined('busy');
    let target: ResolvedTarget | typeof HELD | undefined;
    try {
      target = await this.deps.targets.resolve(task.target);
    } catch {
      target = undefined; // the queued path resolves it again, and retries when that fails
    }
    if (!target || target === HELD || this.#budgets.take(key, target.limits) > 0) {
      this.#inlineSlots.release();
      return this.#declined(!target || target === HELD ? 'target' : 'budget');
    }
    return { durable: this.#runInline(task, target, key, origin) };
  }

  #declined(reason: 'cooling' | 'busy' | 'target' | 'budget'): undefined {
    this.deps.metrics.inlineAttempts.inc({ result: `declined_${reason}` });
    return undefined;
  }

  #runInline(task: DeliveryTask, target: ResolvedTarget, key: string, origin: string): Promise<void> {
    const { metrics, logger, config } = this.deps;
    const startedAt = Date.now();
    // the follow-up is a method, not a closure bound to a name (the TypeScript loader wraps each of those in a
    // name-keeping call, ~1.5 % of the event loop here at full load), so the hand-off flag it reads is an object
    const run = { handedOff: false };
    return new Promise<void>((resolve, reject) => {
      const handoff = setTimeout(() => {
        run.handedOff = true;
        this.#inline.coolDown(key);
        metrics.inlineAttempts.inc({ result: 'handed_off' });
        // the task waits until the running attempt has surely ended and recorded what it did
        this.#publishTask(task, startedAt + target.timeoutMs + HANDOFF_MARGIN_MS).then(resolve, reject);
      }, config.delivery.inline.handoffAfterMs);
      // the slot and the target's budget bound requests in flight: they are free once the response is in,
      // while the attempt is still being recorded
      const free = once(() => {
        this.#budgets.release(key);
        this.#inlineSlots.release();
      });
      this.#execute(task, target, 1, target.retry, free)
        .then(
          (executed) => {
            clearTimeout(handoff);
            return this.#followUp(task, target, key, origin, executed, run);
          },
          async (err: unknown) => {
            // the store (or a plugin) failed around the request: the stream's task tries it again
            clearTimeout(handoff);
            this.#inline.coolDown(key);
            logger.warn({ err, delivery: task.deliveryId }, `inline attempt not recorded, retrying in ${INFRA_RETRY_MS} ms`);
            if (!run.handedOff) await this.#publishTask(task, Date.now() + INFRA_RETRY_MS);
          },
        )
        .finally(free)
        .then(
          () => {
            if (run.handedOff) return;
            metrics.inlineAttempts.inc({ result: 'completed' });
            resolve();
          },
          (err: unknown) => {
            if (run.handedOff) logger.error({ err, delivery: task.deliveryId }, 'cannot settle an inline attempt after its hand-off');
            else reject(err);
          },
        );
    });
  }

  /** What an inline attempt's outcome asks for next: a retry's task, or the dead letter and its consequences. */
  async #followUp(task: DeliveryTask, target: ResolvedTarget, key: string, origin: string, executed: Executed, run: { handedOff: boolean }): Promise<void> {
    const { outcome, attempt } = executed;
    if (outcome.kind !== 'success' && outcome.kind !== 'dropped') this.#inline.coolDown(key);
    // after a hand-off, the published task takes the retry from the store's next attempt time
    if (outcome.kind === 'retry' && !run.handedOff) await this.#publishTask(task, attempt!.nextAttemptAt!.getTime());
    if (outcome.kind === 'failed') await this.#failed(task, target, executed, encodeTask(task), origin);
    this.#count(task, executed);
  }

  /** Publishes a task for work left after an inline attempt; its msg id dedupes it against admission's. */
  async #publishTask(task: DeliveryTask, notBefore: number): Promise<void> {
    await this.deps.enqueue({ ...task, notBefore });
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      await this.#slots.acquire();
      void this.#handle(m)
        .catch((err) => {
          this.deps.logger.warn({ err, seq: m.seq }, `cannot settle delivery task, retrying in ${INFRA_RETRY_MS} ms`);
          m.nak(INFRA_RETRY_MS);
        })
        .finally(() => this.#slots.release());
    }
  }

  async #handle(m: JsMsg): Promise<void> {
    const { store, metrics } = this.deps;
    let task: DeliveryTask;
    try {
      task = decodeTask(m.data);
    } catch (err) {
      const error = new GatewayError(ErrorCodes.EVENT_MALFORMED, `not a delivery task: ${(err as Error).message}`);
      await this.deps.deadLetter.publish({ stage: 'delivery', error, body: m.data, origin: `${this.deps.config.nats.deliveries.name}:${m.seq}` });
      m.term();
      return;
    }
    if (this.#deferred(m, task.notBefore)) return;
    // a task seen again (redelivered, published twice around a crash, or after an inline attempt) may find its
    // delivery settled or not yet due; a first sighting of a fresh auto task needs no look-up
    const first = m.info.deliveryCount === 1 && task.trigger === 'auto' && task.notBefore === undefined;
    const delivery = first ? undefined : await store.deliveries.get(undefined, task.deliveryId);
    if (delivery && delivery.state !== 'pending' && task.trigger === 'auto') {
      m.ack();
      metrics.deliveryAttempts.inc({ outcome: 'duplicate' });
      return;
    }
    if (this.#deferred(m, task.trigger === 'auto' ? delivery?.nextAttemptAt?.getTime() : undefined)) return;
    const target = await this.deps.targets.resolve(task.target);
    if (target === HELD) {
      // the store's attempt count, not JetStream's, places it in the schedule: holding costs no attempt
      m.nak(HOLD_MS);
      metrics.deliveryAttempts.inc({ outcome: 'held' });
      return;
    }
    if (!target) {
      await store.deliveries.recordAttempt(task.deliveryId, {
        state: 'dropped',
        nextAttemptAt: null,
        lastError: { code: ErrorCodes.STORE_NOT_FOUND, message: 'the target no longer exists or is not active' },
      });
      m.ack();
      metrics.deliveryAttempts.inc({ outcome: 'dropped' });
      return;
    }
    const key = targetKey(task.target);
    const wait = this.#budgets.take(key, target.limits);
    if (wait > 0) {
      m.nak(wait);
      metrics.deliveryAttempts.inc({ outcome: 'throttled' });
      return;
    }
    const free = once(() => this.#budgets.release(key));
    try {
      const policy = task.trigger === 'manual' ? ONE_ATTEMPT : target.retry;
      // the schedule position counts real attempts (the store's count), not budget hand-backs; a replay
      // task starts its own schedule
      const n = task.trigger === 'auto' ? (delivery?.attempts ?? 0) + 1 : m.info.deliveryCount;
      const executed = await this.#execute(task, target, n, policy, free);
      await this.#settle(m, task, target, executed);
    } finally {
      free();
    }
  }

  /**
   * Renders, sends and records one attempt. `n` is the attempt's place in the retry schedule (JetStream's
   * delivery count of the task), which picks the next delay. `sent` is called as the request ends.
   */
  async #execute(task: DeliveryTask, target: ResolvedTarget, n: number, policy: RetryPolicy, sent?: () => void): Promise<Executed> {
    const { metrics, logger, store, sender } = this.deps;
    const startedAt = new Date();
    const ctx = { owner: target.owner, deliveryId: task.deliveryId, attempt: n, keys: target.keys, logger };
    const rendered = await target.pipeline.run(task.event, ctx, DEFAULT_FORMAT[target.contentMode]);
    if (rendered.kind === 'drop') {
      const reason = `dropped by ${rendered.step ?? 'pipeline'}: ${rendered.reason}`;
      await store.deliveries.recordAttempt(task.deliveryId, {
        state: 'dropped',
        nextAttemptAt: null,
        lastError: { code: 'CEG_DROPPED', message: reason },
      });
      metrics.pipelineDrops.inc({ step: rendered.step ?? 'pipeline' });
      return { outcome: { kind: 'dropped', reason } };
    }
    let message: OutgoingMessage | undefined;
    let result: SendResult | undefined;
    let outcome: Outcome;
    if (rendered.kind === 'fail') {
      outcome = fromError(rendered.error, n, policy);
    } else {
      const headers = Object.assign({}, target.headers, rendered.value.headers);
      // Standard Webhooks by default; a pipeline with its own sign step chooses another scheme
      if (target.keys.length && !target.pipeline.steps.some((s) => s.stage === 'sign')) {
        Object.assign(headers, signStandardWebhook({ id: task.deliveryId, body: rendered.value.body, secrets: target.keys.map((k) => k.secret) }));
      }
      message = { body: rendered.value.body, headers };
      metrics.inFlight.inc();
      try {
        result = await sender.send({ url: target.url, method: target.method, message, timeoutMs: target.timeoutMs });
        outcome = fromResponse(result, n, policy);
      } catch (err) {
        outcome = fromError(err, n, policy);
      } finally {
        metrics.inFlight.dec();
        sent?.();
      }
    }
    const finishedAt = new Date();
    const nextAttemptAt = outcome.kind === 'retry' ? new Date(finishedAt.getTime() + outcome.delayMs) : undefined;
    const error = outcome.kind === 'success' ? undefined : outcome.error;
    const attempts = await store.deliveries.recordAttempt(task.deliveryId, {
      state: outcome.kind === 'success' ? 'succeeded' : outcome.kind === 'retry' ? 'pending' : 'failed',
      at: finishedAt,
      nextAttemptAt: nextAttemptAt ?? null,
      lastError: error ? { code: error.code, message: error.message, ...(result ? { status: result.status } : {}) } : null,
    });
    if (result) metrics.deliveryDuration.observe(result.durationMs / 1000);
    const attempt = store.attempts.append({
      deliveryId: task.deliveryId,
      tenantId: target.tenantId,
      subscriptionId: target.subscriptionId,
      routeId: target.routeId,
      eventId: task.event.id,
      eventType: task.event.type,
      attempt: attempts,
      trigger: task.trigger,
      request: { url: target.url, method: target.method, headers: maskHeaders(message?.headers ?? {}) },
      response: result ? { status: result.status, headers: result.headers, bodyExcerpt: result.bodyExcerpt } : undefined,
      error: error ? { code: error.code, message: error.message } : undefined,
      durationMs: Math.round(result?.durationMs ?? finishedAt.getTime() - startedAt.getTime()),
      startedAt,
      finishedAt,
      nextAttemptAt,
    });
    return { outcome, attempt };
  }

  async #settle(m: JsMsg, task: DeliveryTask, target: ResolvedTarget, executed: Executed): Promise<void> {
    const { outcome } = executed;
    switch (outcome.kind) {
      case 'dropped':
      case 'success':
        m.ack();
        break;
      case 'retry':
        m.nak(outcome.delayMs);
        break;
      case 'failed':
        await this.#failed(task, target, executed, m.data, `${this.deps.config.nats.deliveries.name}:${m.seq}`);
        m.term();
    }
    this.#count(task, executed);
  }

  /** The metrics (and a retry's log line) of a settled attempt, whichever path settled it. */
  #count(task: DeliveryTask, { outcome, attempt }: Executed): void {
    const { metrics, logger } = this.deps;
    metrics.deliveryAttempts.inc({ outcome: outcome.kind });
    if (outcome.kind === 'success' && task.trigger === 'auto') metrics.endToEndLatency.observe((Date.now() - task.ingestedAt) / 1000);
    if (outcome.kind === 'retry') {
      logger.debug({ delivery: task.deliveryId, attempt: attempt?.attempt, delayMs: outcome.delayMs, code: outcome.error.code }, 'delivery will be retried');
    }
  }

  /** Hands a task back until `due` (epoch ms) while that is still ahead; true when it did. */
  #deferred(m: JsMsg, due: number | undefined): boolean {
    const wait = due === undefined ? 0 : due - Date.now();
    if (wait <= EARLY_SLACK_MS) return false;
    m.nak(wait);
    this.deps.metrics.deliveryAttempts.inc({ outcome: 'scheduled' });
    return true;
  }

  /** A final failure: its dead letter (the task as `body`), then what it means for the subscription. */
  async #failed(task: DeliveryTask, target: ResolvedTarget, executed: Executed, body: Uint8Array, origin: string): Promise<void> {
    const { outcome, attempt } = executed;
    if (outcome.kind !== 'failed') return;
    await this.deps.deadLetter.publish({
      stage: 'delivery',
      type: task.event.type,
      error: outcome.error,
      body,
      origin,
      target: target.routeId ?? target.subscriptionId,
      attempts: attempt?.attempt,
      msgId: `delivery-${task.deliveryId}-${attempt?.attempt ?? 0}`,
    });
    this.deps.logger.warn({ delivery: task.deliveryId, attempt: attempt?.attempt, code: outcome.error.code, err: outcome.error.message }, 'delivery failed for good');
    await this.#consequences(task, target, executed);
  }

  /**
   * The failed attempts of the disable window when none in it succeeded, for a subscription older than the
   * window; 0 otherwise.
   */
  async #failingForTooLong(tenantId: string, subscriptionId: string): Promise<number> {
    const { store, config } = this.deps;
    const since = new Date(Date.now() - config.delivery.disableAfterMs);
    const sub = await store.subscriptions.get(tenantId, subscriptionId);
    if (!sub || sub.state !== 'active' || sub.createdAt > since) return 0;
    const stats = await store.attempts.stats(tenantId, subscriptionId, since);
    return stats.succeeded === 0 ? stats.failed : 0;
  }

  /** What a final failure means beyond this delivery: operational events, and a gone endpoint disabled. */
  async #consequences(task: DeliveryTask, target: ResolvedTarget, executed: Executed): Promise<void> {
    const { outcome, attempt } = executed;
    if (outcome.kind !== 'failed' || !target.subscriptionId || !target.tenantId) return;
    try {
      // never about deliveries of operational events: a tenant whose endpoint for them is down would loop
      if (!isOperational(task.event.type)) {
        await this.deps.emit(
          deliveryFailedEvent({
            deliveryId: task.deliveryId,
            subscriptionId: target.subscriptionId,
            tenantId: target.tenantId,
            event: task.event,
            sink: target.url,
            attempt: attempt?.attempt ?? 1,
            error: outcome.error,
          }),
        );
      }
      if (outcome.gone) {
        await this.deps.disable(target.tenantId, target.subscriptionId, 'endpoint_gone', outcome.error);
      } else {
        const failures = await this.#failingForTooLong(target.tenantId, target.subscriptionId);
        if (failures) await this.deps.disable(target.tenantId, target.subscriptionId, 'consecutive_failures', outcome.error, failures);
      }
    } catch (err) {
      // the delivery itself is settled; a lost operational event must not re-run it
      this.deps.logger.error({ err, delivery: task.deliveryId }, 'cannot publish the consequences of a failed delivery');
    }
  }
}

/** `fn` the first time the result is called, nothing after. */
function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
