// The embedded store: one SQLite file in WAL mode (readers never wait for the writer), for single-node
// deployments and development. better-sqlite3 is synchronous: the main connection answers reads and the rare
// administrative writes (tenants, keys, subscriptions) on the event loop, each a short indexed statement; the
// writes that come with every event and attempt, and the purges, run on the writer thread.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StoreContext } from '../context.js';
import { idFloor } from '../id.js';
import { finishedBefore, schedulePurge } from '../retention.js';
import type { Store } from '../types.js';
import { UpdatesInFlight } from '../updates.js';
import { embeddedApiKeys } from './apikeys.js';
import { embeddedAttempts } from './attempts.js';
import { startCheckpointer } from './checkpoint.js';
import { embeddedDeliveries } from './deliveries.js';
import { guard } from './errors.js';
import { migrate } from './schema.js';
import { embeddedSubscriptions } from './subscriptions.js';
import { embeddedTenants } from './tenants.js';
import { Writer } from './writer.js';

/** Deliveries deleted per purge transaction. */
const PURGE_CHUNK = 1000;

export interface EmbeddedConfig {
  path: string;
}

export function openEmbeddedStore(config: EmbeddedConfig, ctx: StoreContext): Store {
  mkdirSync(dirname(config.path), { recursive: true });
  const db = new Database(config.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // another process on the same file (a CLI next to the gateway) waits for the lock instead of failing
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma('wal_autocheckpoint = 0');
  const writer = new Writer(config.path, ctx.logger);
  const checkpointer = startCheckpointer(config.path, ctx.logger, () => {
    db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
    writer.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  });

  const updates = new UpdatesInFlight();
  const attempts = embeddedAttempts(db, ctx, writer, updates);
  const purgeAttempts = writer.prepare<[number]>('DELETE FROM attempts WHERE expires_at <= ?');
  // ids begin with their creation time, so the primary key finds the rows old enough to look at: an index by
  // state and time of change cost the delivery path 4 % of its throughput (10 subscriptions, paired rounds).
  // In chunks, each its own transaction: the delivery path's writes get the lock in between.
  const purgeDeliveries = writer.prepare<[string, number]>(
    `DELETE FROM deliveries WHERE id IN (
       SELECT id FROM deliveries WHERE id < ? AND state <> 'pending' AND updated_at < ? LIMIT ${PURGE_CHUNK})`,
  );
  const purgeExpired = () =>
    guard(async () => {
      const now = ctx.now();
      let deleted = await purgeAttempts(now.getTime());
      const before = finishedBefore(now, ctx.retentionDays).getTime();
      for (let n = PURGE_CHUNK; n === PURGE_CHUNK; deleted += n) n = await purgeDeliveries(idFloor(before), before);
      return deleted;
    });
  const stopPurge = schedulePurge(purgeExpired, ctx.logger);
  const ping = db.prepare('SELECT 1');

  return {
    tenants: embeddedTenants(db, ctx),
    apiKeys: embeddedApiKeys(db, ctx),
    subscriptions: embeddedSubscriptions(db, ctx),
    deliveries: embeddedDeliveries(db, ctx, writer, updates),
    attempts,
    ping: () => guard(() => void ping.get()),
    purgeExpired,
    async close() {
      stopPurge();
      try {
        await attempts.flush();
      } finally {
        await writer.close();
        await checkpointer.stop();
        db.close();
      }
    },
  };
}
