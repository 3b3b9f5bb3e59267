// Admission: an event that passed validation becomes one stored delivery per target, then one task per
// delivery on the deliveries stream. The store's uniqueness of (source, id, target) is what suppresses
// duplicates across restarts and producer retries; the task's msg id covers a crash between the two.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { CloudEvent } from '../cloudevents/event.js';
import type { GatewayConfig } from '../config/types.js';
import { partitionOf } from '../delivery/partition.js';
import { encodeTask, taskSubject, type DeliveryTask, type TaskTarget } from '../delivery/task.js';
import type { Metrics } from '../observe/metrics.js';
import type { Router } from '../routing/router.js';
import type { Target } from '../routing/targets.js';
import type { AttemptTrigger, DeliveryState, Store } from '../store/types.js';

export interface Admission {
  tasks: DeliveryTask[];
  /** the tasks whose delivery this admission created (never attempted, so they may run inline) */
  fresh: ReadonlySet<DeliveryTask>;
  /** every target already had a finished delivery of this event */
  duplicate: boolean;
}

export class Admitter {
  constructor(
    private readonly deps: {
      js: JetStreamClient;
      config: GatewayConfig;
      router: Router;
      store: Store;
      metrics: Metrics;
    },
  ) {}

  /** Stores a delivery per matching target; tasks for those not yet finished. */
  async admit(event: CloudEvent, ingestedAt: number, eventSeq?: number): Promise<Admission> {
    const targets = this.deps.router.match(event);
    const planned = await this.plan(event, targets, { ingestedAt, eventSeq, trigger: 'auto' });
    // a pending delivery may have lost its task in a crash: it is planned again and the msg id dedupes
    const tasks = planned.filter((p) => p.created || p.state === 'pending').map((p) => p.task);
    const fresh = new Set(planned.filter((p) => p.created).map((p) => p.task));
    return { tasks, fresh, duplicate: targets.length > 0 && tasks.length === 0 };
  }

  /** The delivery (found or created) and its task for each target. */
  async plan(
    event: CloudEvent,
    targets: Target[],
    opts: { ingestedAt: number; eventSeq?: number; trigger: AttemptTrigger },
  ): Promise<Array<{ task: DeliveryTask; created: boolean; state: DeliveryState }>> {
    return Promise.all(
      targets.map(async (target) => {
        const { delivery, created } = await this.deps.store.deliveries.createIfAbsent({
          eventId: event.id,
          eventSource: event.source,
          eventType: event.type,
          eventSeq: opts.eventSeq,
          ...(target.kind === 'route'
            ? { routeId: target.key }
            : { subscriptionId: target.subscriptionId, tenantId: target.tenantId }),
        });
        const task: DeliveryTask = {
          v: 1,
          deliveryId: delivery.id,
          target: taskTarget(target, event, this.deps.config.delivery.orderingPartitions),
          trigger: opts.trigger,
          event,
          ingestedAt: opts.ingestedAt,
        };
        return { task, created, state: delivery.state };
      }),
    );
  }

  /** Publishes the tasks; call in stream order (the publishes go out in call order). */
  enqueue(tasks: DeliveryTask[], msgIdPrefix = ''): Promise<unknown>[] {
    const prefix = this.deps.config.nats.deliveries.subjectPrefix;
    return tasks.map((task) => {
      this.deps.metrics.tasksEnqueued.inc({ kind: task.target.kind });
      return this.deps.js.publish(taskSubject(prefix, task.target), encodeTask(task), {
        msgID: msgIdPrefix + task.deliveryId,
      });
    });
  }
}

function taskTarget(t: Target, event: CloudEvent, partitions: number): TaskTarget {
  if (t.kind === 'route') return { kind: 'route', route: t.route.name, destination: t.destinationIndex };
  return {
    kind: 'subscription',
    id: t.subscriptionId,
    tenantId: t.tenantId,
    ...(t.orderingKey ? { partition: partitionOf(event, t.orderingKey, partitions) } : {}),
  };
}
