// `npm run bench`: end-to-end throughput, latency and memory of the gateway next to a raw NATS→HTTP
// bridge measured in the same run (fan-out 1, 10, 1000; embedded and MongoDB stores; a 4-step plugin
// pipeline), attempt-log write throughput per store, and per-plugin cost. Every server is started here
// on free ports and stopped again; each phase is bounded by an event count and a timeout.
// Prints tables, then one JSON line with every figure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ferretdbBinary, startFerretDB, type FerretDB } from '../test/helpers/ferretdb.js';
import type { LoadResult } from './load.js';
import { FOUR_STEPS, pluginCosts } from './plugins.js';
import { table } from './report.js';
import { runScenario, type LoadSettings, type Scenario } from './scenario.js';
import { attemptLogThroughput, type StoreResult } from './stores.js';
import { SHAPES, type Shape } from './workload.js';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string' },
    records: { type: 'string' },
    iterations: { type: 'string' },
    timeout: { type: 'string' },
    rounds: { type: 'string' },
    'cpu-prof': { type: 'string' },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench -- [--quick] [--events N] [--records N] [--iterations N] [--timeout S]
  --events N      deliveries measured per end-to-end run (default 50000, --quick 1000)
  --records N     attempt-log records written per store (default 20000, --quick 5000)
  --iterations N  pipeline runs per plugin loop (default 5000, --quick 1000)
  --timeout S     bound of each phase in seconds (default 120)
  --rounds N      end-to-end runs per row, bridge and gateway taking turns; rows show the median (default 3, --quick 1)
  --only NAMES    end-to-end shapes to run, comma-separated: one, ten, thousand, mongodb, pipeline (default all)
  --cpu-prof DIR  write a V8 CPU profile of each system run (bridge and gateway) into DIR (open it in Chrome DevTools)`);
  process.exit(0);
}
const count = (flag: string | undefined, normal: number, quick: number) => {
  const n = flag === undefined ? (flags.quick ? quick : normal) : Number(flag);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`not a positive whole number: ${flag}`);
  return n;
};
// a run must last seconds, not one: at 10,000 deliveries a fast machine measured each system for about a
// second, and the spread between rounds was larger than the differences being measured
const deliveries = count(flags.events, 50_000, 1000);
const rounds = count(flags.rounds, 3, 1);
/** The steal past which the report warns that the host, not the code, may have set a figure. */
const STEAL_WARNING = 0.03;

/** The run with the median throughput (the lower middle one of an even count). */
function median(results: LoadResult[]): LoadResult {
  return [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor((results.length - 1) / 2)]!;
}
const settings: LoadSettings = {
  deliveries,
  // both systems get the same warm-up; the gateway runs far more code than the bridge, and a short warm-up
  // measured it while its JIT was still settling
  warmup: Math.min(10_000, Math.ceil(deliveries / 5)),
  inFlight: 500,
  paced: { deliveries: flags.quick ? 200 : 400, perSecond: 200 },
  timeoutMs: count(flags.timeout, 120, 120) * 1000,
  cpuProfileDir: flags['cpu-prof'] && path.resolve(flags['cpu-prof']),
};
const SCENARIOS = ['one', 'ten', 'thousand', 'mongodb', 'pipeline'] as const;
const only = new Set(flags.only?.split(',') ?? SCENARIOS);
for (const name of only) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--only: no scenario "${name}"; choose from ${SCENARIOS.join(', ')}`);

