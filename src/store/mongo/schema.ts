// Collections, document shapes and indexes. Indexes are created at open; createIndex is a no-op when an
// identical index exists, so opening is idempotent.
import { MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import type { Logger } from 'pino';
import type { SubscriptionRecord } from '../subscription.js';
import type { ApiKey, Delivery, Tenant } from '../types.js';

// Documents are the contract's models with `_id` for `id`; the shapes below add only what storage needs.
type WithMongoId<T extends { id: string }> = Omit<T, 'id'> & { _id: string };

export type TenantDoc = WithMongoId<Tenant>;
export type ApiKeyDoc = WithMongoId<ApiKey>;
/** a subscription as `SubscriptionRecord`: queryable columns, the rest as sealed JSON in `body` */
export type SubscriptionDoc = WithMongoId<SubscriptionRecord>;

export type DeliveryDoc = WithMongoId<Delivery> & {
  /** subscriptionId ?? routeId: the third part of the uniqueness key */
  target: string;
};

export interface AttemptDoc {
  _id: string;
  deliveryId: string;
  tenantId?: string;
  subscriptionId?: string;
  routeId?: string;
  eventId: string;
  eventType: string;
  attempt: number;
  trigger: string;
  /** request and response as JSON: header names from the wire may contain dots, which FerretDB 1.x refuses as keys */
  request: string;
  response?: string;
  /** the response status, queryable for stats */
  status?: number;
  error?: { code: string; message: string };
  durationMs: number;
  startedAt: Date;
  finishedAt: Date;
  nextAttemptAt?: Date;
  expiresAt: Date;
}

export interface Collections {
  tenants: Collection<TenantDoc>;
  apiKeys: Collection<ApiKeyDoc>;
  subscriptions: Collection<SubscriptionDoc>;
  deliveries: Collection<DeliveryDoc>;
  attempts: Collection<AttemptDoc>;
}

export function collections(db: Db): Collections {
  return {
    tenants: db.collection('tenants'),
    apiKeys: db.collection('api_keys'),
    subscriptions: db.collection('subscriptions'),
    deliveries: db.collection('deliveries'),
    attempts: db.collection('attempts'),
  };
}

/** Collections of earlier versions that no query reads any more. */
const RETIRED_COLLECTIONS = ['processed_events'];

const NOT_IMPLEMENTED = 238;
const NAMESPACE_NOT_FOUND = 26;

interface IndexSpec {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
}

async function existingIndexes(coll: Collection<never>): Promise<Set<string>> {
  try {
    return new Set((await coll.listIndexes().toArray()).map((i) => String(i.name)));
  } catch (err) {
    if (err instanceof MongoServerError && err.code === NAMESPACE_NOT_FOUND) return new Set();
    throw err;
  }
}

/**
 * Creates the missing indexes one at a time, and drops those of `retired` (made by an earlier version, used by
 * no query any more: each one is write cost per document) that are still there. Idempotency is checked here
 * rather than left to createIndexes because FerretDB 1.24 drops the connection when asked to create an index
 * that already exists.
 */
async function ensure(coll: Collection<never>, specs: IndexSpec[], retired: string[] = []): Promise<void> {
  const existing = await existingIndexes(coll);
  for (const { name, key, unique } of specs) {
    if (!existing.has(name)) await coll.createIndex(key, { name, ...(unique && { unique }) });
  }
  for (const name of retired) if (existing.has(name)) await coll.dropIndex(name);
}

/**
 * TTL index on `expiresAt` where the server has them; FerretDB 1.x answers NotImplemented, and then a plain
 * index serves the periodic purge (reads filter on expiry either way, see ../retention.ts).
 */
async function ensureExpiryIndex(coll: Collection<never>, logger: Logger): Promise<void> {
  const existing = await existingIndexes(coll);
  if (existing.has('expiresAt_ttl') || existing.has('expiresAt')) return;
  try {
    await coll.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 });
  } catch (err) {
    if (!(err instanceof MongoServerError && err.code === NOT_IMPLEMENTED)) throw err;
    logger.info({ collection: coll.collectionName }, 'server has no TTL indexes; expired rows are purged by the gateway');
    await coll.createIndex({ expiresAt: 1 }, { name: 'expiresAt' });
  }
}

/** Indexes created, retired indexes and collections dropped: what opening a database does first. */
export async function ensureSchema(db: Db, logger: Logger): Promise<void> {
  const c = collections(db);
  const as = <T extends Document>(coll: Collection<T>) => coll as unknown as Collection<never>;
  await ensure(as(c.apiKeys), [
    { name: 'prefix_unique', key: { prefix: 1 }, unique: true },
    { name: 'tenant_id', key: { tenantId: 1, _id: 1 } },
  ]);
  await ensure(as(c.subscriptions), [
    { name: 'tenant_id', key: { tenantId: 1, _id: 1 } },
    { name: 'state_id', key: { state: 1, _id: 1 } },
  ]);
  await ensure(
    as(c.deliveries),
    [
      { name: 'event_target_unique', key: { eventSource: 1, eventId: 1, target: 1 }, unique: true },
      { name: 'subscription_id', key: { subscriptionId: 1, _id: -1 } },
      { name: 'route_id', key: { routeId: 1, _id: -1 } },
    ],
    // every listing of deliveries names a subscription
    ['tenant_id'],
  );
  await ensure(as(c.attempts), [
    { name: 'delivery_id', key: { deliveryId: 1, _id: 1 } },
    { name: 'subscription_started', key: { subscriptionId: 1, startedAt: 1 } },
  ]);
  await ensureExpiryIndex(as(c.attempts), logger);
  const names = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((x) => x.name));
  for (const name of RETIRED_COLLECTIONS) if (names.has(name)) await db.dropCollection(name);
}
