import { expect } from 'chai';
import { DEFAULT_RETRY, type RetryPolicy } from '../../src/config/types.js';
import { nextDelay, parseRetryAfter } from '../../src/delivery/retry.js';

const DAY = 24 * 3_600_000;

describe('delivery/retry: nextDelay', () => {
  const flat: RetryPolicy = { scheduleMs: [0, 1000, 5000], jitter: 0 };

  it('follows the schedule, attempt numbers being 1-based', () => {
    expect(nextDelay(flat, 1)).to.equal(0);
    expect(nextDelay(flat, 2)).to.equal(1000);
    expect(nextDelay(flat, 3)).to.equal(5000);
  });

  it('is undefined once the schedule is exhausted', () => {
    expect(nextDelay(flat, 4)).to.equal(undefined);
    expect(nextDelay({ scheduleMs: [0], jitter: 0.2 }, 2)).to.equal(undefined);
  });

  it('spreads each delay by ± the jitter fraction, driven by the random source', () => {
    const p: RetryPolicy = { scheduleMs: [0, 10_000], jitter: 0.2 };
    expect(nextDelay(p, 2, () => 0)).to.equal(8000);
    expect(nextDelay(p, 2, () => 0.5)).to.equal(10_000);
    expect(nextDelay(p, 2, () => 0.75)).to.equal(11_000);
    expect(nextDelay(p, 2, () => 0.999_999)).to.equal(12_000);
  });

  it('keeps the default policy (5 attempts: 0, 1 min, 5 min, 30 min, 2 h) within ±20 %', () => {
    expect(DEFAULT_RETRY.jitter).to.equal(0.2);
    expect(DEFAULT_RETRY.scheduleMs).to.deep.equal([0, 60_000, 300_000, 1_800_000, 7_200_000]);
    for (let n = 1; n <= 5; n++) {
      const base = DEFAULT_RETRY.scheduleMs[n - 1]!;
      const seen = new Set<number>();
      for (let i = 0; i < 200; i++) {
        const d = nextDelay(DEFAULT_RETRY, n)!;
        expect(d).to.be.within(base * 0.8, base * 1.2);
        seen.add(d);
      }
      // with real randomness a non-zero delay must actually vary (a thundering herd is what jitter prevents)
      if (base > 0) expect(seen.size).to.be.above(1);
    }
    expect(nextDelay(DEFAULT_RETRY, 6)).to.equal(undefined);
  });

  it('never returns a negative delay, even for a zero base', () => {
    expect(nextDelay({ scheduleMs: [0], jitter: 1 }, 1, () => 0)).to.equal(0);
    expect(nextDelay({ scheduleMs: [0, 100], jitter: 1 }, 2, () => 0)).to.equal(0);
  });
});

describe('delivery/retry: parseRetryAfter', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).to.equal(120_000);
    expect(parseRetryAfter(' 0 ', now)).to.equal(0);
  });

  it('reads an IMF-fixdate relative to now', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:30 GMT', now)).to.equal(30_000);
  });

  it('reads the obsolete RFC 850 form', () => {
    expect(parseRetryAfter('Saturday, 01-Mar-25 12:01:00 GMT', now)).to.equal(60_000);
  });

  it('reads the asctime form as GMT whatever the local zone', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(parseRetryAfter('Sat Mar  1 12:00:10 2025', now)).to.equal(10_000);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('clamps a date in the past to 0', () => {
    expect(parseRetryAfter('Fri, 28 Feb 2025 12:00:00 GMT', now)).to.equal(0);
  });

  it('clamps a far-away answer to one day, in seconds or as a date', () => {
    expect(parseRetryAfter(String(365 * 86_400), now)).to.equal(DAY);
    expect(parseRetryAfter('99999999999999999999999', now)).to.equal(DAY);
    expect(parseRetryAfter('Wed, 01 Mar 2028 12:00:00 GMT', now)).to.equal(DAY);
  });

  it('ignores absent, empty and malformed values', () => {
    for (const v of [undefined, '', '   ', 'soon', '1.5', '-5', '10s', 'Funday, 99 Foo 2025', '5 GMT']) {
      expect(parseRetryAfter(v, now), String(v)).to.equal(undefined);
    }
  });
});
