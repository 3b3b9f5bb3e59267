// Creates the gateway's streams and durable consumers, or checks and updates the ones that exist, so
// several gateway processes (and restarts) converge on the same JetStream state.
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type ConsumerConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { GatewayConfig } from '../config/types.js';
import { ErrorCodes, GatewayError } from '../errors.js';
import { unorderedFilter } from './subjects.js';

export const DELIVER_CONSUMER = 'ceg-deliver';

export async function provision(jsm: JetStreamManager, cfg: GatewayConfig): Promise<void> {
  const n = cfg.nats;
  const storage = n.stream.storage === 'memory' ? StorageType.Memory : StorageType.File;
  await ensureStream(jsm, {
    name: n.stream.name,
    subjects: n.stream.subjects,
    retention: RetentionPolicy.Limits,
    max_age: nanos(n.stream.maxAgeMs),
    duplicate_window: nanos(n.stream.duplicateWindowMs),
    num_replicas: n.stream.replicas,
    storage,
  });
  await ensureStream(jsm, {
    name: n.deliveries.name,
    subjects: [`${n.deliveries.subjectPrefix}.>`],
    retention: RetentionPolicy.Workqueue,
    duplicate_window: nanos(n.stream.duplicateWindowMs),
    num_replicas: n.stream.replicas,
    storage,
  });
  await ensureStream(jsm, {
    name: n.deadLetter.name,
    subjects: [`${n.deadLetter.subjectPrefix}.>`],
    retention: RetentionPolicy.Limits,
    max_age: nanos(n.deadLetter.maxAgeMs),
    num_replicas: n.stream.replicas,
    storage,
  });
  await ensureConsumer(jsm, n.stream.name, {
    durable_name: n.consumer.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(n.consumer.ackWaitMs),
    max_ack_pending: n.consumer.maxAckPending,
    max_deliver: -1,
  });
  await ensureConsumer(jsm, n.deliveries.name, {
    durable_name: DELIVER_CONSUMER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: unorderedFilter(n.deliveries.subjectPrefix),
    // a delivery holds its message while it sends: the wait must outlast the longest request
    ack_wait: nanos(Math.max(30_000, cfg.delivery.timeoutMs * 3)),
    max_ack_pending: cfg.delivery.concurrency * 4,
    max_deliver: -1,
  });
}

async function ensureStream(jsm: JetStreamManager, want: Partial<StreamConfig> & { name: string }): Promise<void> {
  let have: StreamConfig | undefined;
  try {
    have = (await jsm.streams.info(want.name)).config;
  } catch (err) {
    if (!isNotFound(err)) throw wrap(err, `stream ${want.name}`);
  }
  if (!have) {
    await jsm.streams.add(want).catch((err) => {
      throw wrap(err, `stream ${want.name}`);
    });
    return;
  }
  if (have.retention !== want.retention) {
    throw new GatewayError(
      ErrorCodes.CONFIG_INVALID,
      `stream ${want.name} exists with retention ${have.retention}, the gateway needs ${want.retention}; delete it or configure another stream name`,
    );
  }
  const drift =
    JSON.stringify(have.subjects) !== JSON.stringify(want.subjects) ||
    (want.max_age !== undefined && have.max_age !== want.max_age) ||
    (want.duplicate_window !== undefined && have.duplicate_window !== want.duplicate_window);
  if (drift) {
    await jsm.streams.update(want.name, { ...have, ...want }).catch((err) => {
      throw wrap(err, `stream ${want.name}`);
    });
  }
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, want: Partial<ConsumerConfig> & { durable_name: string }) {
  try {
    await jsm.consumers.info(stream, want.durable_name);
    await jsm.consumers.update(stream, want.durable_name, {
      ack_wait: want.ack_wait,
      max_ack_pending: want.max_ack_pending,
    });
  } catch (err) {
    if (!isNotFound(err)) throw wrap(err, `consumer ${stream}/${want.durable_name}`);
    await jsm.consumers.add(stream, want).catch((e) => {
      throw wrap(e, `consumer ${stream}/${want.durable_name}`);
    });
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.code === 404 || /not found/i.test(err.message));
}

function wrap(err: unknown, what: string): GatewayError {
  return new GatewayError(ErrorCodes.NATS_UNAVAILABLE, `cannot provision ${what}: ${(err as Error).message}`, {
    cause: err,
    retryable: true,
  });
}
