import type { Database } from 'better-sqlite3';
import type { StoreContext } from '../context.js';
import { newId } from '../id.js';
import { pageLimit, toPage } from '../paging.js';
import type { ApiKey, ApiKeyRepo } from '../types.js';
import { guard } from './errors.js';
import { date, present } from './rows.js';

interface Row {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  hash: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

const COLUMNS = `id, tenant_id AS tenantId, name, prefix, hash, created_at AS createdAt,
  revoked_at AS revokedAt, last_used_at AS lastUsedAt`;

function toApiKey(row: Row): ApiKey {
  return present({
    ...row,
    createdAt: date(row.createdAt),
    revokedAt: date(row.revokedAt),
    lastUsedAt: date(row.lastUsedAt),
  });
}

export function embeddedApiKeys(db: Database, ctx: StoreContext): ApiKeyRepo {
  const insert = db.prepare(
    'INSERT INTO api_keys (id, tenant_id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byPrefix = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM api_keys WHERE prefix = ? AND revoked_at IS NULL`);
  const page = db.prepare<[string, string, number], Row>(
    `SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?`,
  );
  const revoke = db.prepare(
    'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL',
  );
  const used = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');

  return {
    create: (input) => guard(() => {
      const now = ctx.now();
      const key: ApiKey = { id: newId(now.getTime()), ...input, createdAt: now };
      insert.run(key.id, key.tenantId, key.name, key.prefix, key.hash, now.getTime());
      return key;
    }),
    findActiveByPrefix: (prefix) => guard(() => {
      const row = byPrefix.get(prefix);
      return row && toApiKey(row);
    }),
    list: (tenantId, query) => guard(() => {
      const limit = pageLimit(query);
      return toPage(page.all(tenantId, query?.cursor ?? '', limit + 1).map(toApiKey), limit);
    }),
    revoke: (tenantId, id) => guard(() => revoke.run(ctx.now().getTime(), id, tenantId).changes === 1),
    markUsed: (id, at) => guard(() => void used.run((at ?? ctx.now()).getTime(), id)),
  };
}
