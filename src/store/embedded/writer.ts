// The writer thread. better-sqlite3 runs a statement on the thread that calls it, and at full load the
// delivery path's inserts, updates and commits held the event loop for about a fifth of its time (~17 of 89 CPU µs
// per delivery, 10 subscriptions, `npm run bench`), the loop being the gateway's bottleneck. A worker thread with a
// connection of its own runs them instead: the event loop builds each statement's parameters and posts them (the
// structured clone costs it ~7 µs per delivery; one JSON string instead cost more). Reads stay on the main
// connection, which in WAL mode sees every committed batch and never waits for this one; a lock held by another
// process now delays writes here instead of stalling the event loop in SQLite's busy wait.
//
// Group commit: one batch is in flight at a time, and the writes issued meanwhile gather into the next, so the
// batches grow with the load and every SQLite transaction (which rewrites each page it touched into the WAL)
// carries as many writes as arrived during the last one. Each write still gets its own result or error.
//
// Under load the next batch also waits a moment after a busy commit. A commit is quick next to the writes'
// pace, so without the wait each carried only what arrived while the last one ran, and paid again for the
// pages every commit rewrites whatever it carries (a leaf of each subscription's index, say). With it the
// gateway spent ~6 % less CPU per delivery and delivered 3–4 % more at 1, 10 and 1000 subscriptions (paired
// rounds of `npm run bench` on 2 × Xeon); a writer that keeps up with a light load never waits.
//
// The thread also runs at a lower scheduling priority, 10 nice levels below the process. The event loop is the
// serial part of the delivery path, and the writer's work is batched and may wait. At full load, on two cores
// shared with NATS, a post that woke the writer could hand it the loop's core, and the loop then waited on its
// own thread: with the lower priority the gateway delivered ~5 % more at 10 subscriptions, with ~5 % less CPU
// per delivery (7 paired rounds of `npm run bench`, 2 × AMD EPYC; 19 levels gave no more). Linux keeps a nice
// value per thread; where /proc/thread-self is missing (not Linux) the thread keeps the process's.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { unavailable } from '../errors.js';

export type Param = string | number | bigint | Buffer | null;

/** A write prepared on the writer thread; resolves with the rows changed, or the first column returned. */
export type WriteStatement<P extends Param[], R> = (...params: P) => Promise<R>;

// what crosses the thread boundary; arrays, not objects, as there are thousands of these a second
type Op = [statement: number, params: Param[]];
type Outcome = [ok: 1, value: unknown] | [ok: 0, message: string, code: string];
type Request = { define: [statement: number, sql: string][]; ops: Op[] } | { pragma: string } | { close: true };
type Reply = { outcomes: Outcome[] } | { failed: [message: string, code: string] } | { warning: string };

