// The embedded store's WAL is copied back into the database file by a worker thread, not by the commits
// on the event loop: the main connection's automatic checkpoint is off, and steady writes must not make the
// WAL grow without bound.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { CHECKPOINT_INTERVAL_MS, WAL_RESTART_FRAMES } from '../../src/store/embedded/checkpoint.js';
import { KeyRing, openStore } from '../../src/store/mod.js';

describe('embedded store: WAL checkpoints', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ceg-checkpoint-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('copies committed pages into the database file from its own thread, well below the automatic threshold', async () => {
    const file = join(dir, 'gw.db');
    const store = await openStore({ embedded: { path: file }, encryption: { keys: KeyRing.generateSpec() } }, pino({ level: 'silent' }));
    try {
      // let the first checkpoint take the migration, then measure what the writes below add
      await sleep(CHECKPOINT_INTERVAL_MS * 3);
      const before = (await stat(file)).size;
      // a few hundred rows: far fewer WAL pages than the 1000 at which a commit would checkpoint by itself
      await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          store.deliveries.createIfAbsent({ eventId: `e-${i}`, eventSource: 'https://checkpoint.test', eventType: 'test.event', routeId: 'r' }),
        ),
      );
      const walPages = (await stat(`${file}-wal`)).size / 4096;
      expect(walPages).to.be.within(1, 999);
      let after = before;
      for (let i = 0; i < 40 && after === before; i++) {
        await sleep(CHECKPOINT_INTERVAL_MS);
        after = (await stat(file)).size;
      }
      expect(after, 'database file size after the writes were checkpointed').to.be.greaterThan(before);
      const page = await store.deliveries.list(undefined, { routeId: 'r', limit: 100 });
      expect(page.items).to.have.length(100);
      expect(page.nextCursor).to.be.a('string');
    } finally {
      await store.close();
    }
  });

  it('starts a large WAL over once readers let go, though commits never pause', async function () {
    this.timeout(60_000);
    const file = join(dir, 'gw.db');
    const store = await openStore({ embedded: { path: file }, encryption: { keys: KeyRing.generateSpec() } }, pino({ level: 'silent' }));
    const limit = WAL_RESTART_FRAMES * 4096;
    let n = 0;
    // small commits one after the other, as the delivery path makes them
    const burst = () =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.deliveries.createIfAbsent({ eventId: `e-${n++}`, eventSource: 'https://checkpoint.test', eventType: 'test.event', subscriptionId: `s-${i}`, tenantId: 't' }),
        ),
      );
    const wal = async () => (await stat(`${file}-wal`)).size;
    // a reader's open snapshot keeps every later frame in the WAL: it grows past the restart size
    const reader = new Database(file, { readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM deliveries').get();
      while ((await wal()) < 2 * limit) await burst();
      reader.exec('COMMIT');
      const released = await wal();
      let largest = 0;
      const until = Date.now() + 8 * CHECKPOINT_INTERVAL_MS;
      while (Date.now() < until) {
        await burst();
        largest = Math.max(largest, await wal());
        await sleep(1);
      }
      // without the restart the WAL grew by all that was written (a quarter of a gigabyte in these two seconds); the
      // restart reuses the file from its start, so it grows only when one interval brings more than its size
      expect(largest, 'largest WAL file after the reader let go').to.be.below(released + 2 * limit);
      const page = await store.deliveries.list('t', { subscriptionId: 's-0', limit: 1 });
      expect(page.items[0]?.eventId).to.equal(`e-${n - 20}`);
    } finally {
      reader.close();
      await store.close();
    }
  });
});
