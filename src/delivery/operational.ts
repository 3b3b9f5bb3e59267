// Operational CloudEvents the gateway publishes into its own ingest stream, so tenants subscribe to them
// like any other type.
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '../cloudevents/event.js';
import { DeliveryError, type GatewayError } from '../errors.js';
import { OPERATIONAL_SOURCE } from '../routing/operational.js';

const DATASCHEMA_BASE = 'https://cloudevents-gateway.dev/schemas/gateway/';

function operational(type: string, schema: string, subject: string, data: Record<string, unknown>): CloudEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: OPERATIONAL_SOURCE,
    type,
    subject,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: DATASCHEMA_BASE + schema,
    data,
  };
}

function errorData(error: GatewayError) {
  const status = error instanceof DeliveryError ? error.status : undefined;
  return { code: error.code, message: error.message.slice(0, 1000), retryable: error.retryable, ...(status ? { status } : {}) };
}

export function deliveryFailedEvent(input: {
  deliveryId: string;
  subscriptionId: string;
  tenantId: string;
  event: CloudEvent;
  sink: string;
  attempt: number;
  error: GatewayError;
}): CloudEvent {
  return operational('gateway.delivery.failed', 'delivery.failed.v1.json', input.subscriptionId, {
    deliveryId: input.deliveryId,
    subscriptionId: input.subscriptionId,
    tenantId: input.tenantId,
    eventId: input.event.id,
    eventType: input.event.type,
    sink: input.sink,
    attempt: input.attempt,
    final: true,
    error: errorData(input.error),
    failedAt: new Date().toISOString(),
  });
}

export type DisableReason = 'consecutive_failures' | 'endpoint_gone' | 'ssrf_blocked' | 'manual';

export function subscriptionDisabledEvent(input: {
  subscriptionId: string;
  tenantId: string;
  sink: string;
  reason: DisableReason;
  error?: GatewayError;
  consecutiveFailures?: number;
}): CloudEvent {
  return operational('gateway.subscription.disabled', 'subscription.disabled.v1.json', input.subscriptionId, {
    subscriptionId: input.subscriptionId,
    tenantId: input.tenantId,
    sink: input.sink,
    reason: input.reason,
    ...(input.consecutiveFailures !== undefined ? { consecutiveFailures: input.consecutiveFailures } : {}),
    ...(input.error ? { lastError: errorData(input.error) } : {}),
    disabledAt: new Date().toISOString(),
  });
}
