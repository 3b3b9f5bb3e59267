// What every system under test is fed and where it must deliver: real `user.created` events (validated
// against their JSON Schema by the gateway) published in the NATS binary mode, and the target layouts
// of the fan-out scenarios (tenants' subscriptions for the gateway, a URL table for the bridge).
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { StepSpec } from '../src/pipeline/types.js';
import type { NewSubscription } from '../src/store/types.js';
import { SENT_AT } from './receiver.js';
import { wallMs } from './stats.js';

export interface Shape {
  name: string;
  targets: number;
  /** `all`: every event goes to every target; `one`: each event matches exactly one target, by its source */
  match: 'all' | 'one';
}

export const SHAPES: Record<'one' | 'ten' | 'thousand', Shape> = {
  one: { name: '1 target', targets: 1, match: 'all' },
  ten: { name: '10 targets', targets: 10, match: 'all' },
  thousand: { name: '1000 targets', targets: 1000, match: 'one' },
};

export const fanout = (shape: Shape) => (shape.match === 'all' ? shape.targets : 1);

export const EVENT_TYPE = 'user.created';
const DATASCHEMA = 'https://cloudevents-gateway.dev/schemas/user/created.v1.json';
const DATA = new TextEncoder().encode(
  JSON.stringify({
    userId: '5f0c6a2e-8b1d-4c3a-9e7f-1a2b3c4d5e6f',
    email: 'grace.hopper@navy.example',
    name: 'Grace Hopper',
    emailVerified: false,
    createdAt: '2025-03-14T09:26:53Z',
  }),
);

export const sourceOf = (shape: Shape, target: number) => `https://bench.example/${shape.match === 'one' ? `s${target}` : 'all'}`;
export const targetUrl = (receiverUrl: string, target: number) => `${receiverUrl}/t${target}`;

/** Event `seq` as a binary-mode NATS message, stamped with the time it is handed to the client. */
export function benchMessage(shape: Shape, seq: number): { headers: MsgHdrs; data: Uint8Array } {
  const h = natsHeaders();
  h.set('ce-specversion', '1.0');
  h.set('ce-id', `bench-${seq}`);
  h.set('ce-source', sourceOf(shape, seq % shape.targets));
  h.set('ce-type', EVENT_TYPE);
  h.set('ce-dataschema', DATASCHEMA);
  h.set('ce-datacontenttype', 'application/json');
  h.set(`ce-${SENT_AT}`, wallMs().toFixed(3));
  return { headers: h, data: DATA };
}

/** A signing secret in the Standard Webhooks form, so the gateway signs every delivery. */
export const SECRET = 'whsec_' + Buffer.from('cloudevents-gateway-bench-secret').toString('base64');

/**
 * A tenant's subscriptions for a shape, as the API would store them: one per target, binary mode, signed
 * with Standard Webhooks (unless the pipeline brings its own sign step).
 */
export function gatewaySubscriptions(shape: Shape, receiverUrl: string, tenantId: string, pipeline: StepSpec[] = []): NewSubscription[] {
  return Array.from({ length: shape.targets }, (_, t) => ({
    tenantId,
    sink: targetUrl(receiverUrl, t),
    protocol: 'HTTP' as const,
    types: [EVENT_TYPE],
    ...(shape.match === 'one' ? { source: sourceOf(shape, t) } : {}),
    contentMode: 'binary' as const,
    pipeline,
    description: `bench target ${t}`,
    secrets: [{ id: `bench-${t}`, secret: SECRET, createdAt: new Date() }],
  }));
}

/** The raw bridge's equivalent of the routes: source -> URLs (`*` for every event). */
export function bridgeTargets(shape: Shape, receiverUrl: string): Record<string, string[]> {
  const urls = Array.from({ length: shape.targets }, (_, t) => targetUrl(receiverUrl, t));
  if (shape.match === 'all') return { '*': urls };
  return Object.fromEntries(urls.map((url, t) => [sourceOf(shape, t), [url]]));
}
