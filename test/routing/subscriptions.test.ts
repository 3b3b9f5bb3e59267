import { expect } from 'chai';
import { pino } from 'pino';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { compileFilters } from '../../src/filters/mod.js';
import { compileTypePatterns } from '../../src/routing/pattern.js';
import { SubscriptionIndex } from '../../src/routing/subscriptions.js';
import type { Subscription } from '../../src/store/types.js';

const event = (type: string, source: string, subject?: string): CloudEvent => ({ specversion: '1.0', id: '1', type, source, ...(subject ? { subject } : {}) });

function subscription(i: number, fields: Partial<Subscription>): Subscription {
  const at = new Date(0);
  return {
    id: `s${i}`,
    tenantId: `t${i % 3}`,
    sink: 'https://h.example/hook',
    protocol: 'HTTP',
    types: [],
    contentMode: 'binary',
    state: 'active',
    secrets: [],
    createdAt: at,
    updatedAt: at,
    revision: 1,
    ...fields,
  };
}

/** What the index must answer, by its definition: every active subscription in load order, checked one by one. */
function reference(subs: Subscription[], e: CloudEvent): string[] {
  return subs
    .filter(
      (s) =>
        s.state === 'active' &&
        compileTypePatterns(s.types)(e.type) &&
        (s.source === undefined || s.source === e.source) &&
        (!s.filters?.length || compileFilters(s.filters)(e)),
    )
    .map((s) => s.id);
}

describe('routing/SubscriptionIndex', () => {
  it('agrees with a subscription-by-subscription check on a large mixed set, each subscription once, in load order', () => {
    const types = ['user.created', 'user.deleted', 'session.started', 'order.placed'];
    const sources = ['urn:s0', 'urn:s1', 'urn:s2'];
    const subs = Array.from({ length: 300 }, (_, i) =>
      subscription(i, {
        // exact types, wildcards, and both at once (one subscription reachable from two lists)
        types: i % 7 === 0 ? ['user.*', 'user.created'] : i % 11 === 0 ? ['>', 'user.>'] : [types[i % 4]!, ...(i % 5 === 0 ? [types[(i + 1) % 4]!] : [])],
        ...(i % 3 === 0 ? {} : { source: sources[i % 3] }),
        ...(i % 13 === 0 ? { filters: [{ exact: { subject: 'x' } }] } : {}),
        ...(i % 17 === 0 ? { state: 'paused' as const } : {}),
      }),
    );
    const index = new SubscriptionIndex(pino({ level: 'silent' }));
    index.load(subs);
    let matched = 0;
    for (const type of [...types, 'user.suspended', 'other']) {
      for (const source of [...sources, 'urn:none']) {
        for (const subject of [undefined, 'x']) {
          const e = event(type, source, subject);
          const want = reference(subs, e);
          const got = index.match(e).map((t) => (t.kind === 'subscription' ? t.subscriptionId : t.key));
          expect(got, `${type} ${source} ${subject}`).to.deep.equal(want);
          matched += want.length;
        }
      }
    }
    expect(matched).to.be.greaterThan(1000);
  });
});
