// Counters and histograms (prom-client), one registry per gateway so several gateways embedded in one
// process (tests, embedders) do not share numbers. Label values are bounded: route names, subscription
// ids and error codes, never event ids.
import { Counter, Histogram, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'ceg_process_' });
  const registers = [registry];
  return {
    registry,
    eventsIngested: new Counter({
      name: 'ceg_events_ingested_total',
      help: 'Events read from the ingest stream or HTTP ingress, by transport and outcome',
      labelNames: ['transport', 'outcome'] as const,
      registers,
    }),
    eventsRejected: new Counter({
      name: 'ceg_events_rejected_total',
      help: 'Events sent to the dead-letter stream at ingest, by error code',
      labelNames: ['code'] as const,
      registers,
    }),
    eventsDuplicate: new Counter({
      name: 'ceg_events_duplicate_total',
      help: 'Events suppressed as duplicates of an already processed (source, id)',
      registers,
    }),
    tasksEnqueued: new Counter({
      name: 'ceg_delivery_tasks_enqueued_total',
      help: 'Delivery tasks published to the deliveries stream, by target kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    deliveryAttempts: new Counter({
      name: 'ceg_delivery_attempts_total',
      help: 'HTTP delivery attempts, by outcome (success, retry, failed, dropped)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    inlineAttempts: new Counter({
      name: 'ceg_delivery_inline_total',
      help: 'Fresh deliveries offered an inline first attempt, by result: completed, handed_off (to the deliveries stream), declined_<why>',
      labelNames: ['result'] as const,
      registers,
    }),
    pipelineDrops: new Counter({
      name: 'ceg_pipeline_drops_total',
      help: 'Events dropped by a pipeline step, by step',
      labelNames: ['step'] as const,
      registers,
    }),
    deliveryDuration: new Histogram({
      name: 'ceg_delivery_duration_seconds',
      help: 'Duration of one HTTP delivery attempt',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    endToEndLatency: new Histogram({
      name: 'ceg_publish_to_delivery_seconds',
      help: 'From the time the event entered the ingest stream to its successful delivery',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    inFlight: new Gauge({
      name: 'ceg_delivery_in_flight',
      help: 'HTTP deliveries currently in flight',
      registers,
    }),
    instances: new Gauge({
      name: 'ceg_gateway_instances',
      help: 'Gateway instances sharing the deliveries stream (and each target\'s rate and concurrency limits), this one included',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
