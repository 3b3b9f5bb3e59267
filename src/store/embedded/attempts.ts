import type { Database } from 'better-sqlite3';
import { Batcher } from '../batcher.js';
import type { StoreContext } from '../context.js';
import { newId } from '../id.js';
import { expiresAt } from '../retention.js';
import { percentileIndex, SUCCESS } from '../stats.js';
import type { Attempt, AttemptRepo, AttemptTrigger } from '../types.js';
import type { UpdatesInFlight } from '../updates.js';
import { guard } from './errors.js';
import { date, json, present } from './rows.js';
import type { Writer } from './writer.js';

interface Row {
  id: string;
  deliveryId: string;
  tenantId: string | null;
  subscriptionId: string | null;
  routeId: string | null;
  eventId: string;
  eventType: string;
  attempt: number;
  trigger: AttemptTrigger;
  request: string;
  response: string | null;
  error: string | null;
  durationMs: number;
  startedAt: number;
  finishedAt: number;
  nextAttemptAt: number | null;
}

const COLUMNS = `id, delivery_id AS deliveryId, tenant_id AS tenantId, subscription_id AS subscriptionId,
  route_id AS routeId, event_id AS eventId, event_type AS eventType, attempt, trigger, request, response, error,
  duration_ms AS durationMs, started_at AS startedAt, finished_at AS finishedAt, next_attempt_at AS nextAttemptAt`;

function toAttempt(row: Row): Attempt {
  return present({
    ...row,
    request: JSON.parse(row.request) as Attempt['request'],
    response: json<Attempt['response']>(row.response),
    error: json<Attempt['error']>(row.error),
    startedAt: date(row.startedAt),
    finishedAt: date(row.finishedAt),
    nextAttemptAt: date(row.nextAttemptAt),
  });
}

/** The insert's positional parameters (binding named ones costs a third more, once per attempt). */
type Params = [
  string, string, string | null, string | null, string | null, string, string, number, AttemptTrigger,
  string, string | null, number | null, string | null, number, number, number, number | null, number,
];
function toParams(a: Attempt, expiry: Date): Params {
  return [
    a.id,
    a.deliveryId,
    a.tenantId ?? null,
    a.subscriptionId ?? null,
    a.routeId ?? null,
    a.eventId,
    a.eventType,
    a.attempt,
    a.trigger,
    JSON.stringify(a.request),
    a.response ? JSON.stringify(a.response) : null,
    a.response?.status ?? null,
    a.error ? JSON.stringify(a.error) : null,
    a.durationMs,
    a.startedAt.getTime(),
    a.finishedAt.getTime(),
    a.nextAttemptAt?.getTime() ?? null,
    expiry.getTime(),
  ];
}

export function embeddedAttempts(db: Database, ctx: StoreContext, writer: Writer, updates: UpdatesInFlight): AttemptRepo {
  const insert = writer.prepare<Params>(
    `INSERT INTO attempts (id, delivery_id, tenant_id, subscription_id, route_id, event_id, event_type, attempt, trigger,
       request, response, status, error, duration_ms, started_at, finished_at, next_attempt_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  const byDelivery = db.prepare<[{ deliveryId: string; tenantId: string | null; now: number }], Row>(
    `SELECT ${COLUMNS} FROM attempts
     WHERE delivery_id = @deliveryId AND (@tenantId IS NULL OR tenant_id = @tenantId) AND expires_at > @now
     ORDER BY id`,
  );
  const window = `FROM attempts WHERE subscription_id = @subscriptionId AND tenant_id = @tenantId
    AND started_at >= @since AND expires_at > @now`;
  type StatsParams = { subscriptionId: string; tenantId: string; since: number; now: number };
  const counts = db.prepare<[StatsParams & { min: number; max: number }], { total: number; succeeded: number | null }>(
    `SELECT count(*) AS total, sum(status BETWEEN @min AND @max) AS succeeded ${window}`,
  );
  const nth = db.prepare<[StatsParams & { offset: number }], { durationMs: number }>(
    `SELECT duration_ms AS durationMs ${window} ORDER BY duration_ms, id LIMIT 1 OFFSET @offset`,
  );

  const batcher = new Batcher<Params>({
    logger: ctx.logger,
    // a batch goes to the writer thread at once, so it commits in one transaction (with the deliveries' writes
    // of the moment); rows of a batch retried after a failure that did commit are met by their primary key
    write: (batch) => guard(() => Promise.all(batch.map((row) => insert(...row)))).then(() => undefined),
  });

  return {
    append(input) {
      const now = ctx.now();
      const attempt: Attempt = { id: newId(now.getTime()), ...input };
      batcher.push(toParams(attempt, expiresAt(now, ctx.retentionDays)));
      return attempt;
    },
    flush: () => batcher.flush(),
    listByDelivery: async (tenantId, deliveryId) => {
      // the attempt of a delivery state already committed, then what is buffered: read your own writes
      await updates.settled();
      await batcher.flush();
      return guard(() =>
        byDelivery.all({ deliveryId, tenantId: tenantId ?? null, now: ctx.now().getTime() }).map(toAttempt),
      );
    },
    stats: async (tenantId, subscriptionId, since) => {
      await updates.settled();
      await batcher.flush();
      return guard(() => {
        const params = { subscriptionId, tenantId, since: since.getTime(), now: ctx.now().getTime() };
        const { total, succeeded } = counts.get({ ...params, ...SUCCESS })!;
        const at = (p: number) => (total === 0 ? 0 : nth.get({ ...params, offset: percentileIndex(total, p) })?.durationMs ?? 0);
        const ok = succeeded ?? 0;
        return { total, succeeded: ok, failed: total - ok, p50Ms: at(0.5), p95Ms: at(0.95) };
      });
    },
  };
}
