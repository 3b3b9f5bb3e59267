import type { StoreContext } from '../context.js';
import { expiresAt } from '../retention.js';
import type { DedupeRepo } from '../types.js';
import { guard, isDuplicateKey } from './errors.js';
import type { Collections } from './schema.js';

export function mongoDedupe(c: Collections, ctx: StoreContext): DedupeRepo {
  return {
    markProcessed: (source, id) => guard(async () => {
      const now = ctx.now();
      const _id = JSON.stringify([source, id]);
      const expiry = expiresAt(now, ctx.retentionDays);
      try {
        await c.processed.insertOne({ _id, expiresAt: expiry });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // seen before: new again only if that record has expired but not yet been purged; the conditional
      // update lets exactly one concurrent caller claim it
      const res = await c.processed.updateOne({ _id, expiresAt: { $lte: now } }, { $set: { expiresAt: expiry } });
      return res.modifiedCount === 1;
    }),
  };
}
