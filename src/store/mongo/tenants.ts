import { ErrorCodes, StoreError } from '../../errors.js';
import type { StoreContext } from '../context.js';
import { newId } from '../id.js';
import { pageLimit, toPage } from '../paging.js';
import type { Tenant, TenantRepo } from '../types.js';
import { guard, isDuplicateKey } from './errors.js';
import type { Collections, TenantDoc } from './schema.js';

const toTenant = ({ _id, ...rest }: TenantDoc): Tenant => ({ id: _id, ...rest });

export function mongoTenants(c: Collections, ctx: StoreContext): TenantRepo {
  return {
    create: ({ name, id }) =>
      guard(async () => {
        const now = ctx.now();
        const doc: TenantDoc = { _id: id ?? newId(now.getTime()), name, createdAt: now };
        try {
          await c.tenants.insertOne(doc);
        } catch (err) {
          if (isDuplicateKey(err)) throw new StoreError(ErrorCodes.STORE_CONFLICT, `tenant ${doc._id} already exists`);
          throw err;
        }
        return toTenant(doc);
      }),
    get: (id) => guard(async () => {
      const doc = await c.tenants.findOne({ _id: id });
      return doc ? toTenant(doc) : undefined;
    }),
    list: (query) => guard(async () => {
      const limit = pageLimit(query);
      const filter = query?.cursor ? { _id: { $gt: query.cursor } } : {};
      const docs = await c.tenants.find(filter).sort({ _id: 1 }).limit(limit + 1).toArray();
      return toPage(docs.map(toTenant), limit);
    }),
  };
}
