// A delivery's target is the third part of its uniqueness key, (eventSource, eventId, target): the same event
// is delivered once per subscription and once per route.
import type { NewDelivery } from './types.js';

export function deliveryTarget(input: Pick<NewDelivery, 'subscriptionId' | 'routeId'>): string {
  const target = input.subscriptionId ?? input.routeId;
  if (!target) throw new TypeError('a delivery needs a subscriptionId or a routeId');
  return target;
}
