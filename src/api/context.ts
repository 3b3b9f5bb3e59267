// What the /v1 API needs from the running gateway. The API validates and stores; everything that acts on
// the data path (notify other instances, send a test event, re-enqueue, replay) goes through these hooks,
// so the API never touches NATS or the delivery worker directly.
import type { CloudEvent } from '../cloudevents/event.js';
import type { GatewayConfig } from '../config/types.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { PluginRegistry } from '../pipeline/mod.js';
import type { SchemaRegistry } from '../registry/mod.js';
import type { Attempt, Delivery, Store, Subscription } from '../store/types.js';

export interface ReplayRequest {
  /** ingest-stream time window (inclusive start, exclusive end) */
  from?: Date;
  to?: Date;
  /** or a stream sequence to start at */
  startSeq?: number;
}

export interface ReplayJob {
  id: string;
  tenantId: string;
  subscriptionId: string;
  state: 'running' | 'done' | 'failed';
  /** messages read / to read, and deliveries enqueued */
  scanned: number;
  total: number;
  enqueued: number;
  error?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ApiContext {
  config: GatewayConfig;
  store: Store;
  schemas: SchemaRegistry;
  plugins: PluginRegistry;
  logger: Logger;
  metrics: Metrics;
  /** SHA-256 hex of the bootstrap admin key (env CEG_ADMIN_KEY); undefined disables the admin routes */
  adminKeyHash?: string;
  /** tells every gateway instance that a subscription changed, so routing follows within a second */
  subscriptionChanged(tenantId: string, id: string): Promise<void>;
  /** sends one event to the subscription now, through its real pipeline and signing; the attempt made */
  testDelivery(subscription: Subscription, event: CloudEvent): Promise<Attempt>;
  /** enqueues the delivery again (trigger `manual`) */
  redeliver(delivery: Delivery): Promise<void>;
  /** starts a replay of the ingest stream into the subscription */
  startReplay(subscription: Subscription, request: ReplayRequest): Promise<ReplayJob>;
  getReplay(tenantId: string, jobId: string): Promise<ReplayJob | undefined>;
}
