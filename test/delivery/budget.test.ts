// Per-target budgets: a concurrency cap and a token bucket, each instance of a deployment taking its part.
import { expect } from 'chai';
import { TargetBudgets } from '../../src/delivery/budget.js';

describe('delivery/budget', () => {
  it('caps requests in flight per target, and frees a slot on release', () => {
    const budgets = new TargetBudgets();
    expect(budgets.take('a', { maxConcurrency: 2 })).to.equal(0);
    expect(budgets.take('a', { maxConcurrency: 2 })).to.equal(0);
    expect(budgets.take('a', { maxConcurrency: 2 })).to.be.greaterThan(0);
    expect(budgets.take('b', { maxConcurrency: 2 }), 'another target has its own budget').to.equal(0);
    budgets.release('a');
    expect(budgets.take('a', { maxConcurrency: 2 })).to.equal(0);
  });

  it('spends the burst at once, then one token per 1/perSecond, telling how long to wait', () => {
    let now = 0;
    const budgets = new TargetBudgets(() => 1, () => now);
    const limits = { maxConcurrency: 100, perSecond: 10, burst: 3 };
    const taken = () => {
      const wait = budgets.take('t', limits);
      if (wait === 0) budgets.release('t');
      return wait;
    };
    expect([taken(), taken(), taken()]).to.deep.equal([0, 0, 0]);
    expect(taken()).to.equal(100);
    now += 100;
    expect(taken()).to.equal(0);
    expect(taken()).to.equal(100);
  });

  it('gives each of several instances its part of the rate, the burst and the concurrency', () => {
    let now = 0;
    let instances = 2;
    const budgets = new TargetBudgets(() => instances, () => now);
    const limits = { maxConcurrency: 4, perSecond: 10, burst: 4 };
    let sent = 0;
    for (; now < 10_000; now += 10) {
      if (budgets.take('t', limits) === 0) {
        sent++;
        budgets.release('t');
      }
    }
    // 5/s for 10 s after a burst of 2: half of the target's limit
    expect(sent).to.be.within(50, 53);
    expect([budgets.take('c', limits), budgets.take('c', limits), budgets.take('c', limits)].map((w) => w === 0)).to.deep.equal([true, true, false]);
    instances = 8;
    expect(budgets.take('d', limits), 'at least one request per instance').to.equal(0);
    expect(budgets.take('d', limits)).to.be.greaterThan(0);
  });
});
