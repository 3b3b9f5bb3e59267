// A target is one place an event goes: a destination of a gateway.yaml route, or a tenant's
// subscription. Its key names the delivery stream subject and the unique (event × target) delivery.
import type { Destination, RouteConfig } from '../config/types.js';

export type Target =
  | { kind: 'route'; key: string; route: RouteConfig; destinationIndex: number; destination: Destination }
  | { kind: 'subscription'; key: string; subscriptionId: string; tenantId: string; orderingKey?: string };

export function routeTargetKey(route: string, index: number): string {
  return `r-${route}-${index}`;
}

export function subscriptionTargetKey(id: string): string {
  return `s-${id}`;
}
