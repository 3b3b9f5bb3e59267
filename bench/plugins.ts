// Per-plugin cost: the same compiled pipelines the delivery worker runs, called in a tight loop on one
// event, each against a baseline loop with no step (the worker's default binary-mode encoding only).
// Cost per event = (pipeline µs - baseline µs); a format plugin replaces the default encoding, so its
// figure is what it costs *instead of* that encoding.
import type { CloudEvent } from '../src/cloudevents/event.js';
import { encodeHttp } from '../src/cloudevents/http.js';
import { silentLogger } from '../src/observe/logger.js';
import { compilePipeline, PluginRegistry, type RunContext, type StepSpec } from '../src/pipeline/mod.js';
import { ROOT } from './child.js';
import { Progress } from '../src/cli/progress.js';
import { SECRET } from './workload.js';

const FILTER: StepSpec = {
  use: 'filter',
  config: { filters: [{ sql: "type LIKE 'user.%' AND source LIKE 'https://%'" }], data: [{ path: '/email', matches: '@' }] },
};
const TRANSFORM: StepSpec = {
  use: 'transform',
  config: { data: '$merge([data, { "tenant": "acme" }])', attributes: { subject: 'data.userId' } },
};
const REDACT: StepSpec = {
  use: 'redact',
  config: { fields: [{ path: '/email', strategy: 'mask-email' }, { path: '/name', strategy: 'hash' }], hashKey: 'bench-redaction-hash-key' },
};
const SIGN: StepSpec = { use: 'sign', config: { scheme: 'standard-webhooks' } };

/** The end-to-end pipeline of issue 6: filter → transform → redact → sign, keeping every bench event. */
export const FOUR_STEPS: StepSpec[] = [FILTER, TRANSFORM, REDACT, SIGN];

const SIEM_FORMATS = ['cef', 'leef', 'ocsf', 'ecs', 'splunk-hec', 'syslog'] as const;

const USER_CREATED: CloudEvent = {
  specversion: '1.0',
  id: '46d5a7c9-21d6-4a68-8be7-2c885463464c',
  source: 'https://id.northwind.dev/tenants/analytical',
  type: 'user.created',
  time: '2025-03-14T09:26:53Z',
  datacontenttype: 'application/json',
  data: { userId: '5f0c6a2e-8b1d-4c3a-9e7f-1a2b3c4d5e6f', email: 'grace.hopper@navy.example', name: 'Grace Hopper', emailVerified: false },
};
// the SIEM mappings have defaults for the security family; a user event would only exercise fallbacks
const LOGIN_FAILED: CloudEvent = {
  specversion: '1.0',
  id: '398ecb43-9fd4-4642-a200-ec0ceebc32ca',
  source: 'https://id.northwind.dev/tenants/analytical',
  type: 'security.login.failed',
  time: '2025-03-21T03:12:44Z',
  datacontenttype: 'application/json',
  data: { attemptId: '1f2e3d4c', identifier: 'admin', reason: 'unknown_user', consecutiveFailures: 1, client: { ip: '192.0.2.200' } },
};

interface Case {
  name: string;
  steps: StepSpec[];
  event: CloudEvent;
}

const CASES: Case[] = [
  { name: 'filter (CESQL + data condition)', steps: [FILTER], event: USER_CREATED },
  { name: 'transform (JSONata data + attribute)', steps: [TRANSFORM], event: USER_CREATED },
  { name: 'redact (mask-email + hash)', steps: [REDACT], event: USER_CREATED },
  { name: 'sign (standard-webhooks)', steps: [SIGN], event: USER_CREATED },
  { name: 'webhook-envelope', steps: [{ use: 'webhook-envelope', config: {} }], event: USER_CREATED },
  ...SIEM_FORMATS.map((format) => ({ name: `siem ${format}`, steps: [{ use: 'siem', config: { format } }], event: LOGIN_FAILED })),
  { name: 'filter → transform → redact → sign', steps: FOUR_STEPS, event: USER_CREATED },
];

export interface PluginCost {
  name: string;
  /** whole pipeline per event, default encoding included */
  totalUs: number;
  /** over the baseline loop */
  costUs: number;
}

const registry = new PluginRegistry({ rootDir: ROOT });
const logger = silentLogger();
const ctx: RunContext = {
  owner: { kind: 'route', id: 'bench' },
  deliveryId: 'msg_bench',
  attempt: 1,
  keys: [{ id: 'bench', secret: SECRET }],
  logger,
};
const binary = (event: CloudEvent) => encodeHttp(event, 'binary');
/** the fastest of a few loops: on a shared machine the slower ones measure the neighbours */
const ROUNDS = 3;

/** µs per event of `steps` over `iterations` runs, after a tenth as many unmeasured ones; best of ROUNDS. */
async function timeLoop(steps: StepSpec[], event: CloudEvent, iterations: number): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) best = Math.min(best, await loopOnce(steps, event, iterations));
  return best;
}

async function loopOnce(steps: StepSpec[], event: CloudEvent, iterations: number): Promise<number> {
  // the per-step budget guards against hung plugins; a stall of this (shared) machine must not fail a loop
  const pipeline = await compilePipeline(steps, { owner: ctx.owner, where: '/pipeline', registry, logger, rootDir: ROOT, defaultTimeoutMs: 10_000 });
  try {
    const run = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const result = await pipeline.run(event, ctx, binary);
        // a dropped or failed event would measure a short cut, not the plugin
        if (result.kind !== 'continue') {
          const why = result.kind === 'drop' ? result.reason : result.error.message;
          throw new Error(`bench pipeline ${steps.map((s) => s.use).join(' → ')}: ${result.kind}: ${why}`);
        }
      }
    };
    await run(Math.ceil(iterations / 10));
    const started = process.hrtime.bigint();
    await run(iterations);
    return Number(process.hrtime.bigint() - started) / 1000 / iterations;
  } finally {
    await pipeline.close();
  }
}

export async function pluginCosts(iterations: number): Promise<{ baselineUs: number; plugins: PluginCost[] }> {
  const events = [USER_CREATED, LOGIN_FAILED];
  const progress = new Progress('plugins', events.length + CASES.length, 'loops');
  // each case is measured against the baseline of its own event, so the difference is about the plugin
  const baselines = new Map<CloudEvent, number>();
  for (const event of events) {
    baselines.set(event, await timeLoop([], event, iterations));
    progress.add();
  }
  const plugins: PluginCost[] = [];
  for (const c of CASES) {
    const totalUs = await timeLoop(c.steps, c.event, iterations);
    plugins.push({ name: c.name, totalUs, costUs: totalUs - baselines.get(c.event)! });
    progress.add();
  }
  progress.end();
  return { baselineUs: baselines.get(USER_CREATED)!, plugins };
}
