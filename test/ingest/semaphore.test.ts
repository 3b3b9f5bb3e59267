import { expect } from 'chai';
import { Semaphore } from '../../src/ingest/semaphore.js';

describe('ingest/Semaphore', () => {
  it('acquireWithin takes a free slot at once, waits for a release, and gives up after its time', async () => {
    const s = new Semaphore(1);
    expect(await s.acquireWithin(10)).to.equal(true);
    expect(await s.acquireWithin(20)).to.equal(false);
    const waiting = s.acquireWithin(1000);
    setTimeout(() => s.release(), 10);
    expect(await waiting).to.equal(true);
  });

  it('a waiter that gave up takes nothing from a later release', async () => {
    const s = new Semaphore(1);
    await s.acquire();
    expect(await s.acquireWithin(5)).to.equal(false);
    const next = s.acquire();
    s.release(); // goes to the live waiter, not the one that gave up
    await next;
    s.release();
    // one slot again, and only one
    expect(await s.acquireWithin(5)).to.equal(true);
    expect(await s.acquireWithin(5)).to.equal(false);
  });
});
