// The storage contract. Everything outside src/store talks to these interfaces only; whether MongoDB or the
// embedded SQLite file is behind them is decided once, in openStore.
//
// Conventions shared by every repository:
// - ids are time-ordered UUIDv7 strings made by the store; lists page by id with an opaque cursor, never by offset;
// - a method taking a `tenantId` only ever sees that tenant's rows: another tenant's id behaves as absent;
//   `undefined` where allowed means "no tenant scope" (operator views, gateway.yaml routes);
// - `get` answers `undefined` when absent, `update` throws StoreError STORE_NOT_FOUND / STORE_CONFLICT;
// - an unreachable database throws StoreError STORE_UNAVAILABLE with `retryable: true`.

/** One page of a list; `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageQuery {
  /** default 50, at most 1000 */
  limit?: number;
  cursor?: string;
}

// ---------------------------------------------------------------- tenants

export interface Tenant {
  id: string;
  name: string;
  createdAt: Date;
}

export interface TenantRepo {
  create(input: { name: string; id?: string }): Promise<Tenant>;
  get(id: string): Promise<Tenant | undefined>;
  /** oldest first */
  list(query?: PageQuery): Promise<Page<Tenant>>;
}

// ---------------------------------------------------------------- API keys

export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  /** public, unique part of the key (`ceg_` + 8 chars) used to find the row */
  prefix: string;
  /** hex SHA-256 of the whole key; the key itself is never stored */
  hash: string;
  createdAt: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
}

export interface ApiKeyRepo {
  /** make `prefix` and `hash` with generateApiKey (src/store/apikey.ts) */
  create(input: { tenantId: string; name: string; prefix: string; hash: string }): Promise<ApiKey>;
  findActiveByPrefix(prefix: string): Promise<ApiKey | undefined>;
  /** oldest first, revoked ones included */
  list(tenantId: string, query?: PageQuery): Promise<Page<ApiKey>>;
  /** false when absent or already revoked */
  revoke(tenantId: string, id: string): Promise<boolean>;
  markUsed(id: string, at?: Date): Promise<void>;
}

// ---------------------------------------------------------------- subscriptions

export type SubscriptionState = 'active' | 'paused' | 'disabled';
export type ContentMode = 'binary' | 'structured' | 'webhook';

/** A signing secret, plaintext in memory; encrypted at rest. */
export interface SubscriptionSecret {
  id: string;
  secret: string;
  createdAt: Date;
  expiresAt?: Date;
}

export interface Subscription {
  id: string;
  tenantId: string;
  sink: string;
  protocol: 'HTTP';
  protocolsettings?: { headers?: Record<string, string>; method?: string };
  /** type patterns (src/routing/pattern.ts) */
  types: string[];
  source?: string;
  /** CloudEvents subscription filters, kept as given */
  filters?: unknown[];
  contentMode: ContentMode;
  signing?: { scheme: string };
  orderingKey?: string;
  retry?: object;
  rateLimit?: object;
  pipeline?: Array<{ use: string; config?: unknown }>;
  description?: string;
  metadata?: Record<string, string>;
  state: SubscriptionState;
  disabledReason?: string;
  secrets: SubscriptionSecret[];
  createdAt: Date;
  updatedAt: Date;
  /** starts at 1, +1 on every update; the optimistic-concurrency token */
  revision: number;
}

type Managed = 'id' | 'tenantId' | 'createdAt' | 'updatedAt' | 'revision';
type Mutable = Omit<Subscription, Managed>;
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

export type NewSubscription = Omit<Mutable, 'state'> & { tenantId: string; state?: SubscriptionState };

/** Keys left out or `undefined` stay as they are; `null` removes an optional field. */
export type SubscriptionPatch = { [K in keyof Mutable]?: K extends OptionalKeys<Mutable> ? Mutable[K] | null : Mutable[K] };

export interface SubscriptionQuery extends PageQuery {
  /** subscriptions listing exactly this entry in `types` */
  type?: string;
  state?: SubscriptionState;
}

export interface SubscriptionRepo {
  create(input: NewSubscription): Promise<Subscription>;
  get(tenantId: string, id: string): Promise<Subscription | undefined>;
  /** oldest first */
  list(tenantId: string, query?: SubscriptionQuery): Promise<Page<Subscription>>;
  /** with `expectedRevision`, a stale revision throws STORE_CONFLICT instead of overwriting */
  update(tenantId: string, id: string, patch: SubscriptionPatch, expectedRevision?: number): Promise<Subscription>;
  /** false when absent */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** every tenant's active subscriptions, for the router */
  listActive(): Promise<Subscription[]>;
}

