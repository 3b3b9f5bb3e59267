// Replay: re-reads a window of the ingest stream and enqueues, as `replay` tasks, the events that match
// one subscription now (a new subscriber's backfill, or a re-send after an outage). A job's progress lives
// in a JetStream KV bucket, so any gateway instance answers for it; the instance that accepted the job runs it.
import { randomUUID } from 'node:crypto';
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos } from '@nats-io/transport-node';
import type { ReplayJob, ReplayRequest } from '../api/context.js';
import { decodeNats } from '../cloudevents/nats.js';
import type { GatewayConfig } from '../config/types.js';
import type { Admitter } from '../ingest/admit.js';
import { InFlight } from '../ingest/inflight.js';
import { headersToMap } from '../nats/headers.js';
import type { Logger } from '../observe/logger.js';
import { SubscriptionIndex } from '../routing/subscriptions.js';
import type { Subscription } from '../store/types.js';

const BUCKET = 'ceg-replay-jobs';
/** progress is written every this many messages (and at the end) */
const PROGRESS_EVERY = 200;
/** no message for this long: nothing more is coming (the window's tail expired) */
const QUIET_MS = 5000;

/** A job as it starts: running, nothing scanned yet. */
export function newReplayJob(sub: Pick<Subscription, 'id' | 'tenantId'>): ReplayJob {
  const now = new Date().toISOString();
  return { id: randomUUID(), tenantId: sub.tenantId, subscriptionId: sub.id, state: 'running', scanned: 0, total: 0, enqueued: 0, createdAt: now, updatedAt: now };
}

export class ReplayJobs {
  #kv?: KV;
  readonly #running = new InFlight();
  #stopping = false;

  constructor(
    private readonly deps: { js: JetStreamClient; jsm: JetStreamManager; config: GatewayConfig; admitter: Admitter; logger: Logger },
  ) {}

  async start(): Promise<void> {
    this.#kv = await new Kvm(this.deps.js).create(BUCKET, { history: 1, ttl: 7 * 86_400_000 });
  }

  async begin(sub: Subscription, req: ReplayRequest): Promise<ReplayJob> {
    const job = newReplayJob(sub);
    await this.#save(job);
    this.#running.track(this.#run(job, sub, req));
    return job;
  }

  async get(tenantId: string, id: string): Promise<ReplayJob | undefined> {
    const entry = await this.#kv!.get(id);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const job = entry.json<ReplayJob>();
    return job.tenantId === tenantId ? job : undefined;
  }

  /** Lets running jobs stop at their next message; their progress says how far they got. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running.idle();
  }

  async #run(job: ReplayJob, sub: Subscription, req: ReplayRequest): Promise<void> {
    const { js, jsm, config, admitter, logger } = this.deps;
    const stream = config.nats.stream.name;
    const index = new SubscriptionIndex(logger);
    index.load([{ ...sub, state: 'active' }]);
    try {
      const info = await jsm.streams.info(stream);
      const endSeq = info.state.last_seq;
      const startSeq = Math.max(req.startSeq ?? info.state.first_seq, info.state.first_seq);
      job.total = Math.max(0, endSeq - startSeq + 1);
      if (job.total === 0 || (req.from && req.from.getTime() > Date.now())) return await this.#finish(job, 'done');
      const consumer = await js.consumers.get(
        stream,
        req.from
          ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: req.from.toISOString(), inactive_threshold: nanos(60_000) }
          : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq, inactive_threshold: nanos(60_000) },
      );
      const until = req.to?.getTime();
      const messages = await consumer.consume({ max_messages: 256 });
      // the window's end normally stops the read; a quiet stream (its last messages expired meanwhile) too
      let quiet = setTimeout(() => messages.stop(), QUIET_MS);
      let first: number | undefined;
      for await (const m of messages) {
        clearTimeout(quiet);
        quiet = setTimeout(() => messages.stop(), QUIET_MS);
        first ??= m.seq;
        if (this.#stopping || m.seq > endSeq || (until !== undefined && m.info.timestampNanos / 1e6 >= until)) break;
        job.scanned++;
        try {
          const event = decodeNats(headersToMap(m.headers), m.data);
          const targets = index.match(event);
          if (targets.length) {
            const planned = await admitter.plan(event, targets, { ingestedAt: Date.now(), eventSeq: m.seq, trigger: 'replay' });
            await Promise.all(admitter.enqueue(planned.map((p) => p.task), `replay-${job.id}-`));
            job.enqueued += planned.length;
          }
        } catch (err) {
          // an event that does not decode was dead-lettered at ingest; replay passes over it
          logger.debug({ err, seq: m.seq, job: job.id }, 'replay skipped a message');
        }
        if (m.seq >= endSeq) break;
        if (job.scanned % PROGRESS_EVERY === 0) await this.#save(job);
      }
      clearTimeout(quiet);
      messages.stop();
      // the time window may start after `startSeq`: what lay in it is what was read
      if (first !== undefined) job.total = until === undefined ? Math.max(job.scanned, endSeq - first + 1) : job.scanned;
      await this.#finish(job, this.#stopping ? 'failed' : 'done', this.#stopping ? 'the gateway stopped before the replay finished' : undefined);
    } catch (err) {
      logger.error({ err, job: job.id }, 'replay failed');
      await this.#finish(job, 'failed', (err as Error).message).catch(() => {});
    }
  }

  async #finish(job: ReplayJob, state: ReplayJob['state'], error?: string): Promise<void> {
    job.state = state;
    if (error) job.error = error;
    await this.#save(job);
  }

  async #save(job: ReplayJob): Promise<void> {
    job.updatedAt = new Date().toISOString();
    await this.#kv!.put(job.id, JSON.stringify(job));
  }
}
