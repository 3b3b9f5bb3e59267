// Events shaped like the schemas in schemas/ (their examples), and a helper that runs the siem plugin
// through the gateway's own runner.
import siem from '../../../plugins/siem/index.js';
import type { CloudEvent } from '../../../src/cloudevents/event.js';
import { runPlugin } from '../../../src/pipeline/testkit.js';

export const USER_ID = '5f0c6a2e-8b1d-4c3a-9e7f-1a2b3c4d5e6f';
export const ADMIN_ID = '8d1f4c9e-3b7a-4f21-9c55-0e6b2a7d4f10';

export function event(type: string, data?: unknown, extra: Partial<CloudEvent> = {}): CloudEvent {
  return {
    specversion: '1.0',
    id: 'evt-1',
    source: '/auth/eu',
    type,
    time: '2025-03-21T03:12:44Z',
    ...(data === undefined ? {} : { datacontenttype: 'application/json', data }),
    ...extra,
  };
}

export const loginFailed = (data: Record<string, unknown> = {}, extra: Partial<CloudEvent> = {}) =>
  event(
    'security.login.failed',
    {
      attemptId: '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b',
      userId: USER_ID,
      identifier: 'ada.lovelace@analytical.io',
      reason: 'invalid_password',
      consecutiveFailures: 4,
      client: { ip: '192.0.2.200', userAgent: 'python-requests/2.31.0' },
      occurredAt: '2025-03-21T03:12:44Z',
      ...data,
    },
    extra,
  );

export const sessionCreated = () =>
  event('session.created', {
    sessionId: 'c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f',
    userId: USER_ID,
    authMethods: ['password', 'webauthn'],
    client: { ip: '198.51.100.23' },
    createdAt: '2025-03-14T09:30:00Z',
    expiresAt: '2025-03-14T21:30:00Z',
  });

export const breachAttempted = (severity = 'critical') =>
  event('security.breach.attempted', {
    incidentId: '6c5b4a39-2817-4f6e-9d5c-4b3a29180f7e',
    technique: 'credential_stuffing',
    severity,
    targetUserIds: [USER_ID],
    attempts: 1843,
    sources: [{ ip: '2001:db8:ffff::1' }, { ip: '192.0.2.200' }],
    blocked: true,
    detectedAt: '2025-03-21T03:15:00Z',
  });

export const userDeleted = () =>
  event('user.deleted', {
    userId: USER_ID,
    reason: 'gdpr_erasure',
    hardDelete: true,
    actor: { kind: 'admin', id: ADMIN_ID, email: 'privacy@analytical.io', name: 'Dana Ops' },
    deletedAt: '2025-04-01T08:00:00Z',
  });

export const roleChanged = () =>
  event('member.role.changed', {
    organizationId: '0b7e4f7a-2c9d-4e1b-8f3a-6d5c4b3a2e1f',
    userId: USER_ID,
    previousRole: 'member',
    role: 'admin',
    actor: { kind: 'user', id: ADMIN_ID },
    changedAt: '2025-04-10T09:15:00Z',
  });

/** A type no built-in mapping knows, with neither time nor data. */
export const generic = (): CloudEvent => {
  const { time: _time, ...rest } = event('invoice.paid');
  return rest as CloudEvent;
};

export interface Rendered {
  text: string;
  bytes: Uint8Array;
  headers: Record<string, string>;
}

export async function render(config: object, e: CloudEvent): Promise<Rendered> {
  const run = await runPlugin(siem, config, e);
  if (run.kind !== 'continue') throw new Error(`expected a message, got ${run.kind}`);
  return { text: new TextDecoder().decode(run.value.body), bytes: run.value.body, headers: run.value.headers };
}

export async function renderJson(config: object, e: CloudEvent): Promise<any> {
  return JSON.parse((await render(config, e)).text);
}
