import type { Database, Statement } from 'better-sqlite3';
import type { StoreContext } from '../context.js';
import { deliveryTarget } from '../delivery.js';
import { notFound } from '../errors.js';
import { newId } from '../id.js';
import { pageLimit, toPage } from '../paging.js';
import type { Delivery, DeliveryRepo, DeliveryState, StoredError } from '../types.js';
import type { UpdatesInFlight } from '../updates.js';
import { guard } from './errors.js';
import type { Writer } from './writer.js';

interface Row {
  id: string;
  tenantId: string | null;
  subscriptionId: string | null;
  routeId: string | null;
  eventId: string;
  eventSource: string;
  eventType: string;
  eventSeq: number | null;
  state: DeliveryState;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  lastError: string | null;
}

const COLUMNS = `id, tenant_id AS tenantId, subscription_id AS subscriptionId, route_id AS routeId,
  event_id AS eventId, event_source AS eventSource, event_type AS eventType, event_seq AS eventSeq, state, attempts,
  created_at AS createdAt, updated_at AS updatedAt, last_attempt_at AS lastAttemptAt,
  next_attempt_at AS nextAttemptAt, last_error AS lastError`;

// written out field by field, not with present(): it runs for every delivery written, and the generic copy
// cost more than the SQL statement
function toDelivery(row: Row): Delivery {
  const d: Delivery = {
    id: row.id,
    eventId: row.eventId,
    eventSource: row.eventSource,
    eventType: row.eventType,
    state: row.state,
    attempts: row.attempts,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
  if (row.tenantId !== null) d.tenantId = row.tenantId;
  if (row.subscriptionId !== null) d.subscriptionId = row.subscriptionId;
  if (row.routeId !== null) d.routeId = row.routeId;
  if (row.eventSeq !== null) d.eventSeq = row.eventSeq;
  if (row.lastAttemptAt !== null) d.lastAttemptAt = new Date(row.lastAttemptAt);
  if (row.nextAttemptAt !== null) d.nextAttemptAt = new Date(row.nextAttemptAt);
  if (row.lastError !== null) d.lastError = JSON.parse(row.lastError) as StoredError;
  return d;
}

/** The list filters, each with its condition; only those given go into the statement. */
const FILTERS = {
  tenantId: 'tenant_id = @tenantId',
  subscriptionId: 'subscription_id = @subscriptionId',
  routeId: 'route_id = @routeId',
  state: 'state = @state',
  eventType: 'event_type = @eventType',
  from: 'created_at >= @from',
  to: 'created_at < @to',
  cursor: 'id < @cursor',
} as const;
type ListParams = { [K in keyof typeof FILTERS]?: string | number };

export function embeddedDeliveries(db: Database, ctx: StoreContext, writer: Writer, updates: UpdatesInFlight): DeliveryRepo {
  // the two statements of the hot path take positional parameters: binding named ones costs a third more
  const insert = writer.prepare<[string, string | null, string | null, string | null, string, string, string, string, number | null, DeliveryState, number, number, number | null]>(
    `INSERT INTO deliveries (id, tenant_id, subscription_id, route_id, target, event_id, event_source, event_type,
       event_seq, state, attempts, created_at, updated_at, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
     ON CONFLICT (event_source, event_id, target) DO NOTHING`,
  );
  const byKey = db.prepare<[string, string, string], Row>(
    `SELECT ${COLUMNS} FROM deliveries WHERE event_source = ? AND event_id = ? AND target = ?`,
  );
  const byId = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM deliveries WHERE id = ?`);
  // one statement per combination of filters given, so each can use the index that fits it: a single
  // statement with `(@x IS NULL OR col = @x)` terms makes SQLite scan the whole table
  const pages = new Map<string, Statement<[ListParams & { limit: number }], Row>>();
  const page = (params: ListParams, limit: number): Row[] => {
    const given = (Object.keys(FILTERS) as Array<keyof typeof FILTERS>).filter((k) => params[k] !== undefined);
    const key = given.join(',');
    let stmt = pages.get(key);
    if (!stmt) {
      const where = given.length ? `WHERE ${given.map((k) => FILTERS[k]).join(' AND ')}` : '';
      stmt = db.prepare<[ListParams & { limit: number }], Row>(`SELECT ${COLUMNS} FROM deliveries ${where} ORDER BY id DESC LIMIT @limit`);
      pages.set(key, stmt);
    }
    return stmt.all({ ...Object.fromEntries(given.map((k) => [k, params[k]])), limit });
  };
  // the new count is all an attempt needs back: reading the whole row back cost more than the update
  const record = writer.prepare<[DeliveryState, number, number, number, number | null, number, string | null, string], number | undefined>(
    `UPDATE deliveries SET attempts = attempts + 1, state = ?, last_attempt_at = ?, updated_at = ?,
       next_attempt_at = CASE WHEN ? THEN next_attempt_at ELSE ? END,
       last_error = CASE WHEN ? THEN last_error ELSE ? END
     WHERE id = ? RETURNING attempts`,
  );

  return {
    // the two writes of the hot path (one per target at ingest, one per attempt) go to the writer thread
    createIfAbsent: (input) => guard(async () => {
      const now = ctx.now().getTime();
      const id = newId(now);
      const target = deliveryTarget(input);
      const state = input.state ?? 'pending';
      const nextAttemptAt = input.nextAttemptAt?.getTime() ?? null;
      // one statement, so concurrent writers (other processes on the same file) meet the unique key, not a race
      const changes = await insert(
        id, input.tenantId ?? null, input.subscriptionId ?? null, input.routeId ?? null, target,
        input.eventId, input.eventSource, input.eventType, input.eventSeq ?? null, state, now, now, nextAttemptAt,
      );
      if (changes === 1) {
        // the row is exactly what was inserted: no need to read it back
        const row: Row = {
          id, tenantId: input.tenantId ?? null, subscriptionId: input.subscriptionId ?? null, routeId: input.routeId ?? null,
          eventId: input.eventId, eventSource: input.eventSource, eventType: input.eventType, eventSeq: input.eventSeq ?? null,
          state, attempts: 0, createdAt: now, updatedAt: now, lastAttemptAt: null, nextAttemptAt, lastError: null,
        };
        return { delivery: toDelivery(row), created: true };
      }
      // the row it met is committed (by this writer or another process), so the main connection sees it
      const row = byKey.get(input.eventSource, input.eventId, target);
      if (!row) throw notFound('delivery for event', `${input.eventSource}/${input.eventId}`);
      return { delivery: toDelivery(row), created: false };
    }),
    get: (tenantId, id) => guard(() => {
      const row = byId.get(id);
      return row && (tenantId === undefined || row.tenantId === tenantId) ? toDelivery(row) : undefined;
    }),
    list: (tenantId, query = {}) => guard(() => {
      const limit = pageLimit(query);
      const rows = page(
        {
          tenantId,
          subscriptionId: query.subscriptionId,
          routeId: query.routeId,
          state: query.state,
          eventType: query.eventType,
          from: query.from?.getTime(),
          to: query.to?.getTime(),
          cursor: query.cursor,
        },
        limit + 1,
      );
      return toPage(rows.map(toDelivery), limit);
    }),
    recordAttempt: (id, outcome) => updates.track(guard(async () => {
      const now = ctx.now().getTime();
      const attempts = await record(
        outcome.state,
        outcome.at?.getTime() ?? now,
        now,
        outcome.nextAttemptAt === undefined ? 1 : 0,
        outcome.nextAttemptAt?.getTime() ?? null,
        outcome.lastError === undefined ? 1 : 0,
        outcome.lastError ? JSON.stringify(outcome.lastError) : null,
        id,
      );
      if (attempts === undefined) throw notFound('delivery', id);
      return attempts;
    })),
  };
}
