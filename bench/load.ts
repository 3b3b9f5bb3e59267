// Drives one system under test: publishes the workload to JetStream and counts what reaches the receiver.
// Throughput comes from a closed loop (a fixed number of deliveries in flight, so the publisher can never
// outrun the system into an unbounded backlog); latency from an open loop at a fixed, moderate rate, where
// it measures the path and not the queue in front of it.
import type { JetStreamClient } from '@nats-io/jetstream';
import { Progress } from '../src/cli/progress.js';
import type { BenchReceiver } from './receiver.js';
import { cpuSeconds, machineBetween, machineTime, sampleRss } from './proc.js';
import { latency, perSecond, type Latency } from './stats.js';
import { benchMessage, fanout, type Shape } from './workload.js';

export interface LoadOptions {
  /** names the progress lines */
  label: string;
  js: JetStreamClient;
  subject: string;
  receiver: BenchReceiver;
  shape: Shape;
  /** deliveries measured for throughput */
  deliveries: number;
  /** deliveries before measuring (connections, JIT, caches) */
  warmup: number;
  /** deliveries in flight during the throughput phase */
  inFlight: number;
  /** latency phase: deliveries and their rate per second */
  paced: { deliveries: number; perSecond: number };
  /** per phase */
  timeoutMs: number;
  /** the system's process, for its RSS and CPU time */
  pid: number;
  /** the nats-server's process, for its CPU time */
  natsPid?: number;
}

export interface LoadResult {
  deliveries: number;
  expected: number;
  perSecond: number;
  /** publish -> arrival during the paced phase */
  latency: Latency;
  /** peak RSS during the throughput phase */
  rssMiB: number | undefined;
  /**
   * CPU time per delivery during the throughput phase, in µs, of the system and of the nats-server it
   * drives, and of this process (`load`: the publisher and the receiver): steadier than deliveries/s on a shared
   * machine, and it tells where the time goes
   */
  cpuUs: { system: number | undefined; nats: number | undefined; load: number | undefined };
  /** the share of the machine's CPU time its processes used during the throughput phase (0..1) */
  busy: number | undefined;
  /** the share of the machine's CPU time the hypervisor took during the throughput phase (0..1) */
  steal: number | undefined;
  /** deliveries that carried a webhook-signature */
  signed: number;
  duplicates: number;
  timedOut: boolean;
}

type Pace = { kind: 'closed'; inFlight: number } | { kind: 'paced'; perSecond: number };

interface PhaseResult {
  received: number;
  expected: number;
  elapsedMs: number;
  latencies: number[];
  signed: number;
  timedOut: boolean;
}

export async function drive(opts: LoadOptions): Promise<LoadResult> {
  let seq = 0;
  const publish = () => {
    const m = benchMessage(opts.shape, seq++);
    return opts.js.publish(opts.subject, m.data, { headers: m.headers });
  };
  const phase = (name: string, deliveries: number, pace: Pace): Promise<PhaseResult> => {
    const per = fanout(opts.shape);
    const events = Math.ceil(deliveries / per);
    const expected = events * per;
    const firstSeq = seq;
    const progress = new Progress(`${opts.label}: ${name}`, expected, 'deliveries');
    const latencies: number[] = [];
    let signed = 0;
    let sent = 0;
    const started = performance.now();
    return new Promise<PhaseResult>((resolve, reject) => {
      let settled = false;
      let ticker: NodeJS.Timeout | undefined;
      const settle = (note: string) => {
        settled = true;
        clearTimeout(deadline);
        clearInterval(ticker);
        opts.receiver.onDelivery = () => {};
        progress.end(note);
      };
      const deadline = setTimeout(() => {
        settle('timed out');
        resolve({ received: latencies.length, expected, elapsedMs: performance.now() - started, latencies, signed, timedOut: true });
      }, opts.timeoutMs);
      const send = () => {
        sent++;
        publish().catch((err: unknown) => {
          if (settled) return;
          settle('publish failed');
          reject(err);
        });
      };
      const pump = () => {
        if (pace.kind === 'closed') while (sent < events && sent * per - latencies.length + per <= pace.inFlight) send();
      };
      opts.receiver.onDelivery = (d) => {
        // a late copy of an earlier phase's event is not this phase's work
        if (Number(d.id.slice('bench-'.length)) < firstSeq) return;
        latencies.push(d.latencyMs);
        if (d.signed) signed++;
        progress.set(latencies.length);
        if (latencies.length < expected) return pump();
        settle('');
        resolve({ received: latencies.length, expected, elapsedMs: performance.now() - started, latencies, signed, timedOut: false });
      };
      if (pace.kind === 'closed') return pump();
      const eventsPerMs = pace.perSecond / per / 1000;
      ticker = setInterval(() => {
        const due = Math.min(events, Math.floor((performance.now() - started) * eventsPerMs) + 1);
        while (sent < due) send();
        if (sent >= events) clearInterval(ticker);
      }, 2);
    });
  };

  const warm = await phase('warm-up', opts.warmup, { kind: 'closed', inFlight: opts.inFlight });
  const rss = sampleRss(opts.pid);
  const cpuBefore = {
    system: cpuSeconds(opts.pid),
    nats: opts.natsPid === undefined ? undefined : cpuSeconds(opts.natsPid),
    load: cpuSeconds(process.pid),
  };
  const machineBefore = machineTime();
  const load = warm.timedOut ? warm : await phase('throughput', opts.deliveries, { kind: 'closed', inFlight: opts.inFlight });
  const rssMiB = rss.stop();
  const machine = machineBetween(machineBefore, machineTime());
  const perDelivery = (before: number | undefined, pid: number | undefined) => {
    const after = pid === undefined ? undefined : cpuSeconds(pid);
    return before === undefined || after === undefined || load.received === 0 ? undefined : ((after - before) * 1e6) / load.received;
  };
  const cpuUs = {
    system: perDelivery(cpuBefore.system, opts.pid),
    nats: perDelivery(cpuBefore.nats, opts.natsPid),
    load: perDelivery(cpuBefore.load, process.pid),
  };
  const paced = load.timedOut ? load : await phase(`latency @${opts.paced.perSecond}/s`, opts.paced.deliveries, { kind: 'paced', perSecond: opts.paced.perSecond });
  return {
    deliveries: load.received,
    expected: load.expected,
    perSecond: perSecond(load.received, load.elapsedMs),
    latency: latency(paced.latencies),
    rssMiB,
    cpuUs,
    busy: machine?.busy,
    steal: machine?.steal,
    signed: warm.signed + load.signed + paced.signed,
    duplicates: opts.receiver.duplicates,
    timedOut: warm.timedOut || load.timedOut || paced.timedOut,
  };
}
