// The JetStream ingest loop: pull events from the shared durable consumer, decode (NATS binding),
// validate, admit, and ack only once the delivery tasks or the dead letter are durable.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { decodeNats } from '../cloudevents/nats.js';
import type { CloudEvent } from '../cloudevents/event.js';
import type { GatewayConfig } from '../config/types.js';
import { ErrorCodes, isGatewayError } from '../errors.js';
import type { DeadLetterPublisher } from '../nats/deadletter.js';
import { headersToMap } from '../nats/headers.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { DeliveryTask } from '../delivery/task.js';
import type { Admission, Admitter } from './admit.js';
import { OrderGate } from './gate.js';
import { InFlight } from './inflight.js';
import { Semaphore } from './semaphore.js';
import { Sequencer } from './sequencer.js';

/** How long a message waits before JetStream offers it again when a dependency (store, NATS) failed. */
const RETRY_DELAY_MS = 2000;

export interface IngestDeps {
  js: JetStreamClient;
  config: GatewayConfig;
  /** data schema validation (the decoder already checked the CloudEvents rules); throws EventError */
  validateData(event: CloudEvent): void;
  admitter: Admitter;
  /** Tries a fresh task's first attempt inline (DeliveryWorker.inline): undefined when not taken. */
  inline?(task: DeliveryTask, origin: string): Promise<{ durable: Promise<void> } | undefined>;
  deadLetter: DeadLetterPublisher;
  metrics: Metrics;
  logger: Logger;
}

export class IngestConsumer {
  #messages?: ConsumerMessages;
  #gate?: OrderGate;
  #loop?: Promise<void>;
  readonly #seq = new Sequencer();
  readonly #awaiting = new InFlight();
  readonly #slots: Semaphore;
  readonly #size: number;

  constructor(private readonly deps: IngestDeps) {
    this.#size = Math.min(deps.config.nats.consumer.maxAckPending, 128);
    this.#slots = new Semaphore(this.#size);
  }

  async start(): Promise<void> {
    const { js, config } = this.deps;
    const consumer = await js.consumers.get(config.nats.stream.name, config.nats.consumer.durable);
    // Events a killed process held come back only when their ack wait runs out, and newer events would
    // overtake them (breaking per-key order). JetStream serves due redeliveries before new messages, so
    // starting after one ack wait lets the held events go first.
    const { num_ack_pending: held } = await consumer.info();
    if (held > 0) {
      this.deps.logger.info({ held, waitMs: config.nats.consumer.ackWaitMs }, 'events held by a previous process: waiting for their redelivery');
      await sleep(config.nats.consumer.ackWaitMs);
    }
    this.#gate = new OrderGate(consumer);
    this.#messages = await consumer.consume({ max_messages: config.nats.consumer.batch });
    this.#loop = this.#run(this.#messages);
  }

  /** Stops pulling and waits for the events in hand to finish. */
  async stop(): Promise<void> {
    this.#messages?.stop();
    await this.#loop;
    await this.#slots.idle(this.#size);
    await this.#awaiting.idle();
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      await this.#slots.acquire();
      this.#gate?.received(m.seq);
      const turn = this.#seq.next();
      void this.#handle(m, turn)
        .catch((err) => this.deps.logger.error({ err, seq: m.seq }, 'ingest failed unexpectedly'))
        .finally(() => this.#slots.release());
    }
  }

