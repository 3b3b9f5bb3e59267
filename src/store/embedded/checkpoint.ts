// WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside whichever commit
// crosses the threshold, on the gateway's event loop: copying the WAL back into the database file there
// cost the delivery path about a tenth of its CPU at full load. A second connection in a worker thread
// checkpoints instead, on another core, in PASSIVE mode so it never waits for or blocks a writer.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/** How often the worker copies the WAL back; the WAL grows by at most what is written in between. */
export const CHECKPOINT_INTERVAL_MS = 250;
/**
 * WAL frames past which a checkpoint also restarts the WAL. Under steady writes a passive checkpoint never
 * catches up with the WAL's end, and SQLite starts the WAL over only once one has: the file grew for as long as
 * the load lasted (470 MB next to a 110 MB database after one benchmark run, ~45 MB a second). A RESTART
 * checkpoint waits for the writer of the moment and holds new ones off while it copies what the passive one just
 * left (little), so the next write starts the WAL from its beginning and the file stays at about this size plus
 * one interval's writes.
 */
export const WAL_RESTART_FRAMES = 4096;
/**
 * How long this connection waits for a lock: only a RESTART checkpoint waits at all (a passive one never does), and
 * it holds new writers off while it waits, so with the 5 s busy timeout of the other connections a writer could
 * time out behind it (seen on a VM with slow writes). Given up, it is tried again on the next tick.
 */
const BUSY_TIMEOUT_MS = 100;

// Plain JavaScript evaluated in the worker: it needs nothing of the gateway but the SQLite driver, and an
// eval worker loads without the TypeScript loader the main thread runs under.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const timer = setInterval(() => {
  try {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    if (log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch (err) {
    parentPort.postMessage(String(err && err.message || err));
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** stops the worker and closes its connection */
  stop(): Promise<void>;
}

/**
 * Checkpoints the WAL of the file at `path` every CHECKPOINT_INTERVAL_MS; the caller turns autocheckpoint
 * off, and back on in `fallback` if the thread dies.
 */
export function startCheckpointer(path: string, logger: Logger, fallback: () => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { path, driver, intervalMs: CHECKPOINT_INTERVAL_MS, restartFrames: WAL_RESTART_FRAMES, busyTimeoutMs: BUSY_TIMEOUT_MS } });
  // a failed checkpoint is retried on the next tick; the WAL only grows meanwhile
  worker.on('message', (message: string) => logger.warn({ err: message }, 'WAL checkpoint failed; retrying'));
  worker.on('error', (err) => {
    logger.error({ err }, 'the WAL checkpoint thread stopped; checkpoints run on the main thread again');
    fallback();
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
