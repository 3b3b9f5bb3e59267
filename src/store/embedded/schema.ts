// Tables and indexes of the embedded file, as numbered migrations tracked in PRAGMA user_version: opening an
// up-to-date file changes nothing, an older one is brought forward in one transaction. Times are integer
// Unix milliseconds; free-form parts are JSON text.
import type { Database } from 'better-sqlite3';

const MIGRATIONS: string[] = [
  `
  CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

  CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    state TEXT NOT NULL,
    types TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    body TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id, id);
  CREATE INDEX subscriptions_state ON subscriptions (state, id);

  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    subscription_id TEXT,
    route_id TEXT,
    target TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_source TEXT NOT NULL,
    event_type TEXT NOT NULL,
    event_seq INTEGER,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    next_attempt_at INTEGER,
    last_error TEXT,
    UNIQUE (event_source, event_id, target)
  ) WITHOUT ROWID;
  CREATE INDEX deliveries_tenant ON deliveries (tenant_id, id);
  CREATE INDEX deliveries_subscription ON deliveries (subscription_id, id);
  CREATE INDEX deliveries_route ON deliveries (route_id, id);

  CREATE TABLE attempts (
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    tenant_id TEXT,
    subscription_id TEXT,
    route_id TEXT,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    request TEXT NOT NULL,
    response TEXT,
    status INTEGER,
    error TEXT,
    duration_ms REAL NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    next_attempt_at INTEGER,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX attempts_delivery ON attempts (delivery_id, id);
  CREATE INDEX attempts_subscription ON attempts (subscription_id, started_at);
  CREATE INDEX attempts_expiry ON attempts (expires_at);

  CREATE TABLE processed_events (
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (source, id)
  ) WITHOUT ROWID;
  CREATE INDEX processed_events_expiry ON processed_events (expires_at);
  `,
  // Partial indexes: a route's delivery has no tenant or subscription, a subscription's no route, and an
  // index entry nobody can look up is only write cost on the hot path.
  `
  DROP INDEX deliveries_tenant;
  CREATE INDEX deliveries_tenant ON deliveries (tenant_id, id) WHERE tenant_id IS NOT NULL;
  DROP INDEX deliveries_subscription;
  CREATE INDEX deliveries_subscription ON deliveries (subscription_id, id) WHERE subscription_id IS NOT NULL;
  DROP INDEX deliveries_route;
  CREATE INDEX deliveries_route ON deliveries (route_id, id) WHERE route_id IS NOT NULL;
  DROP INDEX attempts_subscription;
  CREATE INDEX attempts_subscription ON attempts (subscription_id, started_at) WHERE subscription_id IS NOT NULL;
  `,
  // Every listing of deliveries names a subscription, and the tenant's index cost each delivery a page write
  // in most commits (8 % of the WAL's frames with ten subscriptions) for no query.
  `
  DROP INDEX deliveries_tenant;
  `,
  // No query used the processed ids.
  `
  DROP TABLE IF EXISTS processed_events;
  `,
];

export function migrate(db: Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
