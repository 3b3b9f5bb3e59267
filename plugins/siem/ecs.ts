// Elastic Common Schema (8.x) documents. `user` is whoever acted and `user.target` the account acted
// upon, as ECS models IAM events; categories and types are arrays of ECS's allowed values.
import type { Activity } from './activity.js';
import { familyOf } from './activity.js';
import type { Party, SiemRecord } from './mapping.js';
import { jsonMessage, type FormatterFactory } from './message.js';

export const ECS_VERSION = '8.11.0';

const ECS_EVENT: Record<Activity, { category: string[]; type: string[] }> = {
  logon: { category: ['authentication', 'session'], type: ['start'] },
  logoff: { category: ['authentication', 'session'], type: ['end'] },
  'token-issue': { category: ['authentication'], type: ['info'] },
  'account-create': { category: ['iam'], type: ['user', 'creation'] },
  'account-update': { category: ['iam'], type: ['user', 'change'] },
  'account-delete': { category: ['iam'], type: ['user', 'deletion'] },
  'password-change': { category: ['iam'], type: ['user', 'change'] },
  'account-lock': { category: ['iam'], type: ['user', 'change'] },
  'mfa-enable': { category: ['iam'], type: ['user', 'change'] },
  'privilege-change': { category: ['iam'], type: ['user', 'change', 'admin'] },
  detection: { category: ['intrusion_detection'], type: ['info'] },
  'config-change': { category: ['configuration'], type: ['change'] },
  'credential-expire': { category: ['configuration'], type: ['info'] },
  other: { category: [], type: [] },
};

/** The acting user with the account acted upon as `target`; one user when the two are the same or only one is known. */
function users(r: SiemRecord): object | undefined {
  const { actor, user } = r;
  const roles = r.role === undefined ? undefined : [r.role];
  if (actor === undefined) return user && { ...user, roles };
  if (user === undefined) return { ...actor };
  if (user.id !== undefined && user.id === actor.id) return { ...merge(actor, user), roles };
  return { ...actor, target: { ...user, roles } };
}

function merge(a: Party, b: Party): Party {
  return { id: a.id ?? b.id, name: a.name ?? b.name, email: a.email ?? b.email };
}

export const ecs: FormatterFactory = (options) => {
  const module = options.product.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return (r) => {
    const { category, type } = ECS_EVENT[r.activity];
    return jsonMessage({
      // ECS requires @timestamp: without one from the event, the time it passed through here
      '@timestamp': (r.time ?? new Date()).toISOString(),
      ecs: { version: ECS_VERSION },
      message: r.message,
      event: {
        kind: familyOf(r.activity) === 'finding' ? 'alert' : 'event',
        category: category.length > 0 ? category : undefined,
        type: type.length > 0 ? type : undefined,
        outcome: r.outcome,
        action: r.event.type,
        id: r.event.id,
        provider: r.event.source,
        module,
        dataset: `${module}.${familyOf(r.activity)}`,
        severity: r.severity,
        reason: r.reason,
        original: JSON.stringify(r.event),
      },
      user: users(r),
      source: r.srcIp && { ip: r.srcIp },
      observer: { vendor: options.vendor, product: options.product, version: options.productVersion },
    });
  };
};
