import type { Database, Statement } from 'better-sqlite3';
import type { StoreContext } from '../context.js';
import { deliveryTarget } from '../delivery.js';
import { notFound } from '../errors.js';
import { newId } from '../id.js';
import { pageLimit, toPage } from '../paging.js';
import type { Delivery, DeliveryRepo, DeliveryState, StoredError } from '../types.js';
import type { GroupCommit } from './commit.js';
import { guard } from './errors.js';
import { date, json, present } from './rows.js';

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

function toDelivery(row: Row): Delivery {
  return present({
    ...row,
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
    lastAttemptAt: date(row.lastAttemptAt),
    nextAttemptAt: date(row.nextAttemptAt),
    lastError: json<StoredError>(row.lastError),
  });
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

export function embeddedDeliveries(db: Database, ctx: StoreContext, commit: GroupCommit): DeliveryRepo {
  const insert = db.prepare(
    `INSERT INTO deliveries (id, tenant_id, subscription_id, route_id, target, event_id, event_source, event_type,
       event_seq, state, attempts, created_at, updated_at, next_attempt_at)
     VALUES (@id, @tenantId, @subscriptionId, @routeId, @target, @eventId, @eventSource, @eventType,
       @eventSeq, @state, 0, @now, @now, @nextAttemptAt)
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
  // no RETURNING: reading the row back by its key in the same transaction costs less than half as much
  const record = db.prepare<[Record<string, unknown>]>(
    `UPDATE deliveries SET attempts = attempts + 1, state = @state, last_attempt_at = @at, updated_at = @now,
       next_attempt_at = CASE WHEN @keepNext THEN next_attempt_at ELSE @nextAttemptAt END,
       last_error = CASE WHEN @keepError THEN last_error ELSE @lastError END
     WHERE id = @id`,
  );

  return {
    // the two writes of the hot path (one per target at ingest, one per attempt) share transactions
    createIfAbsent: (input) => guard(() => commit.run(() => {
      const now = ctx.now();
      const id = newId(now.getTime());
      const target = deliveryTarget(input);
      // one statement, so concurrent writers (other processes on the same file) meet the unique key, not a race
      const params = {
        id,
        tenantId: input.tenantId ?? null,
        subscriptionId: input.subscriptionId ?? null,
        routeId: input.routeId ?? null,
        target,
        eventId: input.eventId,
        eventSource: input.eventSource,
        eventType: input.eventType,
        eventSeq: input.eventSeq ?? null,
        state: input.state ?? 'pending',
        now: now.getTime(),
        nextAttemptAt: input.nextAttemptAt?.getTime() ?? null,
      };
      if (insert.run(params).changes === 1) {
        // the row is exactly what was inserted: no need to read it back
        const { target: _target, now: at, ...row } = params;
        return { delivery: toDelivery({ ...row, attempts: 0, createdAt: at, updatedAt: at, lastAttemptAt: null, lastError: null }), created: true };
      }
      const row = byKey.get(input.eventSource, input.eventId, target);
      if (!row) throw notFound('delivery for event', `${input.eventSource}/${input.eventId}`);
      return { delivery: toDelivery(row), created: false };
    })),
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
    recordAttempt: (id, outcome) => guard(() => commit.run(() => {
      const now = ctx.now();
      const { changes } = record.run({
        id,
        state: outcome.state,
        at: (outcome.at ?? now).getTime(),
        now: now.getTime(),
        keepNext: outcome.nextAttemptAt === undefined ? 1 : 0,
        nextAttemptAt: outcome.nextAttemptAt?.getTime() ?? null,
        keepError: outcome.lastError === undefined ? 1 : 0,
        lastError: outcome.lastError ? JSON.stringify(outcome.lastError) : null,
      });
      const row = changes === 1 ? byId.get(id) : undefined;
      if (!row) throw notFound('delivery', id);
      return toDelivery(row);
    })),
  };
}
