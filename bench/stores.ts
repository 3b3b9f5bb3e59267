// Attempt-log write throughput of a store: `attempts.append` the way the delivery worker calls it (one
// record per delivery, the event loop free between bursts so the write-behind batcher works as in
// production), then `flush()`; records/s over the whole, checked by reading the rows back.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import path from 'node:path';
import { silentLogger } from '../src/observe/logger.js';
import { openStore, type Attempt, type StoreConfig } from '../src/store/mod.js';
import { Progress } from '../src/cli/progress.js';
import { perSecond } from './stats.js';

/** records appended per turn of the event loop, about what one pull batch of deliveries produces */
const BURST = 100;
/** rows are spread over this many deliveries; one of them is read back as the check */
const DELIVERIES = 100;

export interface StoreResult {
  records: number;
  perSecond: number;
}

function record(i: number, at: Date): Omit<Attempt, 'id'> {
  return {
    deliveryId: `bench-delivery-${i % DELIVERIES}`,
    routeId: 'bench-0#0',
    eventId: `bench-${i}`,
    eventType: 'user.created',
    attempt: 1,
    trigger: 'auto',
    request: {
      url: 'http://127.0.0.1:9000/t0',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'ce-id': `bench-${i}`, 'webhook-signature': 'v1,***' },
    },
    response: { status: 204, headers: { 'keep-alive': 'timeout=60' }, bodyExcerpt: '' },
    durationMs: 2,
    startedAt: at,
    finishedAt: at,
  };
}

export async function attemptLogThroughput(label: string, config: Omit<StoreConfig, 'encryption'> & { dir: string }, records: number): Promise<StoreResult> {
  const store = await openStore(
    { ...config, encryption: { keyFile: path.join(config.dir, 'secret.key') } },
    silentLogger(),
    { env: {} },
  );
  const progress = new Progress(`attempt log: ${label}`, records, 'records');
  try {
    const started = performance.now();
    for (let i = 0; i < records; i++) {
      store.attempts.append(record(i, new Date()));
      if ((i + 1) % BURST === 0) {
        progress.set(i + 1);
        await yieldToLoop();
      }
    }
    await store.attempts.flush();
    const elapsed = performance.now() - started;
    progress.set(records);
    progress.end();
    const stored = (await store.attempts.listByDelivery(undefined, 'bench-delivery-0')).length;
    const expected = Math.ceil(records / DELIVERIES);
    if (stored !== expected) throw new Error(`${label}: read back ${stored} attempts of bench-delivery-0, expected ${expected}`);
    return { records, perSecond: perSecond(records, elapsed) };
  } finally {
    await store.close();
  }
}