// Plain JavaScript evaluated in the worker: it needs nothing of the gateway but the SQLite driver, and an
// eval worker loads without the TypeScript loader the main thread runs under.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  const os = require('node:os');
  os.setPriority(tid, Math.min(19, os.getPriority(tid) + workerData.nice));
} catch {
  // not Linux, or a sandbox that forbids it: the priority is an optimisation, the writes are the same
}
// per connection: the main connection's settings do not carry over
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
const statements = [];
const prepare = ([i, sql]) => {
  try {
    statements[i] = db.prepare(sql);
  } catch (err) {
    statements[i] = err;
  }
};
// a failing statement is undone alone (SQLite statements are atomic); the others of its batch still commit
const execute = ([i, params]) => {
  const s = statements[i];
  try {
    if (s instanceof Error) throw s;
    return [1, s.reader ? s.pluck().get(...params) : s.run(...params).changes];
  } catch (err) {
    return [0, String(err.message), String(err.code)];
  }
};
const commit = db.transaction((ops) => ops.map(execute));
parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.close();
    return;
  }
  if (m.pragma) {
    try {
      db.pragma(m.pragma);
    } catch (err) {
      parentPort.postMessage({ warning: 'PRAGMA ' + m.pragma + ' failed: ' + err.message });
    }
    return;
  }
  try {
    m.define.forEach(prepare);
    parentPort.postMessage({ outcomes: commit.immediate(m.ops) });
  } catch (err) {
    parentPort.postMessage({ failed: [String(err.message), String(err.code)] });
  }
});
`;

interface Pending {
  op: Op;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** A commit of at least this many writes counts as busy, and the next one waits for more... */
const BUSY_BATCH = 32;
/** ...for this long, unless this many are queued already */
const LINGER_MS = 3;
const FULL_BATCH = 3 * BUSY_BATCH;
/** How many nice levels the writer thread runs below the process (see the head of this file). */
export const WRITER_NICENESS = 10;

export class Writer {
  readonly #path: string;
  readonly #logger: Logger;
  readonly #sql: string[] = [];
  /** set again on every worker started */
  readonly #pragmas: string[] = [];
  #worker: Worker | undefined;
  /** statements the current worker has prepared, by index into #sql */
  #defined = 0;
  #queue: Pending[] = [];
  #inFlight: Pending[] | undefined;
  #scheduled = false;
  #closing = false;
  /** resolved when nothing is queued or in flight */
  #drained: (() => void)[] = [];

  constructor(path: string, logger: Logger) {
    this.#path = path;
    this.#logger = logger;
  }

  prepare<P extends Param[], R = number>(sql: string): WriteStatement<P, R> {
    const statement = this.#sql.push(sql) - 1;
    return (...params) =>
      new Promise<R>((resolve, reject) => {
        if (this.#closing) return reject(new Error('the embedded store is closed'));
        this.#queue.push({ op: [statement, params], resolve: resolve as (v: unknown) => void, reject });
        if (this.#scheduled || this.#inFlight) return;
        this.#scheduled = true;
        // setImmediate, not a microtask: it gathers the writes of every I/O callback of this loop turn
        setImmediate(() => this.#send());
      });
  }

  /** Sets a pragma on the writer's connection, after the batch in flight; a failure is logged. */
  pragma(text: string): void {
    this.#pragmas.push(text);
    this.#worker?.postMessage({ pragma: text } satisfies Request);
  }

  /** Commits what is queued, then closes the writer's connection. */
  async close(): Promise<void> {
    if (this.#queue.length > 0 || this.#inFlight) await new Promise<void>((resolve) => this.#drained.push(resolve));
    this.#closing = true;
    const worker = this.#worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ close: true } satisfies Request);
    await exited;
  }

  #start(): Worker {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, { eval: true, workerData: { path: this.#path, driver, nice: WRITER_NICENESS } });
    worker.on('message', (reply: Reply) => this.#settle(reply));
    // the worker's own code catches every statement's error; this is the thread itself failing (out of memory)
    worker.on('error', (err) => this.#lost(worker, err));
    worker.on('exit', (code) => this.#lost(worker, new Error(`the SQLite writer thread exited with code ${code}`)));
    for (const pragma of this.#pragmas) worker.postMessage({ pragma } satisfies Request);
    // it keeps the process alive only while a batch is in flight (see #send)
    worker.unref();
    this.#defined = 0;
    return worker;
  }

  #send(): void {
    this.#scheduled = false;
    if (this.#inFlight) return;
    if (this.#queue.length === 0) {
      this.#worker?.unref();
      for (const resolve of this.#drained.splice(0)) resolve();
      return;
    }
    const worker = (this.#worker ??= this.#start());
    worker.ref();
    const batch = this.#queue;
    this.#queue = [];
    this.#inFlight = batch;
    const define = this.#sql.slice(this.#defined).map((sql, i): [number, string] => [this.#defined + i, sql]);
    this.#defined = this.#sql.length;
    worker.postMessage({ define, ops: batch.map((p) => p.op) } satisfies Request);
  }

  #settle(reply: Reply): void {
    if ('warning' in reply) return void this.#logger.warn(reply.warning);
    const batch = this.#inFlight ?? [];
    this.#inFlight = undefined;
    if ('failed' in reply) {
      // the transaction itself failed (busy beyond the timeout, disk): nothing of the batch was written
      const err = new Database.SqliteError(...reply.failed);
      for (const p of batch) p.reject(err);
    } else {
      reply.outcomes.forEach((o, i) => (o[0] === 1 ? batch[i]!.resolve(o[1]) : batch[i]!.reject(new Database.SqliteError(o[1], o[2]))));
    }
    if (batch.length >= BUSY_BATCH && this.#queue.length < FULL_BATCH) {
      this.#scheduled = true;
      setTimeout(() => this.#send(), LINGER_MS);
    } else {
      this.#send();
    }
  }

  #lost(worker: Worker, err: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    if (this.#closing) return;
    // whether the batch in flight committed is unknown: its writers retry, as after a lost database connection
    const batch = this.#inFlight ?? [];
    this.#inFlight = undefined;
    this.#logger.error({ err, inFlight: batch.length }, 'the SQLite writer thread stopped; starting another');
    for (const p of batch) p.reject(unavailable(err));
    this.#send();
  }
}
