// What both implementations share about subscriptions: building a new one, applying a patch, optimistic
// concurrency, and the persisted record. Only the fields lists filter on are real columns; the rest is one
// JSON body, because tenants' free-form maps (headers, metadata, plugin config) may hold keys MongoDB-wire
// servers refuse (FerretDB 1.x rejects `$`-prefixed and dotted keys) and because nothing queries inside them.
import type { KeyRing } from './crypto.js';
import { conflict, notFound } from './errors.js';
import { newId } from './id.js';
import type { NewSubscription, Subscription, SubscriptionPatch, SubscriptionState } from './types.js';

export interface SubscriptionRecord {
  id: string;
  tenantId: string;
  state: SubscriptionState;
  types: string[];
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  /** every other field as JSON, secrets sealed */
  body: string;
}

const COLUMNS = new Set(['id', 'tenantId', 'state', 'types', 'revision', 'createdAt', 'updatedAt']);

export function newSubscription(input: NewSubscription, now: Date): Subscription {
  return { ...input, id: newId(now.getTime()), state: input.state ?? 'active', createdAt: now, updatedAt: now, revision: 1 };
}

export function applyPatch(sub: Subscription, patch: SubscriptionPatch, now: Date): Subscription {
  const next: Record<string, unknown> = { ...sub };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || key === 'tenantId' || key === 'id') continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return { ...(next as unknown as Subscription), updatedAt: now, revision: sub.revision + 1 };
}

/** Storage I/O one update needs; `replace` writes only while the stored revision is still `revision`. */
export interface RevisionedIo {
  load(): Promise<Subscription | undefined>;
  replace(next: Subscription, revision: number): Promise<boolean>;
}

const CAS_TRIES = 5;

/**
 * Read, patch, compare-and-set on the revision. A single-document conditional write is the atomic unit here
 * (no multi-document transactions: FerretDB 1.x has none); without `expectedRevision` a lost race re-reads and
 * re-applies the patch, with it the race is the caller's conflict. Atomic on MongoDB and SQLite; FerretDB 1.x
 * runs a filtered write as read-then-write, so there two racing writers can both win.
 */
export async function updateWithRevision(
  io: RevisionedIo,
  id: string,
  patch: SubscriptionPatch,
  expectedRevision: number | undefined,
  now: Date,
): Promise<Subscription> {
  for (let i = 0; ; i++) {
    const current = await io.load();
    if (!current) throw notFound('subscription', id);
    if (expectedRevision !== undefined && current.revision !== expectedRevision) {
      throw conflict('subscription', id, expectedRevision, current.revision);
    }
    const next = applyPatch(current, patch, now);
    if (await io.replace(next, current.revision)) return next;
    if (expectedRevision !== undefined || i + 1 >= CAS_TRIES) {
      const latest = await io.load();
      if (!latest) throw notFound('subscription', id);
      throw conflict('subscription', id, expectedRevision ?? current.revision, latest.revision);
    }
  }
}

function secretContext(subscriptionId: string, secretId: string): string {
  return `subscription/${subscriptionId}/secret/${secretId}`;
}

export function sealSubscription(sub: Subscription, ring: KeyRing): SubscriptionRecord {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sub)) if (!COLUMNS.has(key) && key !== 'secrets') rest[key] = value;
  rest.secrets = sub.secrets.map((s) => ({
    id: s.id,
    sealed: ring.encrypt(s.secret, secretContext(sub.id, s.id)),
    createdAt: s.createdAt.toISOString(),
    ...(s.expiresAt && { expiresAt: s.expiresAt.toISOString() }),
  }));
  return {
    id: sub.id,
    tenantId: sub.tenantId,
    state: sub.state,
    types: sub.types,
    revision: sub.revision,
    createdAt: sub.createdAt,
    updatedAt: sub.updatedAt,
    body: JSON.stringify(rest),
  };
}

interface SealedSecret {
  id: string;
  sealed: string;
  createdAt: string;
  expiresAt?: string;
}

export function openSubscription(rec: SubscriptionRecord, ring: KeyRing): Subscription {
  const { secrets, ...rest } = JSON.parse(rec.body) as { secrets: SealedSecret[] } & Record<string, unknown>;
  return {
    ...(rest as Omit<Subscription, 'secrets' | 'id' | 'tenantId' | 'state' | 'types' | 'revision' | 'createdAt' | 'updatedAt'>),
    id: rec.id,
    tenantId: rec.tenantId,
    state: rec.state,
    types: rec.types,
    revision: rec.revision,
    createdAt: rec.createdAt,
    updatedAt: rec.updatedAt,
    secrets: secrets.map((s) => ({
      id: s.id,
      secret: ring.decrypt(s.sealed, secretContext(rec.id, s.id)),
      createdAt: new Date(s.createdAt),
      ...(s.expiresAt && { expiresAt: new Date(s.expiresAt) }),
    })),
  };
}