// ---------------------------------------------------------------- deliveries

export type DeliveryState = 'pending' | 'succeeded' | 'failed' | 'dropped';

export interface StoredError {
  code: string;
  message: string;
  status?: number;
}

/** One event on its way to one target (a subscription or a gateway.yaml route). */
export interface Delivery {
  id: string;
  tenantId?: string;
  subscriptionId?: string;
  routeId?: string;
  eventId: string;
  eventSource: string;
  eventType: string;
  /** the event's sequence in the ingest stream, so redelivery and replay can read it back */
  eventSeq?: number;
  state: DeliveryState;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  lastAttemptAt?: Date;
  nextAttemptAt?: Date;
  lastError?: StoredError;
}

/** exactly one of subscriptionId / routeId */
export type NewDelivery = Pick<Delivery, 'tenantId' | 'subscriptionId' | 'routeId' | 'eventId' | 'eventSource' | 'eventType' | 'eventSeq'> & {
  state?: DeliveryState;
  nextAttemptAt?: Date;
};

export interface AttemptOutcome {
  state: DeliveryState;
  /** when the attempt ran; default now */
  at?: Date;
  /** `null` clears it (no more retries) */
  nextAttemptAt?: Date | null;
  /** `null` clears it (success) */
  lastError?: StoredError | null;
}

export interface DeliveryQuery extends PageQuery {
  subscriptionId?: string;
  routeId?: string;
  state?: DeliveryState;
  eventType?: string;
  /** createdAt >= from */
  from?: Date;
  /** createdAt < to */
  to?: Date;
}

export interface DeliveryRepo {
  /** unique by (eventSource, eventId, subscriptionId ?? routeId): a redelivered event finds its delivery */
  createIfAbsent(input: NewDelivery): Promise<{ delivery: Delivery; created: boolean }>;
  get(tenantId: string | undefined, id: string): Promise<Delivery | undefined>;
  /** newest first */
  list(tenantId: string | undefined, query?: DeliveryQuery): Promise<Page<Delivery>>;
  /**
   * Counts one more attempt and records its outcome; resolves with the delivery's attempt count, this one
   * included. Throws STORE_NOT_FOUND when absent.
   */
  recordAttempt(id: string, outcome: AttemptOutcome): Promise<number>;
}

// ---------------------------------------------------------------- attempts

export type AttemptTrigger = 'auto' | 'manual' | 'replay';

export interface Attempt {
  id: string;
  deliveryId: string;
  tenantId?: string;
  subscriptionId?: string;
  routeId?: string;
  eventId: string;
  eventType: string;
  attempt: number;
  trigger: AttemptTrigger;
  request: { url: string; method: string; headers: Record<string, string> };
  response?: { status: number; headers: Record<string, string>; bodyExcerpt: string };
  error?: { code: string; message: string };
  durationMs: number;
  startedAt: Date;
  finishedAt: Date;
  nextAttemptAt?: Date;
}

export interface AttemptStats {
  total: number;
  succeeded: number;
  failed: number;
  /** nearest-rank percentiles of durationMs; 0 when there is no attempt */
  p50Ms: number;
  p95Ms: number;
}

export interface AttemptRepo {
  /** buffered: written in bulk off the hot path; never throws */
  append(input: Omit<Attempt, 'id'>): Attempt;
  /** writes what is buffered; rejects when the database refused it (the rows stay buffered) */
  flush(): Promise<void>;
  /** oldest first; unexpired only */
  listByDelivery(tenantId: string | undefined, deliveryId: string): Promise<Attempt[]>;
  /** attempts started at or after `since`; succeeded = a 2xx response */
  stats(tenantId: string, subscriptionId: string, since: Date): Promise<AttemptStats>;
}

// ---------------------------------------------------------------- the store

export interface Store {
  tenants: TenantRepo;
  apiKeys: ApiKeyRepo;
  subscriptions: SubscriptionRepo;
  deliveries: DeliveryRepo;
  attempts: AttemptRepo;
  /** rejects with STORE_UNAVAILABLE when the database does not answer */
  ping(): Promise<void>;
  /**
   * Deletes now (it also runs on a timer) the attempts past their retention, and the finished deliveries
   * (succeeded, failed, dropped) last changed longer ago than the retention window; answers how many.
   */
  purgeExpired(): Promise<number>;
  /** flushes buffered attempts, then closes the connection or file */
  close(): Promise<void>;
}

/** The store's notion of now; injectable so retention is testable without waiting. */
export type Clock = () => Date;
