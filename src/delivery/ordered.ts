// The consumers of ordered subscriptions: one durable per (subscription, partition), each with one task in
// flight (max_ack_pending 1) across all gateway processes. A failing task is nak'ed with its delay and stays
// pending, so it holds back its partition, i.e. some keys of its own subscription, and nothing else.
import { AckPolicy, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { GatewayConfig } from '../config/types.js';
import { deliverySubject } from '../nats/subjects.js';
import type { Logger } from '../observe/logger.js';
import { subscriptionTargetKey } from '../routing/targets.js';
import type { Subscription } from '../store/types.js';
import type { DeliveryWorker } from './worker.js';

export function partitionConsumer(subscriptionId: string, partition: number): string {
  return `ceg-o-${subscriptionId}-${partition}`;
}

export class OrderedPartitions {
  readonly #attached = new Set<string>();
  #syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: { jsm: JetStreamManager; worker: DeliveryWorker; config: GatewayConfig; logger: Logger },
  ) {}

  /** Follows the active subscriptions: partitions of ordered ones are pulled, the others' are let go. */
  sync(subs: Subscription[]): Promise<void> {
    this.#syncing = this.#syncing.then(() => this.#sync(subs)).catch((err) => {
      this.deps.logger.error({ err }, 'cannot set up ordered delivery consumers; retrying at the next reload');
    });
    return this.#syncing;
  }

  async #sync(subs: Subscription[]): Promise<void> {
    const { jsm, worker, config } = this.deps;
    const wanted = new Set<string>();
    for (const sub of subs) {
      if (sub.state !== 'active' || !sub.orderingKey) continue;
      for (let p = 0; p < config.delivery.orderingPartitions; p++) {
        const name = partitionConsumer(sub.id, p);
        wanted.add(name);
        if (this.#attached.has(name)) continue;
        await jsm.consumers.add(config.nats.deliveries.name, {
          durable_name: name,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: deliverySubject(config.nats.deliveries.subjectPrefix, subscriptionTargetKey(sub.id), p),
          max_ack_pending: 1,
          ack_wait: nanos(Math.max(30_000, config.delivery.timeoutMs * 3)),
          max_deliver: -1,
        });
        await worker.attach(name, 1);
        this.#attached.add(name);
      }
    }
    // a paused or deleted subscription's partitions stop here; their tasks wait in the stream
    for (const name of [...this.#attached]) {
      if (wanted.has(name)) continue;
      await worker.detach(name);
      this.#attached.delete(name);
    }
  }

  /** Resolves when the latest sync is done. */
  idle(): Promise<void> {
    return this.#syncing;
  }
}
