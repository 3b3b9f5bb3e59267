// The embedded store deletes finished deliveries past the retention window in chunks, each its own
// transaction, so a purge of many rows lets the delivery path's writes in between; every chunk still goes.
import { expect } from 'chai';
import { pino } from 'pino';
import { newId } from '../../src/store/id.js';
import { KeyRing, openStore } from '../../src/store/mod.js';
import { idTime } from '../helpers/ids.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;

describe('embedded store: purge of finished deliveries', function () {
  this.timeout(20_000);

  it('deletes more finished deliveries than one chunk holds, and none still pending', async () => {
    // ids never go back in time within a process, and earlier tests moved their clocks on: start from the ids'
    let nowMs = Math.max(Date.now(), idTime(newId()));
    const store = await openStore(
      { embedded: { path: `${tempDir('purge')}/gw.db` }, encryption: { keys: KeyRing.generateSpec() } },
      pino({ level: 'silent' }),
      { now: () => new Date(nowMs) },
    );
    try {
      const made = await Promise.all(
        Array.from({ length: 2600 }, (_, i) => store.deliveries.createIfAbsent({ routeId: 'r', eventId: `e-${i}`, eventSource: '/src', eventType: 't' })),
      );
      // all but the last hundred finish
      await Promise.all(made.slice(0, 2500).map(({ delivery }) => store.deliveries.recordAttempt(delivery.id, { state: 'succeeded', nextAttemptAt: null })));
      nowMs += 31 * DAY;
      expect(await store.purgeExpired()).to.equal(2500);
      const left = await store.deliveries.list(undefined, { routeId: 'r', limit: 200 });
      expect(left.items.map((d) => d.eventId).sort()).to.deep.equal(made.slice(2500).map(({ delivery }) => delivery.eventId).sort());
      expect(left.items.every((d) => d.state === 'pending')).to.equal(true);
    } finally {
      await store.close();
    }
  });
});
