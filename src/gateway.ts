// The gateway process: wires config, schemas, plugins, store, NATS, ingest, delivery and the HTTP API,
// and takes them down in the reverse order. Embedders call `Gateway.start(config)`.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createApp } from './api/app.js';
import { eventsRouter } from './api/events.js';
import { healthRouter } from './api/health.js';
import type { CloudEvent } from './cloudevents/event.js';
import type { GatewayConfig } from './config/types.js';
import { RouteTargets } from './delivery/routes.js';
import { Sender } from './delivery/sender.js';
import { SsrfGuard } from './delivery/ssrf.js';
import { DeliveryWorker } from './delivery/worker.js';
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
import { openStore } from './store/mod.js';
import type { Store } from './store/types.js';

export interface GatewayOptions {
  logger?: Logger;
}

export class Gateway {
  #server?: Server;
  #stopping?: Promise<void>;

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
      sender: Sender;
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

    const store = await openStore(
      {
        mongodb: config.storage.mongodb,
        embedded: { path: path.join(config.storage.dataDir, 'gateway.db') },
        retentionDays: config.storage.retentionDays,
        encryption: { keys: config.storage.encryptionKeys, keyFile: path.join(config.storage.dataDir, 'secret.key'), production: config.storage.production },
      },
      logger,
    );

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
    await provision(await jetstreamManager(nc), config);
    const js = jetstream(nc);

    const deadLetter = new DeadLetterPublisher(js, config.nats.deadLetter.subjectPrefix);
    const validateData = (event: CloudEvent) => schemas.validate(event);
    const admitter = new Admitter({ js, config, router: Router.of(new RouteTable(config.routes)), store, metrics });
    const ingest = new IngestConsumer({ js, config, validateData, admitter, deadLetter, metrics, logger });
    const sender = new Sender({
      guard: new SsrfGuard(config.delivery.ssrf.allow),
      httpsOnly: config.delivery.ssrf.httpsOnly,
      maxResponseBytes: config.delivery.maxResponseBytes,
    });
    const worker = new DeliveryWorker({ js, config, targets: routes, sender, store, deadLetter, metrics, logger });
    const publisher = new EventPublisher(js, ingestPrefix(config.nats.stream.subjects));

    const gw = new Gateway(config, logger, metrics, store, nc, js, publisher, { local, ingest, worker, routes, sender });
    await ingest.start();
    await worker.start();

    const app = createApp(
      [
        healthRouter(
          {
            nats: async () => {
              if (nc.isClosed()) throw new Error('NATS connection closed');
              await nc.flush();
            },
            store: () => store.ping(),
          },
          metrics.registry,
        ),
        eventsRouter({
          maxRequestBytes: config.http.maxRequestBytes,
          maxEventBytes: config.events.maxBytes,
          maxJsonDepth: config.events.maxJsonDepth,
          validateData,
          publisher,
          metrics,
        }),
      ],
      logger,
    );
    gw.#server = app.listen(config.http.port, config.http.host);
    await once(gw.#server, 'listening');
    logger.info({ url: gw.url, routes: config.routes.length, nats: servers }, 'gateway started');
    return gw;
  }

  /** Graceful stop: stop taking work, finish what is in flight, flush logs, close connections. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const { local, ingest, worker, routes, sender } = this.parts;
    this.logger.info('gateway stopping');
    const closed = this.#server ? new Promise((r) => this.#server!.close(r)) : Promise.resolve();
    this.#server?.closeIdleConnections();
    await ingest.stop();
    await worker.stop();
    await closed;
    await routes.close();
    await sender.close();
    await this.store.close();
    await this.nc.drain().catch(() => {});
    await local?.stop();
    this.logger.info('gateway stopped');
  }
}
