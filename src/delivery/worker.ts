// Delivery workers: pull tasks from the deliveries stream, render them through the target's pipeline
// (transform → format → sign), POST, log the attempt, and settle the JetStream message: ack on success or
// final failure (after the dead letter is durable), nak with the retry delay otherwise. Retry timing lives
// in JetStream, so a restart loses no scheduled retry.
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { encodeHttp } from '../cloudevents/http.js';
import type { CloudEvent } from '../cloudevents/event.js';
import type { GatewayConfig } from '../config/types.js';
import { ErrorCodes, GatewayError } from '../errors.js';
import { Semaphore } from '../ingest/semaphore.js';
import type { DeadLetterPublisher } from '../nats/deadletter.js';
import { DELIVER_CONSUMER } from '../nats/provision.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { OutgoingMessage } from '../pipeline/types.js';
import { signStandardWebhook } from '../signing/mod.js';
import type { Attempt, Store } from '../store/types.js';
import { maskHeaders } from './mask.js';
import { fromError, fromResponse, type Outcome } from './outcome.js';
import type { Sender, SendResult } from './sender.js';
import type { ResolvedTarget, TargetResolver } from './target.js';
import { decodeTask, type DeliveryTask } from './task.js';

/** Back-off for a task that could not be settled because the store or NATS failed. */
const INFRA_RETRY_MS = 2000;

export interface WorkerDeps {
  js: JetStreamClient;
  config: GatewayConfig;
  targets: TargetResolver;
  sender: Sender;
  store: Store;
  deadLetter: DeadLetterPublisher;
  metrics: Metrics;
  logger: Logger;
}

export class DeliveryWorker {
  #messages?: ConsumerMessages;
  #loop?: Promise<void>;
  readonly #slots: Semaphore;

  constructor(private readonly deps: WorkerDeps) {
    this.#slots = new Semaphore(deps.config.delivery.concurrency);
  }

  async start(): Promise<void> {
    const consumer = await this.deps.js.consumers.get(this.deps.config.nats.deliveries.name, DELIVER_CONSUMER);
    this.#messages = await consumer.consume({ max_messages: Math.min(this.deps.config.delivery.concurrency, 256) });
    this.#loop = this.#run(this.#messages);
  }

  /** Stops pulling, lets in-flight requests finish, flushes the attempt log. */
  async stop(): Promise<void> {
    this.#messages?.stop();
    await this.#loop;
    await this.#slots.idle(this.deps.config.delivery.concurrency);
    await this.deps.store.attempts.flush().catch((err) => this.deps.logger.error({ err }, 'attempt log flush failed at stop'));
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      await this.#slots.acquire();
      void this.#handle(m)
        .catch((err) => {
          this.deps.logger.error({ err, seq: m.seq }, 'delivery failed unexpectedly; retrying');
          m.nak(INFRA_RETRY_MS);
        })
        .finally(() => this.#slots.release());
    }
  }

