import type { Filter, UpdateFilter } from 'mongodb';
import type { StoreContext } from '../context.js';
import { deliveryTarget } from '../delivery.js';
import { notFound } from '../errors.js';
import { newId } from '../id.js';
import { pageLimit, toPage } from '../paging.js';
import type { Delivery, DeliveryRepo } from '../types.js';
import type { UpdatesInFlight } from '../updates.js';
import { guard, isDuplicateKey } from './errors.js';
import type { Collections, DeliveryDoc } from './schema.js';

const toDelivery = ({ _id, target: _target, ...rest }: DeliveryDoc): Delivery => ({ id: _id, ...rest });

export function mongoDeliveries(c: Collections, ctx: StoreContext, updates: UpdatesInFlight): DeliveryRepo {
  return {
    createIfAbsent: (input) => guard(async () => {
      const now = ctx.now();
      const { state, ...fields } = input;
      const doc: DeliveryDoc = {
        _id: newId(now.getTime()),
        ...fields,
        target: deliveryTarget(input),
        state: state ?? 'pending',
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      };
      // insert-then-read rather than an upsert: the unique index makes exactly one concurrent insert win
      try {
        await c.deliveries.insertOne(doc);
        return { delivery: toDelivery(doc), created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const existing = await c.deliveries.findOne({ eventSource: doc.eventSource, eventId: doc.eventId, target: doc.target });
      if (!existing) throw notFound('delivery for event', `${doc.eventSource}/${doc.eventId}`);
      return { delivery: toDelivery(existing), created: false };
    }),
    get: (tenantId, id) => guard(async () => {
      const doc = await c.deliveries.findOne(tenantId === undefined ? { _id: id } : { _id: id, tenantId });
      return doc ? toDelivery(doc) : undefined;
    }),
    list: (tenantId, query = {}) => guard(async () => {
      const limit = pageLimit(query);
      const filter: Filter<DeliveryDoc> = {};
      if (tenantId !== undefined) filter.tenantId = tenantId;
      if (query.subscriptionId) filter.subscriptionId = query.subscriptionId;
      if (query.routeId) filter.routeId = query.routeId;
      if (query.state) filter.state = query.state;
      if (query.eventType) filter.eventType = query.eventType;
      if (query.cursor) filter._id = { $lt: query.cursor };
      if (query.from || query.to) {
        filter.createdAt = { ...(query.from && { $gte: query.from }), ...(query.to && { $lt: query.to }) };
      }
      const docs = await c.deliveries.find(filter).sort({ _id: -1 }).limit(limit + 1).toArray();
      return toPage(docs.map(toDelivery), limit);
    }),
    recordAttempt: (id, outcome) => updates.track(guard(async () => {
      const now = ctx.now();
      const $set: Partial<DeliveryDoc> = { state: outcome.state, lastAttemptAt: outcome.at ?? now, updatedAt: now };
      const $unset: Record<string, ''> = {};
      if (outcome.nextAttemptAt) $set.nextAttemptAt = outcome.nextAttemptAt;
      else if (outcome.nextAttemptAt === null) $unset.nextAttemptAt = '';
      if (outcome.lastError) $set.lastError = outcome.lastError;
      else if (outcome.lastError === null) $unset.lastError = '';
      const update: UpdateFilter<DeliveryDoc> = { $set, $inc: { attempts: 1 } };
      if (Object.keys($unset).length > 0) update.$unset = $unset;
      // no projection: FerretDB 1.x does not take one on findAndModify
      const doc = await c.deliveries.findOneAndUpdate({ _id: id }, update, { returnDocument: 'after' });
      if (!doc) throw notFound('delivery', id);
      return doc.attempts;
    })),
  };
}
