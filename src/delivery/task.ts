// A delivery task: one event for one target, the unit of work on the deliveries stream. It carries the
// whole event so a worker needs nothing else from the ingest stream; its msg id is the delivery id, so
// publishing it twice (a crash before the ingest ack) is deduplicated by JetStream.
import type { CloudEvent } from '../cloudevents/event.js';
import type { AttemptTrigger } from '../store/types.js';

export type TaskTarget =
  | { kind: 'route'; route: string; destination: number }
  | { kind: 'subscription'; id: string; tenantId: string };

export interface DeliveryTask {
  v: 1;
  deliveryId: string;
  target: TaskTarget;
  trigger: AttemptTrigger;
  event: CloudEvent;
  /** epoch ms the event was first seen by the gateway, for publish→delivery latency */
  ingestedAt: number;
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
