// The embedded store: one SQLite file in WAL mode (readers never wait for the writer), for single-node
// deployments and development. better-sqlite3 is synchronous: the main connection answers reads and the rare
// administrative writes (tenants, keys, subscriptions) on the event loop, each a short indexed statement; the
// writes that come with every event, request and attempt run on the writer thread.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StoreContext } from '../context.js';
import { schedulePurge } from '../retention.js';
import type { Store } from '../types.js';
import { embeddedApiKeys } from './apikeys.js';
import { embeddedAttempts } from './attempts.js';
import { embeddedDedupe } from './dedupe.js';
import { startCheckpointer } from './checkpoint.js';
import { embeddedDeliveries } from './deliveries.js';
import { guard } from './errors.js';
import { migrate } from './schema.js';
import { embeddedSubscriptions } from './subscriptions.js';
import { embeddedTenants } from './tenants.js';
import { Writer } from './writer.js';

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

  const attempts = embeddedAttempts(db, ctx, writer);
  // a purge of many rows holds the write lock for long: on the writer thread it delays writes, not the event loop
  const purgeAttempts = writer.prepare<[number]>('DELETE FROM attempts WHERE expires_at <= ?');
  const purgeProcessed = writer.prepare<[number]>('DELETE FROM processed_events WHERE expires_at <= ?');
  const purgeExpired = () =>
    guard(async () => {
      const now = ctx.now().getTime();
      const [a, p] = await Promise.all([purgeAttempts(now), purgeProcessed(now)]);
      return a + p;
    });
  const stopPurge = schedulePurge(purgeExpired, ctx.logger);
  const ping = db.prepare('SELECT 1');

  return {
    tenants: embeddedTenants(db, ctx),
    apiKeys: embeddedApiKeys(db, ctx),
    subscriptions: embeddedSubscriptions(db, ctx),
    deliveries: embeddedDeliveries(db, ctx, writer),
    attempts,
    dedupe: embeddedDedupe(writer, ctx),
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
