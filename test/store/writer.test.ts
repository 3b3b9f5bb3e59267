// The embedded store's writes of the delivery path run on a thread of their own: a lock held elsewhere
// delays them without stopping the event loop, each write of a shared transaction keeps its own outcome,
// what is queued at close is committed, and a thread that fails leaves retryable errors, not a stuck store.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { ErrorCodes, StoreError } from '../../src/errors.js';
import { Writer, WRITER_NICENESS } from '../../src/store/embedded/writer.js';
import { KeyRing, openStore } from '../../src/store/mod.js';
import { tempDir } from '../helpers/tmp.js';

const silent = pino({ level: 'silent' });
const open = (file: string) => openStore({ embedded: { path: file }, encryption: { keys: KeyRing.generateSpec() } }, silent);
/** The nice value of each thread of this process (Linux), from the 19th field of its stat. */
const threadNices = (): number[] =>
  readdirSync('/proc/self/task').map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
const delivery = (i: number) => ({ eventId: `e-${i}`, eventSource: 'https://writer.test', eventType: 'test.event', routeId: 'r' });

describe('embedded store: the writer thread', function () {
  this.timeout(20_000);

  it('waits for a lock another connection holds while the event loop goes on, and commits once it is released', async () => {
    const file = `${tempDir('writer')}/gw.db`;
    const store = await open(file);
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const events: string[] = [];
      const written = store.deliveries.createIfAbsent(delivery(1)).then((r) => {
        events.push('written');
        return r;
      });
      // the release is a timer on this thread: had the write waited for the lock here, it could never fire
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          events.push('released');
          other.exec('COMMIT');
          resolve();
        }, 300),
      );
      const { created, delivery: d } = await written;
      expect(created).to.equal(true);
      expect(events).to.deep.equal(['released', 'written']);
      expect((await store.deliveries.get(undefined, d.id))?.eventId).to.equal('e-1');
    } finally {
      other.close();
      await store.close();
    }
  });

  it('gives each write of a shared transaction its own outcome', async () => {
    const file = `${tempDir('writer')}/w.db`;
    const db = new Database(file);
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)');
    const writer = new Writer(file, silent);
    try {
      const insert = writer.prepare<[string, number]>('INSERT INTO t (k, n) VALUES (?, ?)');
      const bump = writer.prepare<[string], number | undefined>('UPDATE t SET n = n + 1 WHERE k = ? RETURNING n');
      // issued in one turn of the event loop, so they share a batch
      const outcomes = await Promise.allSettled([insert('a', 1), insert('a', 2), insert('b', 3), bump('b'), bump('missing')]);
      expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect((outcomes[0] as PromiseFulfilledResult<number>).value, 'rows changed').to.equal(1);
      expect((outcomes[1] as PromiseRejectedResult).reason).to.be.instanceOf(Database.SqliteError).and.have.property('code', 'SQLITE_CONSTRAINT_PRIMARYKEY');
      expect((outcomes[3] as PromiseFulfilledResult<number>).value, 'value returned').to.equal(4);
      expect((outcomes[4] as PromiseFulfilledResult<number | undefined>).value, 'no row returned').to.equal(undefined);
      expect(db.prepare('SELECT k, n FROM t ORDER BY k').all()).to.deep.equal([{ k: 'a', n: 1 }, { k: 'b', n: 4 }]);
    } finally {
      await writer.close();
      db.close();
    }
  });

  it('commits the writes still queued when the store closes', async () => {
    const file = `${tempDir('writer')}/gw.db`;
    const store = await open(file);
    const writes = Array.from({ length: 200 }, (_, i) => store.deliveries.createIfAbsent(delivery(i)));
    await store.close();
    expect((await Promise.all(writes)).every((w) => w.created)).to.equal(true);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM deliveries').pluck().get()).to.equal(200);
    } finally {
      db.close();
    }
  });

  it('fails the writes of a thread that stopped as retryable, and starts another for the next ones', async () => {
    // the thread's connection cannot open a file in a folder that does not exist yet
    const dir = `${tempDir('writer')}/later`;
    const writer = new Writer(`${dir}/w.db`, silent);
    try {
      const insert = writer.prepare<[string]>('INSERT INTO t (k) VALUES (?)');
      const err = await insert('a').then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(StoreError).and.include({ code: ErrorCodes.STORE_UNAVAILABLE, retryable: true });
      mkdirSync(dir);
      const db = new Database(`${dir}/w.db`);
      db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
      expect(await insert('b')).to.equal(1);
      expect(db.prepare('SELECT k FROM t').pluck().all()).to.deep.equal(['b']);
      db.close();
    } finally {
      await writer.close();
    }
  });

  it('runs its thread at a lower priority than the event loop, where the system keeps one per thread', async function () {
    const own = getPriority();
    // a process already at the lowest priority (nice 19) leaves its threads none lower to take
    if (!existsSync('/proc/thread-self') || own === 19) this.skip();
    const file = `${tempDir('writer')}/w.db`;
    new Database(file).exec('CREATE TABLE t (k TEXT PRIMARY KEY)').close();
    const before = threadNices().filter((n) => n !== own).length;
    const writer = new Writer(file, silent);
    try {
      await writer.prepare<[string]>('INSERT INTO t (k) VALUES (?)')('a');
      expect(threadNices().filter((n) => n !== own).length - before, 'threads of another priority').to.equal(1);
      expect(threadNices()).to.include(Math.min(19, own + WRITER_NICENESS));
    } finally {
      await writer.close();
    }
    expect(getPriority(), 'the process keeps its own priority').to.equal(own);
  });
});
