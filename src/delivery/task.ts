// A delivery task: one event for one target, the unit of work on the deliveries stream. It carries the
// whole event so a worker needs nothing else from the ingest stream; its msg id is the delivery id, so
// publishing it twice (a crash before the ingest ack) is deduplicated by JetStream.
import type { CloudEvent } from '../cloudevents/event.js';
import { deliverySubject } from '../nats/subjects.js';
import { routeTargetKey, subscriptionTargetKey } from '../routing/targets.js';
import type { AttemptTrigger } from '../store/types.js';

export type TaskTarget =
  | { kind: 'route'; route: string; destination: number }
  /** `partition` is set for subscriptions with an ordering key */
  | { kind: 'subscription'; id: string; tenantId: string; partition?: number };

export interface DeliveryTask {
  v: 1;
  deliveryId: string;
  target: TaskTarget;
  trigger: AttemptTrigger;
  event: CloudEvent;
  /** epoch ms the event was first seen by the gateway, for publish→delivery latency */
  ingestedAt: number;
  /**
   * Set on a task published after an inline first attempt (see inline.ts): not to be tried before this
   * epoch ms, and the store, not the task, says how many attempts were made.
   */
  notBefore?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeTask(task: DeliveryTask): Uint8Array {
  return encoder.encode(JSON.stringify(task));
}

export function decodeTask(data: Uint8Array): DeliveryTask {
  const task = JSON.parse(decoder.decode(data)) as DeliveryTask;
  if (task?.v !== 1 || typeof task.deliveryId !== 'string' || !task.event || !task.target) {
    throw new TypeError('not a delivery task (v1)');
  }
  return task;
}

export function targetKey(t: TaskTarget): string {
  return t.kind === 'route' ? routeTargetKey(t.route, t.destination) : subscriptionTargetKey(t.id);
}

/** The deliveries-stream subject of a task: its partition's for ordered subscriptions. */
export function taskSubject(prefix: string, t: TaskTarget): string {
  return deliverySubject(prefix, targetKey(t), t.kind === 'subscription' ? t.partition : undefined);
}