const machine = {
  nproc: os.availableParallelism(),
  cpu: /^model name\s*:\s*(.+)$/m.exec(safeRead('/proc/cpuinfo'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

console.log(`cloudevents-gateway bench — ${machine.nproc} × ${machine.cpu}, node ${machine.node}, ${machine.platform}`);
console.log(`end to end: ${deliveries} deliveries per run (${settings.inFlight} in flight), latency at ${settings.paced.perSecond}/s\n`);

// ------------------------------------------------------------------ plugins (no servers)
const plugins = await pluginCosts(count(flags.iterations, 5000, 1000));

// ------------------------------------------------------------------ stores and end to end
const bin = ferretdbBinary();
let ferret: FerretDB | undefined;
if (bin) ferret = await startFerretDB(bin);
else console.log('MongoDB (FerretDB) runs skipped: no FerretDB binary; run scripts/ferretdb.sh or set FERRETDB_BIN\n');

interface Row {
  scenario: Scenario;
  /** the median run */
  result: LoadResult;
  /** median deliveries/s over the median of the bridge of the same shape */
  ratio: number;
  /** each round's ratio */
  ratios: number[];
  rounds: LoadResult[];
}
const rows: Row[] = [];
const attemptLog: Record<string, StoreResult> = {};
try {
  const records = count(flags.records, 20_000, 5000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ceg-bench-store-'));
  try {
    attemptLog.embedded = await attemptLogThroughput('embedded SQLite', { dir, embedded: { path: path.join(dir, 'gateway.db') } }, records);
    if (ferret) attemptLog.mongodb = await attemptLogThroughput('MongoDB (FerretDB)', { dir, mongodb: { url: ferret.url, database: 'ceg_bench_attempts' } }, records);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const gateway = (shape: Shape, name = `gateway, ${shape.name}`): Scenario => ({ name, shape, system: { kind: 'gateway' } });
  const runs = new Map<string, { scenario: Scenario; results: LoadResult[] }>();
  const measure = async (scenario: Scenario, round: number, load = settings) => {
    const label = rounds > 1 ? `${scenario.name} (${round + 1}/${rounds})` : scenario.name;
    const result = await runScenario({ ...scenario, name: label }, load);
    // a gateway that delivered unsigned would be measuring less than it claims
    if (scenario.system.kind === 'gateway' && result.signed === 0) throw new Error(`${scenario.name}: no delivery was signed`);
    const entry = runs.get(scenario.name) ?? { scenario, results: [] };
    entry.results.push(result);
    runs.set(scenario.name, entry);
  };
  // the MongoDB and pipeline rows compare with the 1-target bridge
  const needsOne = only.has('one') || only.has('mongodb') || only.has('pipeline');
  const shapes = (['one', 'ten', 'thousand'] as const).filter((n) => only.has(n) || (n === 'one' && needsOne));
  // bridge and gateway take turns, so a change in what else the machine is doing reaches both
  for (let round = 0; round < rounds; round++) {
    for (const name of shapes) {
      const shape = SHAPES[name];
      await measure({ name: `bridge, ${shape.name}`, shape, system: { kind: 'bridge' } }, round);
      if (only.has(name)) await measure(gateway(shape), round);
    }
    if (only.has('pipeline')) {
      await measure({ name: `gateway, ${SHAPES.one.name}, 4-step pipeline`, shape: SHAPES.one, system: { kind: 'gateway', pipeline: FOUR_STEPS } }, round);
    }
  }
  if (ferret && only.has('mongodb')) {
    // FerretDB on SQLite is an order of magnitude slower than the embedded store: one smaller run and a
    // latency rate it can follow keep this row bounded and its latency about the path, not a backlog
    await measure(
      {
        name: `gateway, ${SHAPES.one.name}, MongoDB`,
        shape: SHAPES.one,
        system: { kind: 'gateway', mongodb: { url: ferret.url, database: 'ceg_bench_e2e' } },
      },
      0,
      { ...settings, deliveries: Math.ceil(deliveries / 50), warmup: Math.ceil(settings.warmup / 50), paced: { deliveries: 100, perSecond: 10 } },
    );
  }
  const bridgeOf = (shape: Shape) => runs.get(`bridge, ${shape.name}`);
  for (const { scenario, results } of runs.values()) {
    const bridge = bridgeOf(scenario.shape)!.results;
    // each round's ratio against the bridge run just before it (the MongoDB row: the first)
    const ratios = results.map((r, i) => r.perSecond / (bridge[i] ?? bridge[0]!).perSecond);
    rows.push({ scenario, result: median(results), ratio: median(results).perSecond / median(bridge).perSecond, ratios, rounds: results });
  }
} finally {
  await ferret?.stop();
}

// ------------------------------------------------------------------ report
const store = (s: Scenario) => (s.system.kind === 'bridge' ? 'none' : s.system.mongodb ? 'MongoDB (FerretDB)' : 'embedded SQLite');
console.log('\nEnd to end (publish → JetStream → system → HTTP receiver):');
console.log(
  table(
    ['scenario', 'store', 'deliveries', 'deliveries/s', 'vs bridge', 'rounds vs bridge', 'machine busy, rounds', 'host steal, rounds', 'p50 ms', 'p99 ms', 'peak RSS MiB', 'CPU µs/delivery', 'nats-server µs', 'load µs'],
    rows.map(({ scenario, result, ratio, ratios, rounds: all }) => [
      scenario.name + (result.timedOut ? ' (timed out)' : ''),
      store(scenario),
      result.deliveries,
      result.perSecond,
      scenario.system.kind === 'bridge' ? '100 %' : percent(ratio),
      scenario.system.kind === 'bridge' ? undefined : ratios.map(percent).join(', '),
      all.map((r) => (r.busy === undefined ? '–' : percent(r.busy))).join(', '),
      all.map((r) => (r.steal === undefined ? '–' : percent(r.steal))).join(', '),
      result.latency.p50Ms,
      result.latency.p99Ms,
      result.rssMiB,
      result.cpuUs.system,
      result.cpuUs.nats,
      result.cpuUs.load,
    ]),
  ),
);
function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(0)} %`;
}
// a run the host took CPU from is compared with a neighbour that may have had it all: say so, not just the figure
const stolen = Math.max(0, ...rows.flatMap((r) => r.rounds.map((x) => x.steal ?? 0)));
if (stolen > STEAL_WARNING) {
  console.log(
    `\nWarning: the host took up to ${percent(stolen)} of this virtual machine's CPU time (steal) during some runs. ` +
      `Their figures and ratios say more about the host than about the code: compare rounds with little steal, or run again.`,
  );
}
const rate = (name: string) => rows.find((r) => r.scenario.name === name)?.result.perSecond;
const plain = rate(`gateway, ${SHAPES.one.name}`);
const withPipeline = rate(`gateway, ${SHAPES.one.name}, 4-step pipeline`);
const pipelineRatio = plain && withPipeline ? withPipeline / plain : undefined;
console.log(
  `\n1 and 10 targets: every event matches every route (10 deliveries per event at 10); 1000 targets: 1000 routes, each ` +
    `event matches exactly one (by source). Each row is the median of ${rounds} run(s), bridge and gateway taking turns; ` +
    `"vs bridge" divides the medians, "rounds vs bridge" each run by the bridge run just before it, of the same shape ` +
    `(the MongoDB and pipeline rows by the 1-target bridge); "machine busy" and "host steal" are the shares of the ` +
    `machine's CPU time that its processes used and that its hypervisor took during each run's throughput phase; "load µs" ` +
    `is what the publisher and the receiver (this process) spent per delivery. With the machine near fully busy in both ` +
    `seats, the cores set the pace and the ratio follows the CPU per delivery of system, nats-server and load together. ` +
    `The MongoDB row is one run of a fiftieth of the deliveries, its latency measured at 10/s. Duplicates seen: ${rows.reduce((n, r) => n + r.rounds.reduce((m, x) => m + x.duplicates, 0), 0)}.`,
);
if (pipelineRatio) console.log(`4-step pipeline (filter → transform → redact → sign) vs none: ${(pipelineRatio * 100).toFixed(0)} % of the throughput`);

console.log('\nAttempt log writes (append + flush, batched):');
console.log(table(['store', 'records', 'records/s'], Object.entries(attemptLog).map(([name, r]) => [name, r.records, r.perSecond])));

console.log(`\nPlugins (µs per event, compiled pipeline in a tight loop; baseline with no step: ${plugins.baselineUs.toFixed(1)} µs):`);
console.log(table(['pipeline', 'µs/event', 'cost over baseline µs'], plugins.plugins.map((p) => [p.name, p.totalUs, p.costUs])));

console.log(
  JSON.stringify({
    bench: 'cloudevents-gateway',
    at: new Date().toISOString(),
    machine,
    settings: { ...settings, rounds },
    e2e: rows.map(({ scenario, result, ratio, ratios, rounds: all }) => ({
      name: scenario.name,
      store: store(scenario),
      ...result,
      vsBridge: ratio,
      rounds: all.map((r, i) => ({ perSecond: r.perSecond, cpuUs: r.cpuUs, busy: r.busy, steal: r.steal, vsBridge: ratios[i] })),
    })),
    pipelineVsNone: pipelineRatio ?? null,
    attemptLog,
    plugins,
  }),
);
