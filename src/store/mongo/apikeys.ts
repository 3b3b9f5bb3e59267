import type { Filter } from 'mongodb';
import type { StoreContext } from '../context.js';
import { newId } from '../id.js';
import { pageLimit, toPage } from '../paging.js';
import type { ApiKey, ApiKeyRepo } from '../types.js';
import { guard } from './errors.js';
import type { ApiKeyDoc, Collections } from './schema.js';

const toApiKey = ({ _id, ...rest }: ApiKeyDoc): ApiKey => ({ id: _id, ...rest });

export function mongoApiKeys(c: Collections, ctx: StoreContext): ApiKeyRepo {
  return {
    create: (input) => guard(async () => {
      const now = ctx.now();
      const doc: ApiKeyDoc = { _id: newId(now.getTime()), ...input, createdAt: now };
      await c.apiKeys.insertOne(doc);
      return toApiKey(doc);
    }),
    findActiveByPrefix: (prefix) => guard(async () => {
      const doc = await c.apiKeys.findOne({ prefix, revokedAt: { $exists: false } });
      return doc ? toApiKey(doc) : undefined;
    }),
    list: (tenantId, query) => guard(async () => {
      const limit = pageLimit(query);
      const filter: Filter<ApiKeyDoc> = { tenantId };
      if (query?.cursor) filter._id = { $gt: query.cursor };
      const docs = await c.apiKeys.find(filter).sort({ _id: 1 }).limit(limit + 1).toArray();
      return toPage(docs.map(toApiKey), limit);
    }),
    revoke: (tenantId, id) => guard(async () => {
      const res = await c.apiKeys.updateOne(
        { _id: id, tenantId, revokedAt: { $exists: false } },
        { $set: { revokedAt: ctx.now() } },
      );
      return res.modifiedCount === 1;
    }),
    markUsed: (id, at) => guard(async () => {
      await c.apiKeys.updateOne({ _id: id }, { $set: { lastUsedAt: at ?? ctx.now() } });
    }),
  };
}
