// The embedded store: one SQLite file in WAL mode (readers never wait for the writer), for single-node
// deployments and development. better-sqlite3 is synchronous; each statement is short and indexed, so
// holding the event loop for it costs less than a thread hop would.
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
import { GroupCommit } from './commit.js';
import { embeddedDeliveries } from './deliveries.js';
import { guard } from './errors.js';
import { migrate } from './schema.js';
import { embeddedSubscriptions } from './subscriptions.js';
import { embeddedTenants } from './tenants.js';

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
  const checkpointer = startCheckpointer(config.path, ctx.logger, () => db.pragma(`wal_autocheckpoint = ${autocheckpoint}`));

  const attempts = embeddedAttempts(db, ctx);
  const purgeAttempts = db.prepare('DELETE FROM attempts WHERE expires_at <= ?');
  const purgeProcessed = db.prepare('DELETE FROM processed_events WHERE expires_at <= ?');
  const purgeExpired = () =>
    guard(() => {
      const now = ctx.now().getTime();
      return purgeAttempts.run(now).changes + purgeProcessed.run(now).changes;
    });
  const stopPurge = schedulePurge(purgeExpired, ctx.logger);
  const ping = db.prepare('SELECT 1');

  return {
    tenants: embeddedTenants(db, ctx),
    apiKeys: embeddedApiKeys(db, ctx),
    subscriptions: embeddedSubscriptions(db, ctx),
    deliveries: embeddedDeliveries(db, ctx, new GroupCommit(db)),
    attempts,
    dedupe: embeddedDedupe(db, ctx),
    ping: () => guard(() => void ping.get()),
    purgeExpired,
    async close() {
      stopPurge();
      try {
        await attempts.flush();
      } finally {
        await checkpointer.stop();
        db.close();
      }
    },
  };
}
