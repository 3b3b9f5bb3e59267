// The gateway process: wires config, schemas, plugins, store, NATS, ingest, delivery and the HTTP API,
// and takes them down in the reverse order. Embedders call `Gateway.start(config)`.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Router as ExpressRouter } from 'express';
import { createApp } from './api/app.js';
import type { ApiContext } from './api/context.js';
import { eventsRouter } from './api/events.js';
import { healthRouter } from './api/health.js';
import { v1Router } from './api/v1.js';
import type { CloudEvent } from './cloudevents/event.js';
import type { GatewayConfig } from './config/types.js';
import { subscriptionDisabledEvent } from './delivery/operational.js';
import { Redeliverer } from './delivery/redeliver.js';
import { OrderedPartitions } from './delivery/ordered.js';
import { ReplayJobs } from './delivery/replay.js';
import { RouteTargets } from './delivery/routes.js';
import { Sender } from './delivery/sender.js';
import { SsrfGuard } from './delivery/ssrf.js';
import { SubscriptionTargets } from './delivery/subscriptions.js';
import { targetsOf } from './delivery/target.js';
import { Peers, peersSubject } from './delivery/peers.js';
import { DeliveryWorker } from './delivery/worker.js';
import { ApiError, ErrorCodes } from './errors.js';
import { Admitter } from './ingest/admit.js';
import { IngestConsumer } from './ingest/consumer.js';
import { EventPublisher } from './ingest/publish.js';
import { connectNats } from './nats/connection.js';
import { DeadLetterPublisher } from './nats/deadletter.js';
import { localNatsUrlFile, startLocalServer, type LocalServer } from './nats/local.js';
import { provision } from './nats/provision.js';
import { ingestPrefix } from './nats/subjects.js';
import { createLogger, type Logger } from './observe/logger.js';
import { createMetrics, type Metrics } from './observe/metrics.js';
import { PluginRegistry } from './pipeline/mod.js';
import { SchemaRegistry } from './registry/mod.js';
import { RouteTable } from './routing/routes.js';
import { Router } from './routing/router.js';
import { SubscriptionIndex } from './routing/subscriptions.js';
import { SubscriptionSync } from './routing/sync.js';
import { openStore } from './store/mod.js';
import { hashApiKey } from './store/mod.js';
import type { Store } from './store/types.js';

export interface GatewayOptions {
  logger?: Logger;
}

export class Gateway {
  #server?: Server;
  #stopping?: Promise<void>;
  #v1 = ExpressRouter();
  #events = ExpressRouter();

  private constructor(
    readonly config: GatewayConfig,
    readonly logger: Logger,
    readonly metrics: Metrics,
    readonly store: Store,
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly publisher: EventPublisher,
    private readonly parts: {
      local?: LocalServer;
      ingest: IngestConsumer;
      worker: DeliveryWorker;
      routes: RouteTargets;
      subscriptions: SubscriptionTargets;
      sync: SubscriptionSync;
      replays: ReplayJobs;
      sender: Sender;
      peers: Peers;
    },
  ) {}