  async #handle(m: JsMsg): Promise<void> {
    let task: DeliveryTask;
    try {
      task = decodeTask(m.data);
    } catch (err) {
      const error = new GatewayError(ErrorCodes.EVENT_MALFORMED, `not a delivery task: ${(err as Error).message}`);
      await this.deps.deadLetter.publish({ stage: 'delivery', error, body: m.data, origin: `deliveries:${m.seq}` });
      m.term();
      return;
    }
    const target = await this.deps.targets.resolve(task.target);
    if (!target) {
      await this.deps.store.deliveries.recordAttempt(task.deliveryId, {
        state: 'dropped',
        nextAttemptAt: null,
        lastError: { code: ErrorCodes.STORE_NOT_FOUND, message: 'the target no longer exists' },
      });
      m.ack();
      this.deps.metrics.deliveryAttempts.inc({ outcome: 'dropped' });
      return;
    }
    await this.#attempt(m, task, target, m.info.deliveryCount);
  }

  async #attempt(m: JsMsg, task: DeliveryTask, target: ResolvedTarget, attempt: number): Promise<void> {
    const { metrics, logger, store, sender } = this.deps;
    const startedAt = new Date();
    const ctx = { owner: target.owner, deliveryId: task.deliveryId, attempt, keys: target.keys, logger };
    const rendered = await target.pipeline.run(task.event, ctx, (e: CloudEvent) => defaultFormat(e, target.contentMode));
    if (rendered.kind === 'drop') {
      await store.deliveries.recordAttempt(task.deliveryId, {
        state: 'dropped',
        nextAttemptAt: null,
        lastError: { code: 'CEG_DROPPED', message: `dropped by ${rendered.step ?? 'pipeline'}: ${rendered.reason}` },
      });
      m.ack();
      metrics.pipelineDrops.inc({ step: rendered.step ?? 'pipeline' });
      metrics.deliveryAttempts.inc({ outcome: 'dropped' });
      return;
    }
    let message: OutgoingMessage | undefined;
    let result: SendResult | undefined;
    let outcome: Outcome;
    if (rendered.kind === 'fail') {
      outcome = fromError(rendered.error, attempt, target.retry);
    } else {
      message = rendered.value;
      message = { body: message.body, headers: { ...target.headers, ...message.headers } };
      // Standard Webhooks by default; a pipeline with its own sign step chooses another scheme
      if (target.keys.length && !target.pipeline.steps.some((s) => s.stage === 'sign')) {
        const signed = signStandardWebhook({ id: task.deliveryId, body: message.body, secrets: target.keys.map((k) => k.secret) });
        message.headers = { ...message.headers, ...signed };
      }
      metrics.inFlight.inc();
      try {
        result = await sender.send({ url: target.url, method: target.method, message, timeoutMs: target.timeoutMs });
        outcome = fromResponse(result, attempt, target.retry);
      } catch (err) {
        outcome = fromError(err, attempt, target.retry);
      } finally {
        metrics.inFlight.dec();
      }
    }
    const finishedAt = new Date();
    const nextAttemptAt = outcome.kind === 'retry' ? new Date(finishedAt.getTime() + outcome.delayMs) : undefined;
    const error = outcome.kind === 'success' ? undefined : outcome.error;
    store.attempts.append(attemptRecord(task, target, attempt, message, result, error, startedAt, finishedAt, nextAttemptAt));
    if (result) metrics.deliveryDuration.observe(result.durationMs / 1000);

    const state = outcome.kind === 'success' ? 'succeeded' : outcome.kind === 'retry' ? 'pending' : 'failed';
    await store.deliveries.recordAttempt(task.deliveryId, {
      state,
      at: finishedAt,
      nextAttemptAt: nextAttemptAt ?? null,
      lastError: error ? { code: error.code, message: error.message, ...(result ? { status: result.status } : {}) } : null,
    });
    switch (outcome.kind) {
      case 'success':
        m.ack();
        metrics.deliveryAttempts.inc({ outcome: 'success' });
        metrics.endToEndLatency.observe((Date.now() - task.ingestedAt) / 1000);
        return;
      case 'retry':
        m.nak(outcome.delayMs);
        metrics.deliveryAttempts.inc({ outcome: 'retry' });
        logger.debug({ delivery: task.deliveryId, attempt, delayMs: outcome.delayMs, code: outcome.error.code }, 'delivery will be retried');
        return;
      case 'failed':
        await this.deps.deadLetter.publish({
          stage: 'delivery',
          type: task.event.type,
          error: outcome.error,
          body: m.data,
          origin: `${this.deps.config.nats.deliveries.name}:${m.seq}`,
          target: target.routeId ?? target.subscriptionId,
          attempts: attempt,
          msgId: `delivery-${task.deliveryId}`,
        });
        m.term();
        metrics.deliveryAttempts.inc({ outcome: 'failed' });
        logger.warn({ delivery: task.deliveryId, attempt, code: outcome.error.code, err: outcome.error.message }, 'delivery failed for good');
    }
  }
}

function defaultFormat(event: CloudEvent, mode: 'binary' | 'structured'): OutgoingMessage {
  return encodeHttp(event, mode);
}

function attemptRecord(
  task: DeliveryTask,
  target: ResolvedTarget,
  attempt: number,
  message: OutgoingMessage | undefined,
  result: SendResult | undefined,
  error: GatewayError | undefined,
  startedAt: Date,
  finishedAt: Date,
  nextAttemptAt: Date | undefined,
): Omit<Attempt, 'id'> {
  return {
    deliveryId: task.deliveryId,
    tenantId: target.tenantId,
    subscriptionId: target.subscriptionId,
    routeId: target.routeId,
    eventId: task.event.id,
    eventType: task.event.type,
    attempt,
    trigger: task.trigger,
    request: { url: target.url, method: target.method, headers: maskHeaders(message?.headers ?? {}) },
    response: result ? { status: result.status, headers: result.headers, bodyExcerpt: result.bodyExcerpt } : undefined,
    error: error ? { code: error.code, message: error.message } : undefined,
    durationMs: Math.round(result?.durationMs ?? finishedAt.getTime() - startedAt.getTime()),
    startedAt,
    finishedAt,
    nextAttemptAt,
  };
}

