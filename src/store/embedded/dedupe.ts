import type { StoreContext } from '../context.js';
import { expiresAt } from '../retention.js';
import type { DedupeRepo } from '../types.js';
import { guard } from './errors.js';
import type { Writer } from './writer.js';

export function embeddedDedupe(writer: Writer, ctx: StoreContext): DedupeRepo {
  // an expired record not yet purged is claimed again, in the same statement
  const mark = writer.prepare<[string, string, number, number]>(
    `INSERT INTO processed_events (source, id, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (source, id) DO UPDATE SET expires_at = excluded.expires_at WHERE expires_at <= ?`,
  );
  return {
    markProcessed: (source, id) => guard(async () => {
      const now = ctx.now();
      return (await mark(source, id, expiresAt(now, ctx.retentionDays).getTime(), now.getTime())) === 1;
    }),
  };
}
