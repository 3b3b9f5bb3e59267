// A subscription over its life, through a real gateway (NATS, embedded store, local receivers, /v1 over
// HTTP): the content mode and signature it chose on the wire, a secret rotation, being disabled by a gone
// or long-failing endpoint (with the operational events that tell its tenant), a concurrency budget that counts
// requests on the wire, and a gateway that drains its in-flight deliveries at stop and leaves the rest to the next one.
import path from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { Gateway } from '../../src/gateway.js';
import { verifyTimestamped } from '../../src/signing/mod.js';
import { api, tenantKey } from '../helpers/api.js';
import { eventually, testConfig, testLogger } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { startReceiver, type Received, type Receiver } from '../helpers/receiver.js';
import { tempDir } from '../helpers/tmp.js';

const ADMIN_KEY = 'lifecycle-admin-key-0123456789abcdef';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const header = (r: Received, name: string) => String(r.headers[name]);
const json = (r: Received) => JSON.parse(r.body.toString());
const TIME = '2025-01-02T03:04:05.000Z';

function event(type: string, id: string): CloudEvent {
  return { specversion: '1.0', id, source: 'urn:test:lifecycle', type, subject: 'lc', time: TIME, datacontenttype: 'application/json', data: { id } };
}

/** The requests to one path of a receiver. */
const at = (receiver: Receiver, p: string) => receiver.received.filter((r) => r.url === p);

