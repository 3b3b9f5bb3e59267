// The embedded store's WAL is copied back into the database file by a worker thread, not by the commits
// on the event loop: the main connection's automatic checkpoint is off.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { CHECKPOINT_INTERVAL_MS } from '../../src/store/embedded/checkpoint.js';
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
});
