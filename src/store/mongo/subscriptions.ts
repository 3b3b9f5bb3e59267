import type { Filter } from 'mongodb';
import type { StoreContext } from '../context.js';
import { pageLimit, toPage } from '../paging.js';
import {
  newSubscription,
  openSubscription,
  sealSubscription,
  updateWithRevision,
  type SubscriptionRecord,
} from '../subscription.js';
import type { Subscription, SubscriptionRepo } from '../types.js';
import { guard } from './errors.js';
import type { Collections, SubscriptionDoc } from './schema.js';

export function mongoSubscriptions(c: Collections, ctx: StoreContext): SubscriptionRepo {
  const toDoc = (sub: Subscription): SubscriptionDoc => {
    const { id, ...rest } = sealSubscription(sub, ctx.ring);
    return { _id: id, ...rest };
  };
  const open = ({ _id, ...rest }: SubscriptionDoc): Subscription =>
    openSubscription({ id: _id, ...rest } satisfies SubscriptionRecord, ctx.ring);
  const load = async (tenantId: string, id: string) => {
    const doc = await c.subscriptions.findOne({ _id: id, tenantId });
    return doc ? open(doc) : undefined;
  };

  return {
    create: (input) => guard(async () => {
      const sub = newSubscription(input, ctx.now());
      await c.subscriptions.insertOne(toDoc(sub));
      return sub;
    }),
    get: (tenantId, id) => guard(() => load(tenantId, id)),
    list: (tenantId, query) => guard(async () => {
      const limit = pageLimit(query);
      const filter: Filter<SubscriptionDoc> = { tenantId };
      if (query?.cursor) filter._id = { $gt: query.cursor };
      if (query?.state) filter.state = query.state;
      if (query?.type) filter.types = query.type;
      const docs = await c.subscriptions.find(filter).sort({ _id: 1 }).limit(limit + 1).toArray();
      return toPage(docs.map(open), limit);
    }),
    update: (tenantId, id, patch, expectedRevision) =>
      guard(() =>
        updateWithRevision(
          {
            load: () => load(tenantId, id),
            replace: async (next, revision) => {
              const res = await c.subscriptions.replaceOne({ _id: id, tenantId, revision }, toDoc(next));
              return res.modifiedCount === 1;
            },
          },
          id,
          patch,
          expectedRevision,
          ctx.now(),
        ),
      ),
    delete: (tenantId, id) => guard(async () => {
      const res = await c.subscriptions.deleteOne({ _id: id, tenantId });
      return res.deletedCount === 1;
    }),
    listActive: () => guard(async () => {
      const docs = await c.subscriptions.find({ state: 'active' }).sort({ _id: 1 }).toArray();
      return docs.map(open);
    }),
  };
}
