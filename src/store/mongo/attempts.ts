import type { Filter } from 'mongodb';
import { Batcher } from '../batcher.js';
import type { StoreContext } from '../context.js';
import { newId } from '../id.js';
import { expiresAt } from '../retention.js';
import { percentileIndex, SUCCESS } from '../stats.js';
import type { Attempt, AttemptRepo, AttemptTrigger } from '../types.js';
import type { UpdatesInFlight } from '../updates.js';
import { guard, onlyDuplicates } from './errors.js';
import type { AttemptDoc, Collections } from './schema.js';

function toDoc(a: Attempt, expiry: Date): AttemptDoc {
  const { id, request, response, trigger, ...rest } = a;
  return {
    _id: id,
    ...rest,
    trigger,
    request: JSON.stringify(request),
    ...(response && { response: JSON.stringify(response), status: response.status }),
    expiresAt: expiry,
  };
}

function toAttempt(doc: AttemptDoc): Attempt {
  const { _id, request, response, status: _status, expiresAt: _expiresAt, trigger, ...rest } = doc;
  return {
    id: _id,
    ...rest,
    trigger: trigger as AttemptTrigger,
    request: JSON.parse(request) as Attempt['request'],
    ...(response !== undefined && { response: JSON.parse(response) as NonNullable<Attempt['response']> }),
  };
}

export function mongoAttempts(c: Collections, ctx: StoreContext, updates: UpdatesInFlight): AttemptRepo {
  const batcher = new Batcher<AttemptDoc>({
    logger: ctx.logger,
    // unordered: one bad row does not hold back the rest; ids are client-made, so a batch retried after a
    // partial write only meets its own rows again as duplicates
    write: (batch) =>
      guard(async () => {
        try {
          await c.attempts.bulkWrite(batch.map((document) => ({ insertOne: { document } })), { ordered: false });
        } catch (err) {
          if (!onlyDuplicates(err)) throw err;
        }
      }),
  });
  const live = (): Filter<AttemptDoc> => ({ expiresAt: { $gt: ctx.now() } });

  return {
    append(input) {
      const now = ctx.now();
      const attempt: Attempt = { id: newId(now.getTime()), ...input };
      batcher.push(toDoc(attempt, expiresAt(now, ctx.retentionDays)));
      return attempt;
    },
    flush: () => batcher.flush(),
    listByDelivery: (tenantId, deliveryId) => guard(async () => {
      // the attempt of a delivery state already committed, then what is buffered: read your own writes
      await updates.settled();
      await batcher.flush();
      const filter: Filter<AttemptDoc> = { deliveryId, ...live() };
      if (tenantId !== undefined) filter.tenantId = tenantId;
      const docs = await c.attempts.find(filter).sort({ _id: 1 }).toArray();
      return docs.map(toAttempt);
    }),
    stats: (tenantId, subscriptionId, since) => guard(async () => {
      await updates.settled();
      await batcher.flush();
      const filter: Filter<AttemptDoc> = { tenantId, subscriptionId, startedAt: { $gte: since }, ...live() };
      const total = await c.attempts.countDocuments(filter);
      const succeeded = await c.attempts.countDocuments({ ...filter, status: { $gte: SUCCESS.min, $lte: SUCCESS.max } });
      const at = async (p: number): Promise<number> => {
        if (total === 0) return 0;
        const [doc] = await c.attempts
          .find(filter, { projection: { durationMs: 1 } })
          .sort({ durationMs: 1, _id: 1 })
          .skip(percentileIndex(total, p))
          .limit(1)
          .toArray();
        return doc?.durationMs ?? 0;
      };
      return { total, succeeded, failed: total - succeeded, p50Ms: await at(0.5), p95Ms: await at(0.95) };
    }),
  };
}
