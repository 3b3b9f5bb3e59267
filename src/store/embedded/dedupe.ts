import type { Database } from 'better-sqlite3';
import type { StoreContext } from '../context.js';
import { expiresAt } from '../retention.js';
import type { DedupeRepo } from '../types.js';
import { guard } from './errors.js';

export function embeddedDedupe(db: Database, ctx: StoreContext): DedupeRepo {
  // an expired record not yet purged is claimed again, in the same statement
  const mark = db.prepare(
    `INSERT INTO processed_events (source, id, expires_at) VALUES (@source, @id, @expiresAt)
     ON CONFLICT (source, id) DO UPDATE SET expires_at = excluded.expires_at WHERE expires_at <= @now`,
  );
  return {
    markProcessed: (source, id) => guard(() => {
      const now = ctx.now();
      return mark.run({ source, id, expiresAt: expiresAt(now, ctx.retentionDays).getTime(), now: now.getTime() }).changes === 1;
    }),
  };
}
