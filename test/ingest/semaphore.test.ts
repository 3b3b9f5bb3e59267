import { expect } from 'chai';
import { Semaphore } from '../../src/ingest/semaphore.js';

describe('ingest/Semaphore', () => {
  it('acquireWhileMoving takes a free slot at once, waits for a release, and gives up when nothing is released', async () => {
    const s = new Semaphore(1);
    expect(await s.acquireWhileMoving(10, 1000)).to.equal(true);
    expect(await s.acquireWhileMoving(20, 1000)).to.equal(false);
    const waiting = s.acquireWhileMoving(1000, 1000);
    setTimeout(() => s.release(), 10);
    expect(await waiting).to.equal(true);
  });

  it('acquireWhileMoving keeps waiting while other waiters are served, within its whole bound', async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const ahead = Array.from({ length: 5 }, () => s.acquireWhileMoving(40, 10_000));
    const last = s.acquireWhileMoving(40, 10_000);
    // one release every 20 ms: the last waiter waits 120 ms in all, far past its 40 ms stall limit
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 20));
      s.release();
    }
    expect(await Promise.all(ahead)).to.deep.equal([true, true, true, true, true]);
    expect(await last).to.equal(true);
  });

  it('acquireWhileMoving gives up after maxMs even while slots keep moving to waiters ahead of it', async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const ahead = Array.from({ length: 40 }, () => s.acquire());
    const started = performance.now();
    const bounded = s.acquireWhileMoving(40, 60);
    const ticker = setInterval(() => s.release(), 15);
    try {
      expect(await bounded).to.equal(false);
      // it left at its bound, long before the forty ahead of it were served (600 ms)
      expect(performance.now() - started).to.be.within(55, 500);
      await Promise.all(ahead);
    } finally {
      clearInterval(ticker);
    }
  });

  it('a waiter that gave up takes nothing from a later release', async () => {
    const s = new Semaphore(1);
    await s.acquire();
    expect(await s.acquireWhileMoving(5, 5)).to.equal(false);
    const next = s.acquire();
    s.release(); // goes to the live waiter, not the one that gave up
    await next;
    s.release();
    // one slot again, and only one
    expect(await s.acquireWhileMoving(5, 5)).to.equal(true);
    expect(await s.acquireWhileMoving(5, 5)).to.equal(false);
  });
});