describe('subscription lifecycle end to end', function () {
  this.timeout(60_000);
  let nats: TestNats;
  let gw: Gateway;
  let receiver: Receiver;
  let key: string;
  let otherKey: string;
  const dataDir = tempDir('lifecycle');

  const call = (method: string, p: string, body?: unknown, as = key) => api(gw.url, method, p, as, body);

  async function subscribe(body: Record<string, unknown>, as = key): Promise<{ id: string; secret: string; createdAt: string }> {
    const created = await call('POST', '/v1/subscriptions', body, as);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    return created.body;
  }

  /** Publishes one event to a path of the receiver and returns the request that arrives there. */
  async function deliverOne(p: string, type: string, id: string): Promise<Received> {
    await gw.publisher.publish(event(type, id));
    return eventually(() => at(receiver, p).find((r) => r.body.includes(id) || r.headers['ce-id'] === id), 10_000, `${id} at ${p}`);
  }

  before(async () => {
    nats = await startNats();
    receiver = await startReceiver((req) => {
      if (req.url.startsWith('/gone')) return { status: 410 };
      if (req.url.startsWith('/down')) return { status: 500 };
      return { status: 204 };
    });
    gw = await Gateway.start(
      testConfig({
        natsUrl: nats.url,
        dataDir,
        doc: {
          api: { adminKey: ADMIN_KEY },
          schemas: { policies: [{ types: ['lc.>'], unknownTypes: 'accept' }] },
          delivery: { ssrf: { allow: ['127.0.0.1/32'] }, retry: { schedule: [0, '100ms'], jitter: 0 }, disableAfter: '1s' },
        },
      }),
      { logger: testLogger() },
    );
    key = (await tenantKey(gw.url, ADMIN_KEY, 'lifecycle')).key;
    otherKey = (await tenantKey(gw.url, ADMIN_KEY, 'neighbour')).key;
  });

  after(async () => {
    await gw?.stop();
    await receiver?.close();
    await nats?.cleanup();
  });

  describe('on the wire', () => {
    it('sends structured mode as application/cloudevents+json', async () => {
      await subscribe({ sink: `${receiver.url}/structured`, types: ['lc.structured'], contentMode: 'structured' });
      const r = await deliverOne('/structured', 'lc.structured', 'st-1');
      expect(header(r, 'content-type')).to.match(/^application\/cloudevents\+json/);
      expect(r.headers).not.to.have.property('ce-id');
      expect(json(r)).to.deep.include({ specversion: '1.0', id: 'st-1', type: 'lc.structured', time: TIME, data: { id: 'st-1' } });
    });

    it('sends the webhook envelope as plain JSON', async () => {
      const { secret } = await subscribe({ sink: `${receiver.url}/envelope`, types: ['lc.envelope'], contentMode: 'webhook' });
      const r = await deliverOne('/envelope', 'lc.envelope', 'env-1');
      expect(header(r, 'content-type')).to.match(/^application\/json/);
      expect(r.headers).not.to.have.property('ce-id');
      expect(json(r)).to.deep.equal({ type: 'lc.envelope', id: 'env-1', timestamp: TIME, data: { id: 'env-1' } });
      // still signed the default way, over the envelope's exact bytes
      expect(() => new Webhook(secret).verify(r.body.toString(), r.headers as Record<string, string>)).not.to.throw();
    });

    it('signs with a timestamped HMAC header: by scheme, by a sign step, and by scheme with a named header', async () => {
      const byScheme = await subscribe({ sink: `${receiver.url}/ts`, types: ['lc.ts'], signing: { scheme: 'timestamped-hmac' } });
      const r1 = await deliverOne('/ts', 'lc.ts', 'ts-1');
      expect(verifyTimestamped(r1.body, header(r1, 'x-signature'), [byScheme.secret])).to.deep.equal({ ok: true });
      expect(r1.headers).not.to.have.property('webhook-signature');

      const byStep = await subscribe({
        sink: `${receiver.url}/ofauth`,
        types: ['lc.ofauth'],
        pipeline: [{ use: 'sign', config: { scheme: 'timestamped-hmac', header: 'OFAuth-Signature' } }],
      });
      const r2 = await deliverOne('/ofauth', 'lc.ofauth', 'of-1');
      expect(verifyTimestamped(r2.body, header(r2, 'ofauth-signature'), [byStep.secret])).to.deep.equal({ ok: true });
      expect(verifyTimestamped(r2.body, header(r2, 'ofauth-signature'), [byScheme.secret])).to.deep.equal({ ok: false, reason: 'no-matching-signature' });

      const byHeader = await subscribe({
        sink: `${receiver.url}/named`,
        types: ['lc.named'],
        signing: { scheme: 'timestamped-hmac', header: 'OFAuth-Signature' },
      });
      const r3 = await deliverOne('/named', 'lc.named', 'named-1');
      expect(verifyTimestamped(r3.body, header(r3, 'ofauth-signature'), [byHeader.secret])).to.deep.equal({ ok: true });
    });

    it('signs with the new and the old secret after a rotation, each verifiable on its own', async () => {
      const { id, secret: oldSecret } = await subscribe({ sink: `${receiver.url}/rotate`, types: ['lc.rotate'] });
      const rotated = await call('POST', `/v1/subscriptions/${id}/secret/rotate`);
      expect(rotated.status).to.equal(200);
      const newSecret: string = rotated.body.secret;
      expect(newSecret).to.match(/^whsec_/).and.not.equal(oldSecret);

      const r = await deliverOne('/rotate', 'lc.rotate', 'rot-1');
      const offered = header(r, 'webhook-signature').split(' ');
      expect(offered).to.have.length(2);
      const timestamp = new Date(Number(header(r, 'webhook-timestamp')) * 1000);
      const expected = [newSecret, oldSecret].map((s) => new Webhook(s).sign(header(r, 'webhook-id'), timestamp, r.body.toString()));
      expect(offered).to.deep.equal(expected);
      for (const s of [newSecret, oldSecret]) {
        expect(() => new Webhook(s).verify(r.body.toString(), r.headers as Record<string, string>)).not.to.throw();
      }
    });
  });

  it('frees a concurrency budget of 1 once the response is in, while the attempt is still being recorded', async () => {
    const ANSWER_MS = 800;
    const { id } = await subscribe({ sink: `${receiver.url}/budget`, types: ['lc.budget'], rateLimit: { maxConcurrency: 1 } });
    // another connection's write lock holds up the gateway's writes (SQLite waits for it): taken once both
    // deliveries are stored and before the first request is answered, it keeps that attempt's outcome from being
    // recorded until the lock goes
    const db = new Database(path.join(dataDir, 'gateway.db'));
    const stored = db.prepare('SELECT count(*) FROM deliveries WHERE subscription_id = ?').pluck();
    let firstAt = 0;
    let lockedAt = 0;
    const lock = () => {
      // a test that failed before both were stored has closed the connection: stop polling it
      if (!db.open) return;
      if (stored.get(id) !== 2) return void setTimeout(lock, 10);
      db.prepare('BEGIN IMMEDIATE').run();
      lockedAt = Date.now();
    };
    const respond = receiver.respond;
    receiver.respond = (req, index) => {
      if (req.url !== '/budget') return respond(req, index);
      if (firstAt) return { status: 204 };
      firstAt = Date.now();
      lock();
      return { status: 204, delayMs: ANSWER_MS };
    };
    try {
      await gw.publisher.publish(event('lc.budget', 'budget-1'));
      await gw.publisher.publish(event('lc.budget', 'budget-2'));
      // the second request goes out while the first attempt's record still waits for the lock
      await eventually(() => (at(receiver, '/budget').length === 2 ? true : undefined), 4000, 'the second request while the store is locked');
      expect(lockedAt - firstAt, 'locked before the first answer').to.be.within(0, ANSWER_MS - 1);
    } finally {
      receiver.respond = respond;
      if (db.inTransaction) db.prepare('ROLLBACK').run();
      db.close();
    }
    const deliveries = await eventually(async () => {
      const list = await call('GET', `/v1/subscriptions/${id}/deliveries`);
      return list.body.items.length === 2 && list.body.items.every((d: { state: string }) => d.state === 'succeeded') ? list.body.items : undefined;
    }, 10_000, 'both deliveries recorded once the lock is gone');
    expect(deliveries.map((d: { attempts: number }) => d.attempts)).to.deep.equal([1, 1]);
  });

  describe('disabled by its endpoint', () => {
    /** Operational events of one type about one subscription, from the watcher's sink. */
    const operational = (p: string, type: string, subscriptionId: string) =>
      at(receiver, p).filter((r) => header(r, 'ce-type') === type && json(r).subscriptionId === subscriptionId);

    before(async () => {
      await subscribe({ sink: `${receiver.url}/ops`, types: ['gateway.>'] });
    });

    it('disables a subscription whose endpoint answers 410, and tells the tenant with operational events', async () => {
      const gone = await subscribe({ sink: `${receiver.url}/gone`, types: ['lc.gone'] });
      await gw.publisher.publish(event('lc.gone', 'gone-1'));
      const disabled = await eventually(async () => {
        const s = await call('GET', `/v1/subscriptions/${gone.id}`);
        return s.body.state === 'disabled' ? s.body : undefined;
      }, 10_000, 'the subscription to be disabled');
      expect(disabled.disabledReason).to.match(/^endpoint_gone/);
      // 410 is final: one request, no retry
      expect(at(receiver, '/gone')).to.have.length(1);
      const deliveryId = header(at(receiver, '/gone')[0]!, 'webhook-id');

      const [off] = await eventually(() => nonEmpty(operational('/ops', 'gateway.subscription.disabled', gone.id)), 10_000, 'gateway.subscription.disabled');
      expect(json(off!)).to.deep.include({ subscriptionId: gone.id, reason: 'endpoint_gone', sink: `${receiver.url}/gone` });
      expect(json(off!).lastError.status).to.equal(410);
      const [failed] = await eventually(() => nonEmpty(operational('/ops', 'gateway.delivery.failed', gone.id)), 10_000, 'gateway.delivery.failed');
      expect(json(failed!)).to.deep.include({ deliveryId, eventId: 'gone-1', eventType: 'lc.gone', final: true, attempt: 1 });

      // a disabled subscription receives nothing more
      await gw.publisher.publish(event('lc.gone', 'gone-2'));
      await pause(500);
      expect(at(receiver, '/gone')).to.have.length(1);
    });

    it('disables a subscription failing for longer than delivery.disableAfter', async () => {
      const down = await subscribe({ sink: `${receiver.url}/down`, types: ['lc.down'] });
      // only a subscription older than the window can have failed for all of it
      await pause(1200);
      await gw.publisher.publish(event('lc.down', 'down-1'));
      const disabled = await eventually(async () => {
        const s = await call('GET', `/v1/subscriptions/${down.id}`);
        return s.body.state === 'disabled' ? s.body : undefined;
      }, 10_000, 'the subscription to be disabled');
      expect(disabled.disabledReason).to.match(/^consecutive_failures/);
      expect(at(receiver, '/down')).to.have.length(2);

      const [off] = await eventually(() => nonEmpty(operational('/ops', 'gateway.subscription.disabled', down.id)), 10_000, 'gateway.subscription.disabled');
      expect(json(off!)).to.deep.include({ subscriptionId: down.id, reason: 'consecutive_failures', consecutiveFailures: 2 });
      expect(json(off!).lastError.status).to.equal(500);
    });

    it('keeps a young subscription active however its first deliveries fail', async () => {
      const young = await subscribe({ sink: `${receiver.url}/down-young`, types: ['lc.young'] });
      await gw.publisher.publish(event('lc.young', 'young-1'));
      await eventually(() => nonEmpty(operational('/ops', 'gateway.delivery.failed', young.id)), 10_000, 'gateway.delivery.failed');
      // the disable decision follows the failure event; give a wrong one time to show
      await pause(300);
      expect((await call('GET', `/v1/subscriptions/${young.id}`)).body.state).to.equal('active');
    });

    it("does not send one tenant's operational events to another tenant", async () => {
      await subscribe({ sink: `${receiver.url}/neighbour-ops`, types: ['gateway.>'] }, otherKey);
      const gone = await subscribe({ sink: `${receiver.url}/gone-again`, types: ['lc.gone-again'] });
      await gw.publisher.publish(event('lc.gone-again', 'gone-again-1'));
      await eventually(() => nonEmpty(operational('/ops', 'gateway.subscription.disabled', gone.id)), 10_000, 'the own tenant to hear of it');
      await pause(500);
      expect(at(receiver, '/neighbour-ops')).to.have.length(0);
    });
  });
});

