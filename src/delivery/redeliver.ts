// Manual redelivery: the delivery's event is read back from the ingest stream and enqueued again as a
// `manual` task (one attempt, marked as such in the attempt log).
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { GatewayConfig } from '../config/types.js';
import type { Delivery } from '../store/types.js';
import { readEvent } from './source.js';
import { encodeTask, taskSubject, type DeliveryTask, type TaskTarget } from './task.js';

export class Redeliverer {
  constructor(
    private readonly deps: { js: JetStreamClient; jsm: JetStreamManager; config: GatewayConfig },
  ) {}

  async redeliver(delivery: Delivery): Promise<void> {
    const { js, jsm, config } = this.deps;
    const event = await readEvent(jsm, config.nats.stream.name, delivery.eventSeq);
    const task: DeliveryTask = { v: 1, deliveryId: delivery.id, target: taskTargetOf(delivery), trigger: 'manual', event, ingestedAt: Date.now() };
    await js.publish(taskSubject(config.nats.deliveries.subjectPrefix, task.target), encodeTask(task));
  }
}

/** The task target a stored delivery belongs to (route ids are `r-<route>-<destination index>`). */
export function taskTargetOf(d: Pick<Delivery, 'subscriptionId' | 'tenantId' | 'routeId'>): TaskTarget {
  if (d.subscriptionId && d.tenantId) return { kind: 'subscription', id: d.subscriptionId, tenantId: d.tenantId };
  const m = /^r-(.+)-(\d+)$/.exec(d.routeId ?? '');
  if (!m) throw new TypeError(`delivery has neither a subscription nor a route: ${d.routeId}`);
  return { kind: 'route', route: m[1]!, destination: Number(m[2]) };
}
