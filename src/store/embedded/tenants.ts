import type { Database } from 'better-sqlite3';
import { ErrorCodes, StoreError } from '../../errors.js';
import type { StoreContext } from '../context.js';
import { newId } from '../id.js';
import { pageLimit, toPage } from '../paging.js';
import type { Tenant, TenantRepo } from '../types.js';
import { guard } from './errors.js';

interface Row {
  id: string;
  name: string;
  createdAt: number;
}

const toTenant = (r: Row): Tenant => ({ id: r.id, name: r.name, createdAt: new Date(r.createdAt) });

export function embeddedTenants(db: Database, ctx: StoreContext): TenantRepo {
  const insert = db.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const byId = db.prepare<[string], Row>('SELECT id, name, created_at AS createdAt FROM tenants WHERE id = ?');
  const page = db.prepare<[string, number], Row>(
    'SELECT id, name, created_at AS createdAt FROM tenants WHERE id > ? ORDER BY id LIMIT ?',
  );

  return {
    create: ({ name, id }) => guard(() => {
      const now = ctx.now();
      const tenant: Tenant = { id: id ?? newId(now.getTime()), name, createdAt: now };
      if (insert.run(tenant.id, name, now.getTime()).changes === 0) {
        throw new StoreError(ErrorCodes.STORE_CONFLICT, `tenant ${tenant.id} already exists`);
      }
      return tenant;
    }),
    get: (id) => guard(() => {
      const row = byId.get(id);
      return row && toTenant(row);
    }),
    list: (query) => guard(() => {
      const limit = pageLimit(query);
      return toPage(page.all(query?.cursor ?? '', limit + 1).map(toTenant), limit);
    }),
  };
}
