// Operational events are the gateway's own (`gateway.*` from `urn:cloudevents-gateway`). Routing scopes
// them to the tenant they concern; delivery never emits events about deliveries of operational events.

export const OPERATIONAL_SOURCE = 'urn:cloudevents-gateway';

export function isOperational(type: string): boolean {
  return type.startsWith('gateway.');
}
