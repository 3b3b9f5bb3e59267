import { readFileSync, readdirSync } from 'node:fs';
import { runScenario } from './scenario.js';
import { SHAPES } from './workload.js';
const shape = SHAPES[(process.argv[2] ?? 'one') as 'one'];
const which = (process.argv[3] ?? 'bridge,gateway').split(',');
const settings = { deliveries: Number(process.env.N ?? 5000), warmup: 500, inFlight: 500, paced: { deliveries: 400, perSecond: 200 }, timeoutMs: 120000 };
const cpu = new Map<number, { name: string; t: number }>();
const sample = () => {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!/nats-server|node/.test(cmd) || /4222/.test(cmd)) continue;
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu.set(Number(p), { name: cmd.slice(0, 90), t: (Number(f[11]) + Number(f[12])) / 100 });
    } catch {}
  }
};
for (const w of which) {
  cpu.clear();
  const iv = setInterval(sample, 200);
  const t0 = performance.now();
  const r = await runScenario({ name: w, shape, system: { kind: w as 'bridge', ...(process.env.PIPE ? {} : {}) } as never }, settings);
  clearInterval(iv);
  console.log(w, JSON.stringify({ cpu: r.cpuUs, perSecond: r.perSecond, p50: r.latency.p50Ms, rss: r.rssMiB, wall: (performance.now() - t0) / 1000 }));
  for (const [pid, c] of cpu) if (c.t > 0.3) console.log('   ', pid, c.t.toFixed(1), c.name);
}
