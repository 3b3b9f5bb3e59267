// Per-key ordering and isolation through a real gateway: a failing event holds back only its own key's
// partition of its own subscription; other keys and other subscriptions keep flowing.
import { expect } from 'chai';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Gateway } from '../../src/gateway.js';
import { generateSecret } from '../../src/signing/mod.js';
import { eventually, testConfig, testLogger } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const enc = new TextEncoder();

describe('ordering and isolation', function () {
  this.timeout(90_000);
  let nats: TestNats;
  let gw: Gateway;
  let nc: NatsConnection;
  let js: JetStreamClient;

  before(async () => {
    nats = await startNats();
    gw = await Gateway.start(
      testConfig({
        natsUrl: nats.url,
        doc: {
          schemas: { policies: [{ types: ['order.>', 'iso.>'], unknownTypes: 'accept' }] },
          delivery: { ssrf: { allow: ['127.0.0.1/32'] }, retry: { schedule: [0, '300ms', '300ms', '300ms', '300ms'], jitter: 0 }, orderingPartitions: 4 },
        },
      }),
      { logger: testLogger() },
    );
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
  });

  after(async () => {
    await nc?.drain();
    await gw?.stop();
    await nats?.cleanup();
  });

  async function subscribe(tenant: string, sink: string, types: string[], extra: Record<string, unknown> = {}) {
    const t = await gw.store.tenants.create({ name: tenant });
    const sub = await gw.store.subscriptions.create({
      tenantId: t.id,
      sink,
      protocol: 'HTTP',
      types,
      contentMode: 'binary',
      state: 'active',
      secrets: [{ id: 's1', secret: generateSecret(), createdAt: new Date() }],
      ...extra,
    });
    await gw.subscriptionChanged(t.id, sub.id);
    return sub;
  }

  async function publish(type: string, id: string, subject: string) {
    const h = natsHeaders();
    h.set('content-type', 'application/cloudevents+json');
    await js.publish(`ce.${type}`, enc.encode(JSON.stringify({ specversion: '1.0', id, source: 'urn:test', type, subject, data: { id } })), { headers: h });
  }

  it('keeps per-key publish order while a failing key is retried, and other keys flow past it', async () => {
    let failedOnce = false;
    const receiver: Receiver = await startReceiver((req) => {
      // the third event of key "a" fails twice before it is taken
      if (req.headers['ce-id'] === 'a-2' && !failedOnce) {
        failedOnce = true;
        return { status: 503 };
      }
      return { status: 200, delayMs: 1 };
    });
    try {
      await subscribe('ordered', receiver.url, ['order.placed'], { orderingKey: 'subject' });
      const keys = ['a', 'b', 'c', 'd'];
      const PER_KEY = 15;
      for (let i = 0; i < PER_KEY; i++) for (const k of keys) await publish('order.placed', `${k}-${i}`, k);
      await eventually(() => {
        const ok = new Set(receiver.received.filter((r) => r.headers['ce-id'] !== undefined).map((r) => String(r.headers['ce-id'])));
        return ok.size >= keys.length * PER_KEY ? ok : undefined;
      }, 60_000, 'all ordered events');
      const firstA2 = receiver.received.findIndex((r) => r.headers['ce-id'] === 'a-2');
      const retryA2 = receiver.received.findIndex((r, i) => i > firstA2 && r.headers['ce-id'] === 'a-2');
      // successful arrivals (all but the refused first a-2) of one key are in its publish order
      const delivered = receiver.received.filter((_, i) => i !== firstA2);
      for (const k of keys) {
        const seq = delivered.filter((r) => r.headers['ce-subject'] === k).map((r) => Number(String(r.headers['ce-id']).split('-')[1]));
        expect(seq, `key ${k}`).to.deep.equal([...Array(PER_KEY).keys()]);
      }
      // while a-2 waited for its retry, other keys were delivered and key "a" was held
      const between = receiver.received.slice(firstA2 + 1, retryA2).map((r) => String(r.headers['ce-subject']));
      expect(between.filter((k) => k !== 'a').length).to.be.greaterThan(0);
      expect(between.filter((k) => k === 'a')).to.have.length(0);
    } finally {
      await receiver.close();
    }
  });

  it('a slow endpoint does not hold back another subscription', async () => {
    const slow = await startReceiver(() => ({ status: 200, delayMs: 1500 }));
    const fast = await startReceiver(() => ({ status: 200 }));
    try {
      await subscribe('slowpoke', slow.url, ['iso.tick'], { rateLimit: { maxConcurrency: 2 } });
      await subscribe('speedy', fast.url, ['iso.tick']);
      const N = 40;
      for (let i = 0; i < N; i++) await publish('iso.tick', `tick-${i}`, 'x');
      // all fast deliveries complete while the slow endpoint, two at a time, is still far from done
      await fast.waitFor(N, 20_000);
      expect(slow.received.length).to.be.lessThan(N / 2);
    } finally {
      await slow.close();
      await fast.close();
    }
  });

  it('holds the queued tasks of a paused subscription and delivers them after resume', async () => {
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 300 }));
    try {
      const sub = await subscribe('pausing', receiver.url, ['iso.pause'], { rateLimit: { maxConcurrency: 1 } });
      for (let i = 0; i < 4; i++) await publish('iso.pause', `pause-${i}`, 'x');
      await receiver.waitFor(1);
      await gw.store.subscriptions.update(sub.tenantId, sub.id, { state: 'paused' });
      await gw.subscriptionChanged(sub.tenantId, sub.id);
      const atPause = receiver.received.length;
      await new Promise((r) => setTimeout(r, 1500));
      // at most the request in flight at the pause completes; the rest wait
      expect(receiver.received.length).to.be.at.most(atPause + 1);
      const pending = await gw.store.deliveries.list(sub.tenantId, { subscriptionId: sub.id, state: 'pending' });
      expect(pending.items.length).to.be.greaterThan(0);
      await gw.store.subscriptions.update(sub.tenantId, sub.id, { state: 'active' });
      await gw.subscriptionChanged(sub.tenantId, sub.id);
      await receiver.waitFor(4, 20_000);
      const dropped = await gw.store.deliveries.list(sub.tenantId, { subscriptionId: sub.id, state: 'dropped' });
      expect(dropped.items).to.have.length(0);
    } finally {
      await receiver.close();
    }
  });
});
