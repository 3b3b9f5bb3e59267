// One end-to-end measurement on fresh servers: its own nats-server and receiver, the system under test,
// the load, and everything torn down again, so no run inherits another's streams or warm caches.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startLocalServer } from '../src/nats/local.js';
import { drive, type LoadOptions, type LoadResult } from './load.js';
import { startBenchReceiver } from './receiver.js';
import { startSystem, type System } from './systems.js';
import type { Shape } from './workload.js';

export interface Scenario {
  name: string;
  system: System;
  shape: Shape;
}

export type LoadSettings = Pick<LoadOptions, 'deliveries' | 'warmup' | 'inFlight' | 'paced' | 'timeoutMs'> & { cpuProfileDir?: string };

export async function runScenario(scenario: Scenario, settings: LoadSettings): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ceg-bench-'));
  const nats = await startLocalServer({ storeDir: path.join(dir, 'nats') });
  const receiver = await startBenchReceiver();
  try {
    const { cpuProfileDir, ...load } = settings;
    const system = await startSystem(scenario.system, { natsUrl: nats.url, receiverUrl: receiver.url, shape: scenario.shape, dir, cpuProfileDir });
    const nc = await connect({ servers: nats.url });
    try {
      return await drive({
        ...load,
        label: scenario.name,
        js: jetstream(nc),
        subject: system.subject,
        receiver,
        shape: scenario.shape,
        pid: system.pid,
        natsPid: nats.process.pid,
      });
    } finally {
      await nc.drain();
      await system.stop();
    }
  } finally {
    await receiver.close();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
