// Retention. An attempt's expiry is stored with it; reads ignore expired attempts and a periodic purge deletes
// them, so behaviour is exact whether or not the database deletes on its own (MongoDB's TTL monitor runs only
// once a minute; FerretDB 1.x has no TTL indexes; SQLite has neither). A finished delivery is kept for the same
// window after it last changed, then purged: without it the table grew by a row per event and target for ever.
// Its row is also what makes a redelivered event a duplicate, so an event published again after that window
// is delivered again (JetStream's own duplicate window is minutes).
import type { Logger } from 'pino';

export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
const PURGE_EVERY_MS = 15 * 60_000;

export function expiresAt(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() + retentionDays * DAY_MS);
}

/** A finished delivery last changed before this is purged. */
export function finishedBefore(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
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
