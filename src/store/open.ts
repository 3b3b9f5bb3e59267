// Picks the implementation: MongoDB when configured, else the embedded SQLite file. Nothing outside this
// folder learns which one it got.
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { loadKeyRing, type EncryptionConfig } from './crypto.js';
import { openEmbeddedStore, type EmbeddedConfig } from './embedded/store.js';
import { openMongoStore, type MongoConfig } from './mongo/store.js';
import { DEFAULT_RETENTION_DAYS } from './retention.js';
import type { Clock, Store } from './types.js';

export interface StoreConfig {
  mongodb?: MongoConfig;
  embedded?: EmbeddedConfig;
  /** attempts and processed event ids are kept this long (default 30) */
  retentionDays?: number;
  encryption: EncryptionConfig;
}

export interface OpenStoreOptions {
  /** stops waiting for a MongoDB that is not up yet */
  signal?: AbortSignal;
  /** for tests: the store's notion of now */
  now?: Clock;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_EMBEDDED_PATH = 'data/gateway.db';

export async function openStore(config: StoreConfig, logger: Logger, opts: OpenStoreOptions = {}): Promise<Store> {
  const log = logger.child({ component: 'store' });
  const embeddedPath = config.embedded?.path ?? DEFAULT_EMBEDDED_PATH;
  const ring = await loadKeyRing(config.encryption, { dataDir: dirname(embeddedPath), logger: log, env: opts.env ?? process.env });
  const ctx = {
    now: opts.now ?? (() => new Date()),
    ring,
    retentionDays: config.retentionDays ?? DEFAULT_RETENTION_DAYS,
    logger: log,
  };
  if (config.mongodb) return openMongoStore(config.mongodb, ctx, opts.signal);
  log.info({ path: embeddedPath }, 'using the embedded store (no MongoDB configured)');
  return openEmbeddedStore({ path: embeddedPath }, ctx);
}