  /** The HTTP address once listening, e.g. `http://127.0.0.1:8080`. */
  get url(): string {
    const addr = this.#server?.address();
    if (!addr || typeof addr === 'string') throw new Error('the gateway is not listening');
    return `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  static async start(config: GatewayConfig, opts: GatewayOptions = {}): Promise<Gateway> {
    const logger = opts.logger ?? createLogger({ level: config.log.level });
    const metrics = createMetrics();
    // everything that can be wrong in files fails first, before any connection is made
    const schemas = await SchemaRegistry.load({
      dir: config.schemas.dir,
      unknownTypes: config.schemas.unknownTypes,
      policies: config.schemas.policies,
    });
    const plugins = new PluginRegistry({ rootDir: config.rootDir });
    const routes = await RouteTargets.compile(config, plugins, logger);

    // HTTP first: while the store or NATS are still being reached, /healthz answers and /readyz says why not
    const live: { store?: Store; nc?: NatsConnection } = {};
    const mounted = ExpressRouter();
    let ready = false;
    const app = createApp(
      [
        healthRouter(
          {
            nats: async () => {
              if (!live.nc || live.nc.isClosed()) throw new Error('not connected');
              await live.nc.flush();
            },
            store: async () => {
              if (!live.store) throw new Error('not open yet');
              await live.store.ping();
            },
          },
          metrics.registry,
        ),
        ExpressRouter().use((_req, _res, next) =>
          next(ready ? undefined : new ApiError(503, ErrorCodes.STORE_UNAVAILABLE, 'the gateway is starting; try again shortly')),
        ),
        mounted,
      ],
      logger,
    );
    const server = app.listen(config.http.port, config.http.host);
    await once(server, 'listening');
    try {
      const gw = await Gateway.#boot(config, logger, metrics, schemas, plugins, routes, live);
      gw.#server = server;
      mounted.use(gw.#v1, gw.#events);
      ready = true;
      logger.info({ url: gw.url, routes: config.routes.length, nats: gw.nc.getServer() }, 'gateway started');
      return gw;
    } catch (err) {
      await new Promise((r) => server.close(r));
      throw err;
    }
  }

  static async #boot(
    config: GatewayConfig,
    logger: Logger,
    metrics: Metrics,
    schemas: SchemaRegistry,
    plugins: PluginRegistry,
    routes: RouteTargets,
    live: { store?: Store; nc?: NatsConnection },
  ): Promise<Gateway> {
    const store = await openStore(
      {
        mongodb: config.storage.mongodb,
        embedded: { path: path.join(config.storage.dataDir, 'gateway.db') },
        retentionDays: config.storage.retentionDays,
        encryption: { keys: config.storage.encryptionKeys, keyFile: path.join(config.storage.dataDir, 'secret.key'), production: config.storage.production },
      },
      logger,
    );
    live.store = store;

    let local: LocalServer | undefined;
    let servers = config.nats.servers;
    if (servers.length === 0) {
      local = await startLocalServer({
        binary: config.nats.local.binary,
        port: config.nats.local.port,
        storeDir: path.join(config.storage.dataDir, 'nats'),
      });
      servers = [local.url];
      writeFileSync(localNatsUrlFile(config), local.url + '\n');
      logger.info({ url: local.url }, 'started a local nats-server (no nats.servers configured)');
    }
    const nc = await connectNats(config.nats, servers, logger);
    live.nc = nc;
    await provision(await jetstreamManager(nc), config);
    const js = jetstream(nc);

    const jsm = await jetstreamManager(nc);
    const deadLetter = new DeadLetterPublisher(js, config.nats.deadLetter.subjectPrefix);
    const publisher = new EventPublisher(js, ingestPrefix(config.nats.stream.subjects));
    const validateData = (event: CloudEvent) => schemas.validate(event);

    // subscriptions: one reload feeds both the routing index and the delivery targets
    const index = new SubscriptionIndex(logger);
    const subscriptions = new SubscriptionTargets({ store, plugins, config, logger });
    const sync = new SubscriptionSync(nc, store, logger);
    sync.onReload((subs) => {
      index.load(subs);
      subscriptions.load(subs);
    });

    const admitter = new Admitter({ js, config, router: Router.of(new RouteTable(config.routes), index), store, metrics });
    const sender = new Sender({
      guard: new SsrfGuard(config.delivery.ssrf.allow),
      httpsOnly: config.delivery.ssrf.httpsOnly,
      maxResponseBytes: config.delivery.maxResponseBytes,
    });
    const peers = new Peers(nc, peersSubject(config.nats.deliveries.name), { observe: (n) => metrics.instances.set(n) });
    const worker = new DeliveryWorker({
      js,
      peers,
      enqueue: (task) => admitter.enqueue([task])[0]!,
      config,
      targets: targetsOf(routes, subscriptions),
      sender,
      store,
      deadLetter,
      metrics,
      logger,
      emit: (event) => publisher.publish(event),
      async disable(tenantId, id, reason, error, failures) {
        const sub = await store.subscriptions.update(tenantId, id, { state: 'disabled', disabledReason: `${reason}: ${error.message}` });
        await sync.changed(tenantId, id);
        await publisher.publish(
          subscriptionDisabledEvent({ subscriptionId: id, tenantId, sink: sub.sink, reason, error, consecutiveFailures: failures }),
        );
        logger.warn({ subscription: id, tenant: tenantId, reason }, 'subscription disabled');
      },
    });
    const ingest = new IngestConsumer({ js, config, validateData, admitter, inline: (t, origin) => worker.inline(t, origin), deadLetter, metrics, logger });
    const ordered = new OrderedPartitions({ jsm, worker, config, logger });
    sync.onReload((subs) => void ordered.sync(subs));
    const redeliverer = new Redeliverer({ js, jsm, config });
    const replays = new ReplayJobs({ js, jsm, config, admitter, logger });
    await replays.start();

    const api: ApiContext = {
      config,
      store,
      schemas,
      plugins,
      logger,
      metrics,
      adminKeyHash: config.api.adminKey ? hashApiKey(config.api.adminKey) : undefined,
      subscriptionChanged: (tenantId, id) => sync.changed(tenantId, id),
      async testDelivery(sub, event) {
        const { delivery } = await store.deliveries.createIfAbsent({
          eventId: event.id,
          eventSource: event.source,
          eventType: event.type,
          subscriptionId: sub.id,
          tenantId: sub.tenantId,
        });
        const target = await subscriptions.targetFor(sub);
        const task = { v: 1 as const, deliveryId: delivery.id, target: { kind: 'subscription' as const, id: sub.id, tenantId: sub.tenantId }, trigger: 'manual' as const, event, ingestedAt: Date.now() };
        const executed = await worker.deliverNow(task, target);
        if (!executed.attempt) {
          const reason = executed.outcome.kind === 'dropped' ? executed.outcome.reason : 'nothing was sent';
          throw new ApiError(422, ErrorCodes.API_BAD_REQUEST, `the test event was not sent: ${reason}`);
        }
        return executed.attempt;
      },
      redeliver: (delivery) => redeliverer.redeliver(delivery),
      startReplay: (sub, request) => replays.begin(sub, request),
      getReplay: (tenantId, id) => replays.get(tenantId, id),
    };

    const gw = new Gateway(config, logger, metrics, store, nc, js, publisher, { local, ingest, worker, routes, subscriptions, sync, replays, sender, peers });
    peers.start();
    await worker.start();
    // subscriptions (and their ordered partitions) are loaded before the first event is routed
    await sync.start();
    await ordered.idle();
    await ingest.start();

    gw.#v1 = v1Router(api);
    gw.#events = eventsRouter({
      maxRequestBytes: config.http.maxRequestBytes,
      maxEventBytes: config.events.maxBytes,
      maxJsonDepth: config.events.maxJsonDepth,
      validateData,
      publisher,
      metrics,
    });
    return gw;
  }

  /** For embedders that write subscriptions through `store`: routes them on every instance within a second. */
  subscriptionChanged(tenantId: string, id: string): Promise<void> {
    return this.parts.sync.changed(tenantId, id);
  }

  /** Graceful stop: stop taking work, finish what is in flight, flush logs, close connections. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const { local, ingest, worker, routes, subscriptions, sync, replays, sender, peers } = this.parts;
    this.logger.info('gateway stopping');
    const closed = this.#server ? new Promise((r) => this.#server!.close(r)) : Promise.resolve();
    this.#server?.closeIdleConnections();
    await ingest.stop();
    await replays.stop();
    await worker.stop();
    peers.stop();
    await sync.stop();
    await closed;
    await routes.close();
    await subscriptions.close();
    await sender.close();
    await this.store.close();
    await this.nc.drain().catch(() => {});
    await local?.stop();
    this.logger.info('gateway stopped');
  }
}
