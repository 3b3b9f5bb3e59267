// Starting the systems under test as child processes: the raw bridge, and `ceg start` with a gateway.yaml
// written for the scenario (validation, routing, Standard Webhooks signing and the attempt log all on) and a
// tenant's subscriptions stored beforehand, as the API would store them.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { pino } from 'pino';
import type { StepSpec } from '../src/pipeline/types.js';
import { KeyRing, openStore, type NewSubscription, type StoreConfig } from '../src/store/mod.js';
import type { BridgeConfig } from './bridge.js';
import { ROOT, startNode, type Child } from './child.js';
import { bridgeTargets, EVENT_TYPE, gatewaySubscriptions, type Shape } from './workload.js';

export type System =
  | { kind: 'bridge' }
  | {
      kind: 'gateway';
      /** the store behind deliveries and the attempt log; the embedded SQLite file unless a MongoDB is named */
      mongodb?: { url: string; database: string };
      /** steps every subscription runs */
      pipeline?: StepSpec[];
    };

export interface Running extends Child {
  /** where the publisher sends the workload */
  subject: string;
}

export interface StartOptions {
  natsUrl: string;
  receiverUrl: string;
  shape: Shape;
  /** for config files and the embedded store */
  dir: string;
  /** where the system writes a V8 CPU profile (`--cpu-prof`) when it stops */
  cpuProfileDir?: string;
}

export async function startSystem(system: System, opts: StartOptions): Promise<Running> {
  return system.kind === 'bridge' ? startBridge(opts) : startGateway(system, opts);
}

async function startBridge(opts: StartOptions): Promise<Running> {
  const config: BridgeConfig = {
    natsUrl: opts.natsUrl,
    stream: 'BRIDGE',
    subject: 'bridge.>',
    targets: bridgeTargets(opts.shape, opts.receiverUrl),
    concurrency: 128,
    batch: 100,
  };
  const file = path.join(opts.dir, 'bridge.json');
  writeFileSync(file, JSON.stringify(config));
  const child = await startNode([...profileArgs(opts), ...LAUNCHER_FLAGS, '--import', 'tsx', path.join(ROOT, 'bench/bridge.ts'), file], /bridge ready/);
  return { ...child, subject: `bridge.${EVENT_TYPE}` };
}

async function startGateway(system: Extract<System, { kind: 'gateway' }>, opts: StartOptions): Promise<Running> {
  const dataDir = path.join(opts.dir, 'data');
  const encryptionKeys = KeyRing.generateSpec();
  await seed(
    {
      ...(system.mongodb ? { mongodb: system.mongodb } : { embedded: { path: path.join(dataDir, 'gateway.db') } }),
      encryption: { keys: encryptionKeys },
    },
    (tenantId) => gatewaySubscriptions(opts.shape, opts.receiverUrl, tenantId, system.pipeline),
  );
  const doc = {
    nats: { servers: [opts.natsUrl] },
    http: { host: '127.0.0.1', port: 0 },
    schemas: { dir: path.join(ROOT, 'schemas') },
    // the bridge limits nothing per target: no budget here either that the load could reach
    delivery: { ssrf: { allow: ['127.0.0.1/32'] }, maxConcurrencyPerTarget: 1000 },
    storage: { dataDir, encryptionKeys, ...(system.mongodb ? { mongodb: system.mongodb } : {}) },
    log: { level: 'info' },
  };
  const file = path.join(opts.dir, 'gateway.yaml');
  writeFileSync(file, yaml.dump(doc));
  // the environment's NATS_URL / MONGODB_URL would override the file: this run names its own servers
  const child = await startNode([...profileArgs(opts), ...LAUNCHER_FLAGS, path.join(ROOT, 'bin/ceg.js'), 'start', '--config', file], /"msg":"gateway started"/, {
    env: { NATS_URL: '', MONGODB_URL: '' },
    timeoutMs: 60_000,
  });
  return { ...child, subject: `ce.${EVENT_TYPE}` };
}

/** One tenant and its subscriptions, written to the store the gateway will open. */
async function seed(config: StoreConfig, subscriptions: (tenantId: string) => NewSubscription[]): Promise<void> {
  const store = await openStore(config, pino({ level: 'warn' }));
  try {
    const tenant = await store.tenants.create({ name: 'bench' });
    for (const sub of subscriptions(tenant.id)) await store.subscriptions.create(sub);
  } finally {
    await store.close();
  }
}

/**
 * The Node flags on bin/ceg.js's first line, which the gateway runs with when started as a command. The bench
 * starts it with `node` (to add --cpu-prof), so it passes them itself, and the bridge gets them too: the ratio
 * compares code, not heap settings.
 */
const LAUNCHER_FLAGS = /^#!.*\bnode\b(.*)$/m.exec(readFileSync(path.join(ROOT, 'bin/ceg.js'), 'utf8'))![1]!.trim().split(/\s+/).filter(Boolean);

const profileArgs = (opts: StartOptions) => (opts.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`] : []);
