import type { Database } from 'better-sqlite3';
import type { StoreContext } from '../context.js';
import { pageLimit, toPage } from '../paging.js';
import {
  newSubscription,
  openSubscription,
  sealSubscription,
  updateWithRevision,
} from '../subscription.js';
import type { Subscription, SubscriptionRepo, SubscriptionState } from '../types.js';
import { guard } from './errors.js';

interface Row {
  id: string;
  tenantId: string;
  state: SubscriptionState;
  types: string;
  revision: number;
  createdAt: number;
  updatedAt: number;
  body: string;
}

const COLUMNS = `id, tenant_id AS tenantId, state, types, revision, created_at AS createdAt,
  updated_at AS updatedAt, body`;

export function embeddedSubscriptions(db: Database, ctx: StoreContext): SubscriptionRepo {
  const insert = db.prepare(
    `INSERT INTO subscriptions (id, tenant_id, state, types, revision, created_at, updated_at, body)
     VALUES (@id, @tenantId, @state, @types, @revision, @createdAt, @updatedAt, @body)`,
  );
  const byId = db.prepare<[string, string], Row>(`SELECT ${COLUMNS} FROM subscriptions WHERE id = ? AND tenant_id = ?`);
  const page = db.prepare<[{ tenantId: string; cursor: string; state: string | null; type: string | null; limit: number }], Row>(
    `SELECT ${COLUMNS} FROM subscriptions
     WHERE tenant_id = @tenantId AND id > @cursor
       AND (@state IS NULL OR state = @state)
       AND (@type IS NULL OR EXISTS (SELECT 1 FROM json_each(types) WHERE value = @type))
     ORDER BY id LIMIT @limit`,
  );
  const replace = db.prepare(
    `UPDATE subscriptions SET state = @state, types = @types, revision = @revision, updated_at = @updatedAt, body = @body
     WHERE id = @id AND tenant_id = @tenantId AND revision = @expected`,
  );
  const remove = db.prepare('DELETE FROM subscriptions WHERE id = ? AND tenant_id = ?');
  const active = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM subscriptions WHERE state = 'active' ORDER BY id`);

  const toRow = (sub: Subscription) => {
    const rec = sealSubscription(sub, ctx.ring);
    return { ...rec, types: JSON.stringify(rec.types), createdAt: rec.createdAt.getTime(), updatedAt: rec.updatedAt.getTime() };
  };
  const open = (row: Row): Subscription =>
    openSubscription(
      { ...row, types: JSON.parse(row.types) as string[], createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) },
      ctx.ring,
    );
  const load = async (tenantId: string, id: string) => {
    const row = byId.get(id, tenantId);
    return row && open(row);
  };

  return {
    create: (input) => guard(() => {
      const sub = newSubscription(input, ctx.now());
      insert.run(toRow(sub));
      return sub;
    }),
    get: (tenantId, id) => guard(() => load(tenantId, id)),
    list: (tenantId, query) => guard(() => {
      const limit = pageLimit(query);
      const rows = page.all({
        tenantId,
        cursor: query?.cursor ?? '',
        state: query?.state ?? null,
        type: query?.type ?? null,
        limit: limit + 1,
      });
      return toPage(rows.map(open), limit);
    }),
    update: (tenantId, id, patch, expectedRevision) =>
      guard(() =>
        updateWithRevision(
          {
            load: () => load(tenantId, id),
            replace: async (next, revision) => replace.run({ ...toRow(next), expected: revision }).changes === 1,
          },
          id,
          patch,
          expectedRevision,
          ctx.now(),
        ),
      ),
    delete: (tenantId, id) => guard(() => remove.run(id, tenantId).changes === 1),
    listActive: () => guard(() => active.all().map(open)),
  };
}