describe('graceful drain end to end', function () {
  this.timeout(60_000);
  const N = 10;
  const REQUEST_MS = 800;
  let nats: TestNats;
  let receiver: Receiver;
  let arrived = 0;
  const gateways: Gateway[] = [];
  const dataDir = tempDir('drain');

  const start = async () => {
    const config = testConfig({
      natsUrl: nats.url,
      dataDir,
      doc: { api: { adminKey: ADMIN_KEY }, schemas: { policies: [{ types: ['lc.>'], unknownTypes: 'accept' }] } },
    });
    const gw = await Gateway.start(config, { logger: testLogger() });
    gateways.push(gw);
    return gw;
  };

  before(async () => {
    nats = await startNats();
    receiver = await startReceiver(() => {
      arrived++;
      return { status: 200, delayMs: REQUEST_MS };
    });
  });

  after(async () => {
    for (const gw of gateways) await gw.stop();
    await receiver?.close();
    await nats?.cleanup();
  });

  it('finishes in-flight requests at stop, and the next gateway delivers the rest exactly once', async () => {
    const first = await start();
    const { key } = await tenantKey(first.url, ADMIN_KEY, 'drain');
    const created = await api(first.url, 'POST', '/v1/subscriptions', key, { sink: `${receiver.url}/slow`, types: ['lc.drain'], rateLimit: { maxConcurrency: 2 } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    for (let i = 0; i < N; i++) await first.publisher.publish(event('lc.drain', `drain-${i}`));

    // two answered, two more on the wire
    await eventually(() => (arrived >= 4 ? true : undefined), 10_000, 'four requests to arrive');
    expect(arrived - receiver.received.length).to.be.greaterThan(0);
    await first.stop();
    expect(receiver.received.length).to.equal(arrived);
    const beforeRestart = receiver.received.length;
    expect(beforeRestart).to.be.lessThan(N);
    await pause(REQUEST_MS);
    expect(arrived, 'requests after stop').to.equal(beforeRestart);

    const second = await start();
    await eventually(() => (new Set(receiver.received.map((r) => header(r, 'ce-id'))).size === N ? true : undefined), 45_000, 'every event');
    await pause(500);
    // nothing arrived twice: what the first gateway finished, it had also recorded
    expect(receiver.received.map((r) => header(r, 'ce-id'))).to.have.length(N);
    const deliveries = await api(second.url, 'GET', `/v1/subscriptions/${created.body.id}/deliveries?limit=100`, key);
    expect(deliveries.body.items).to.have.length(N);
    for (const d of deliveries.body.items) expect(d, d.eventId).to.include({ state: 'succeeded', attempts: 1 });
  });
});

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length ? list : undefined;
}
