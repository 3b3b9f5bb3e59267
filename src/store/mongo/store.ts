// The MongoDB store. Written for what MongoDB 6+ and FerretDB 1.24 (the CI server) both do: single-document
// atomic writes, unique indexes, unordered bulk inserts; no transactions or change streams, so every
// invariant rests on a unique index or a conditional single-document write.
import type { StoreContext } from '../context.js';
import { idFloor } from '../id.js';
import { finishedBefore, schedulePurge } from '../retention.js';
import type { Store } from '../types.js';
import { UpdatesInFlight } from '../updates.js';
import { mongoApiKeys } from './apikeys.js';
import { mongoAttempts } from './attempts.js';
import { connectWithRetry } from './connect.js';
import { mongoDeliveries } from './deliveries.js';
import { guard } from './errors.js';
import { collections, ensureSchema } from './schema.js';
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
    init: (client) => ensureSchema(client.db(config.database), ctx.logger),
  });
  const db = client.db(config.database);
  const c = collections(db);
  const updates = new UpdatesInFlight();
  const attempts = mongoAttempts(c, ctx, updates);

  const purgeExpired = () =>
    guard(async () => {
      const now = ctx.now();
      const before = finishedBefore(now, ctx.retentionDays);
      const [a, d] = await Promise.all([
        c.attempts.deleteMany({ expiresAt: { $lte: now } }),
        // ids begin with their creation time: the _id index finds the deliveries old enough to look at
        c.deliveries.deleteMany({ _id: { $lt: idFloor(before.getTime()) }, state: { $ne: 'pending' }, updatedAt: { $lt: before } }),
      ]);
      return a.deletedCount + d.deletedCount;
    });
  const stopPurge = schedulePurge(purgeExpired, ctx.logger);

  return {
    tenants: mongoTenants(c, ctx),
    apiKeys: mongoApiKeys(c, ctx),
    subscriptions: mongoSubscriptions(c, ctx),
    deliveries: mongoDeliveries(c, ctx, updates),
    attempts,
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
