// The event `POST /v1/subscriptions/{id}/test` sends: of a type the subscription would receive, with data
// a receiver can parse (the catalog's example for that type), marked so receivers can tell it apart.
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '../cloudevents/event.js';
import type { SchemaRegistry } from '../registry/mod.js';
import type { Subscription } from '../store/types.js';

export const TEST_EVENT_TYPE = 'gateway.test';
const TEST_SOURCE = 'urn:cloudevents-gateway:test';

/** The first pattern naming one type (no wildcard segment), else `gateway.test`. */
export function testEventType(sub: Subscription): string {
  return sub.types.find((t) => !t.split('.').some((seg) => seg === '*' || seg === '>')) ?? TEST_EVENT_TYPE;
}

export function buildTestEvent(sub: Subscription, schemas: SchemaRegistry, now = new Date()): CloudEvent {
  const type = testEventType(sub);
  const example = schemas.describe(type)?.versions.at(-1)?.example;
  const event: CloudEvent = {
    specversion: '1.0',
    id: randomUUID(),
    source: sub.source ?? TEST_SOURCE,
    type,
    time: now.toISOString(),
    subject: `subscription/${sub.id}/test`,
  };
  if (example?.data !== undefined) {
    event.data = example.data;
    event.datacontenttype = example.datacontenttype ?? 'application/json';
    if (example.dataschema !== undefined) event.dataschema = example.dataschema;
  } else {
    event.data = { message: 'a test event from cloudevents-gateway', subscription: sub.id };
    event.datacontenttype = 'application/json';
  }
  return event;
}
