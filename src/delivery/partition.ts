// Ordering keys to partitions. A key always lands in the same partition of its subscription, and a
// partition delivers one task at a time, so events of one key arrive in publish order while other
// partitions flow in parallel. FNV-1a: fast, stable across processes and releases, well spread.
import { attributeString } from '../filters/mod.js';
import type { CloudEvent } from '../cloudevents/event.js';

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The partition of an event for an ordering attribute (e.g. `subject`, `partitionkey`); a missing key is "". */
export function partitionOf(event: CloudEvent, orderingKey: string, partitions: number): number {
  return fnv1a(attributeString(event, orderingKey) ?? '') % partitions;
}
