// The MongoDB store. Written for what MongoDB 6+ and FerretDB 1.24 (the CI server) both do: single-document
// atomic writes, unique indexes, unordered bulk inserts; no transactions or change streams, so every
// invariant rests on a unique index or a conditional single-document write.
import type { StoreContext } from '../context.js';
import { schedulePurge } from '../retention.js';
import type { Store } from '../types.js';
import { mongoApiKeys } from './apikeys.js';
import { mongoAttempts } from './attempts.js';
import { connectWithRetry } from './connect.js';
import { mongoDedupe } from './dedupe.js';
import { mongoDeliveries } from './deliveries.js';
import { guard } from './errors.js';
import { collections, ensureIndexes } from './schema.js';
import { mongoSubscriptions } from './subscriptions.js';
import { mongoTenants } from './tenants.js';

export interface MongoConfig {
  url: string;
  database: string;
}

export async function openMongoStore(config: MongoConfig, ctx: StoreContext, signal?: AbortSignal): Promise<Store> {
  const client = await connectWithRetry({
    url: config.url,
    logger: ctx.logger,
    signal,
    init: (client) => ensureIndexes(collections(client.db(config.database)), ctx.logger),
  });
  const db = client.db(config.database);
  const c = collections(db);
  const attempts = mongoAttempts(c, ctx);

  const purgeExpired = () =>
    guard(async () => {
      const expired = { expiresAt: { $lte: ctx.now() } };
      const [a, p] = await Promise.all([c.attempts.deleteMany(expired), c.processed.deleteMany(expired)]);
      return a.deletedCount + p.deletedCount;
    });
  const stopPurge = schedulePurge(purgeExpired, ctx.logger);

  return {
    tenants: mongoTenants(c, ctx),
    apiKeys: mongoApiKeys(c, ctx),
    subscriptions: mongoSubscriptions(c, ctx),
    deliveries: mongoDeliveries(c, ctx),
    attempts,
    dedupe: mongoDedupe(c, ctx),
    ping: () => guard(async () => void (await db.command({ ping: 1 }))),
    purgeExpired,
    async close() {
      stopPurge();
      try {
        await attempts.flush();
      } finally {
        await client.close();
      }
    },
  };
}
