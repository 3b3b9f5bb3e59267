// Subjects the gateway publishes on. Event types may hold characters that NATS subjects cannot carry
// (spaces, wildcards), so they are reduced to safe tokens; the event itself keeps the exact type.

const UNSAFE = /[^A-Za-z0-9_\-]/g;

function token(s: string): string {
  return s === '' ? '_' : s.replace(UNSAFE, '_');
}

/** `ce.user.created` for type `user.created` under prefix `ce`. */
export function ingestSubject(prefix: string, type: string): string {
  return `${prefix}.${type.split('.').map(token).join('.')}`;
}

/** The literal prefix of the first configured stream subject, e.g. `ce` for `ce.>`. */
export function ingestPrefix(subjects: string[]): string {
  return (subjects[0] ?? 'ce.>').replace(/\.[>*]$/, '');
}

/**
 * Unordered tasks share `<prefix>.u.>` (one consumer, parallel); an ordered subscription's tasks go to
 * `<prefix>.o.<target>.<partition>`, each partition with its own one-at-a-time consumer.
 */
export function deliverySubject(prefix: string, targetKey: string, partition?: number): string {
  return partition === undefined ? `${prefix}.u.${token(targetKey)}` : `${prefix}.o.${token(targetKey)}.${partition}`;
}

export function unorderedFilter(prefix: string): string {
  return `${prefix}.u.>`;
}

export function deadLetterSubject(prefix: string, stage: 'ingest' | 'delivery', type: string): string {
  return `${prefix}.${stage}.${type.split('.').map(token).join('.')}`;
}
