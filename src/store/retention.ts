// Retention of attempts and processed event ids. Expiry is stored with each row; reads ignore expired rows
// and a periodic purge deletes them, so behaviour is exact whether or not the database deletes on its own
// (MongoDB's TTL monitor runs only once a minute; FerretDB 1.x has no TTL indexes; SQLite has neither).
import type { Logger } from 'pino';

export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
const PURGE_EVERY_MS = 15 * 60_000;

export function expiresAt(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() + retentionDays * DAY_MS);
}

/** Runs `purge` periodically in the background; answers a stop function. */
export function schedulePurge(purge: () => Promise<number>, logger: Logger, everyMs = PURGE_EVERY_MS): () => void {
  const timer = setInterval(() => {
    purge().then(
      (deleted) => {
        if (deleted > 0) logger.debug({ deleted }, 'purged expired rows');
      },
      (err: unknown) => logger.warn({ err }, 'purging expired rows failed; will retry'),
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