  async #handle(m: JsMsg, turn: { wait: Promise<void>; done(): void }): Promise<void> {
    const { metrics, logger, admitter } = this.deps;
    let event: CloudEvent;
    try {
      const { maxBytes, maxJsonDepth } = this.deps.config.events;
      event = decodeNats(headersToMap(m.headers), m.data, { maxBytes, maxDepth: maxJsonDepth });
      this.deps.validateData(event);
    } catch (err) {
      turn.done();
      if (!isGatewayError(err)) throw err;
      await this.#deadLetter(m, err);
      return;
    }
    const ingestedAt = m.info.timestampNanos ? Math.floor(m.info.timestampNanos / 1e6) : Date.now();
    let admission: Admission;
    let inline: Array<{ durable: Promise<void> } | undefined> = [];
    let durable: Promise<unknown>;
    try {
      admission = await admitter.admit(event, ingestedAt, m.seq);
      const ordered = admission.tasks.some((t) => t.target.kind === 'subscription' && t.target.partition !== undefined);
      if (ordered && !(await this.#gate!.pass(m, this.deps.config.nats.consumer.ackWaitMs))) {
        // an earlier event is still held elsewhere: hand this one back so the earlier one can go first
        turn.done();
        m.nak();
        metrics.eventsIngested.inc({ transport: 'nats', outcome: 'retry' });
        return;
      }
      // fresh unordered deliveries try their first attempt inline; the rest go through the deliveries stream
      const origin = `${this.deps.config.nats.stream.name}:${m.seq}`;
      const fresh = admission.fresh;
      inline = await Promise.all(admission.tasks.map((t) => (fresh.has(t) ? this.deps.inline?.(t, origin) : undefined)));
      await turn.wait;
      const published = admitter.enqueue(admission.tasks.filter((_, i) => !inline[i]));
      turn.done();
      durable = Promise.all([...published, ...inline.map((i) => i?.durable)]);
    } catch (err) {
      turn.done();
      this.#retry(m, event, err);
      // attempts already under way finish on their own; the event comes back and finds what they recorded
      for (const i of inline) i?.durable.catch((e: unknown) => logger.warn({ err: e, seq: m.seq }, 'inline attempt of a retried event failed to settle'));
      return;
    }
    const settled = this.#ackOnceDurable(m, event, admission, durable);
    // inline attempts last as long as the endpoint takes to answer: the event waits for them (unacked) without
    // holding one of the slots, so a slow endpoint cannot slow the intake of everything else
    if (inline.some(Boolean)) this.#awaiting.track(settled);
    else await settled;
  }

  async #ackOnceDurable(m: JsMsg, event: CloudEvent, admission: Admission, durable: Promise<unknown>): Promise<void> {
    try {
      await durable;
    } catch (err) {
      this.#retry(m, event, err);
      return;
    }
    m.ack();
    const { logger, metrics } = this.deps;
    logger.debug({ seq: m.seq, type: event.type, id: event.id, tasks: admission.tasks.length, duplicate: admission.duplicate }, 'event admitted');
    if (admission.duplicate) metrics.eventsDuplicate.inc();
    metrics.eventsIngested.inc({ transport: 'nats', outcome: admission.duplicate ? 'duplicate' : 'accepted' });
  }

  /** Store or NATS unavailable: nothing was acked, the event stays in the stream and comes back. */
  #retry(m: JsMsg, event: CloudEvent, err: unknown): void {
    this.deps.logger.warn({ err, seq: m.seq, type: event.type, id: event.id }, `cannot admit event, retrying in ${RETRY_DELAY_MS} ms`);
    m.nak(RETRY_DELAY_MS);
    this.deps.metrics.eventsIngested.inc({ transport: 'nats', outcome: 'retry' });
  }

  async #deadLetter(m: JsMsg, err: unknown): Promise<void> {
    const { metrics, logger, deadLetter, config } = this.deps;
    const code = isGatewayError(err) ? err.code : ErrorCodes.INTERNAL;
    try {
      await deadLetter.publish({
        stage: 'ingest',
        type: m.headers?.get('ce-type') || undefined,
        error: err,
        body: m.data,
        headers: headersToMap(m.headers),
        origin: `${config.nats.stream.name}:${m.seq}`,
        msgId: `ingest-${config.nats.stream.name}-${m.seq}`,
      });
      m.ack();
      metrics.eventsRejected.inc({ code });
      metrics.eventsIngested.inc({ transport: 'nats', outcome: 'rejected' });
      logger.info({ seq: m.seq, code, err: (err as Error).message }, 'event rejected to dead-letter stream');
    } catch (pubErr) {
      logger.warn({ err: pubErr, seq: m.seq }, 'cannot publish dead letter, retrying');
      m.nak(RETRY_DELAY_MS);
    }
  }
}
