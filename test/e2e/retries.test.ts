// Retries and final failures through a real gateway: real NATS, real webhook receivers, a short retry
// schedule so a whole delivery history fits in a test.
import http from 'node:http';
import { once } from 'node:events';
import { expect } from 'chai';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Gateway } from '../../src/gateway.js';
import type { DeliveryTask } from '../../src/delivery/task.js';
import { deadLetters, eventually, testConfig, testLogger } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { byPath, startReceiver, type Receiver, type Received } from '../helpers/receiver.js';

const SECRET = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const enc = new TextEncoder();
const dec = new TextDecoder();
// three attempts: at once, then after 100 ms, then after 200 ms
const SCHEDULE = [0, '100ms', '200ms'];

describe('delivery retries end to end', function () {
  this.timeout(60_000);
  let nats: TestNats;
  let receiver: Receiver;
  let forbidden: http.Server;
  let forbiddenHits = 0;
  let gw: Gateway;
  let nc: NatsConnection;
  let js: JetStreamClient;

  before(async () => {
    nats = await startNats();
    receiver = await startReceiver(
      byPath({
        '/flap': (n) => ({ status: n === 0 ? 503 : 200 }),
        '/slow-down': (n) => (n === 0 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 204 }),
        '/down': () => ({ status: 500, body: 'still broken' }),
        '/gone': () => ({ status: 410 }),
      }),
    );
    // 127.0.0.2 is loopback too, but outside the test allowlist (127.0.0.1/32): the guard must keep us out
    forbidden = http.createServer((req, res) => {
      forbiddenHits++;
      req.resume();
      res.writeHead(204).end();
    });
    forbidden.listen(0, '127.0.0.2');
    await once(forbidden, 'listening');
    const forbiddenPort = (forbidden.address() as { port: number }).port;

    const route = (name: string, url: string, extra: Record<string, unknown> = {}) => ({
      name,
      match: { types: [`test.${name}`] },
      destinations: [{ url, ...extra }],
      retry: { schedule: SCHEDULE, jitter: 0 },
    });
    const config = testConfig({
      natsUrl: nats.url,
      doc: {
        routes: [
          route('flap', `${receiver.url}/flap`, { secret: SECRET }),
          route('slowdown', `${receiver.url}/slow-down`),
          route('down', `${receiver.url}/down`),
          route('gone', `${receiver.url}/gone`),
          route('ssrf', `http://127.0.0.2:${forbiddenPort}/hook`),
        ],
        schemas: { policies: [{ types: ['test.>'], unknownTypes: 'accept' }] },
      },
    });
    gw = await Gateway.start(config, { logger: testLogger() });
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
  });

  after(async () => {
    await nc?.drain();
    await gw?.stop();
    await receiver?.close();
    forbidden?.closeAllConnections();
    await new Promise((r) => forbidden?.close(r));
    await nats?.cleanup();
  });

  async function publish(type: string, id: string): Promise<void> {
    const h = natsHeaders();
    h.set('content-type', 'application/cloudevents+json');
    await js.publish(`ce.${type}`, enc.encode(JSON.stringify({ specversion: '1.0', id, source: 'urn:test:retries', type, data: { id } })), {
      headers: h,
    });
  }

  const arrivals = (path: string, id: string): Received[] =>
    receiver.received.filter((r) => r.url === path && r.headers['ce-id'] === id);

  /** The dead letter of the delivery of event `id`, with its headers and the task it carries. */
  async function deadLetter(type: string, id: string) {
    return eventually(
      async () => {
        for (const { subject, headers, data } of await deadLetters(nc)) {
          const task = JSON.parse(dec.decode(data)) as DeliveryTask;
          if (task.event?.id === id) return { subject, headers, task };
        }
        return undefined;
      },
      15_000,
      `the dead letter of ${type} ${id}`,
    );
  }

  it('retries a flapping endpoint (503 then 200) and delivers with the same webhook-id', async () => {
    await publish('test.flap', 'flap-1');
    const [first, second] = await eventually(() => (arrivals('/flap', 'flap-1').length >= 2 ? arrivals('/flap', 'flap-1') : undefined));
    expect(first!.headers['webhook-id']).to.be.a('string').and.not.equal('');
    expect(second!.headers['webhook-id']).to.equal(first!.headers['webhook-id']);
    expect(Buffer.compare(first!.body, second!.body)).to.equal(0);

    const deliveryId = String(first!.headers['webhook-id']);
    const delivery = await eventually(async () => {
      const d = await gw.store.deliveries.get(undefined, deliveryId);
      return d?.state === 'succeeded' ? d : undefined;
    });
    expect(delivery.attempts).to.equal(2);
    const attempts = await eventually(async () => {
      const list = await gw.store.attempts.listByDelivery(undefined, deliveryId);
      return list.length === 2 ? list : undefined;
    });
    expect(attempts.map((a) => a.response?.status)).to.deep.equal([503, 200]);
    expect(attempts[0]!.nextAttemptAt).to.be.instanceOf(Date);
    expect(attempts.map((a) => a.request.headers['webhook-id'])).to.deep.equal([deliveryId, deliveryId]);
  });

  it("honours a 503's Retry-After over the shorter schedule", async () => {
    await publish('test.slowdown', 'slow-1');
    const [first, second] = await eventually(() =>
      arrivals('/slow-down', 'slow-1').length >= 2 ? arrivals('/slow-down', 'slow-1') : undefined,
    );
    // the schedule alone would have retried after 100 ms
    expect(second!.at - first!.at).to.be.at.least(900);
  });

  it('dead-letters a delivery that exhausts its schedule, with its history in the store', async () => {
    await publish('test.down', 'down-1');
    const dl = await deadLetter('test.down', 'down-1');
    expect(arrivals('/down', 'down-1')).to.have.length(3);
    expect(dl.subject).to.equal('ceg.dlq.delivery.test.down');
    expect(dl.headers.get('ceg-error-code')).to.equal('CEG_ERR_DELIVERY_HTTP_STATUS');
    expect(dl.headers.get('ceg-attempts')).to.equal('3');
    expect(dl.headers.get('ceg-stage')).to.equal('delivery');
    expect(dl.task.event.type).to.equal('test.down');

    const delivery = await eventually(async () => {
      const d = await gw.store.deliveries.get(undefined, dl.task.deliveryId);
      return d?.state === 'failed' ? d : undefined;
    });
    expect(delivery.attempts).to.equal(3);
    expect(delivery.lastError).to.deep.include({ code: 'CEG_ERR_DELIVERY_HTTP_STATUS', status: 500 });
    const attempts = await eventually(async () => {
      const list = await gw.store.attempts.listByDelivery(undefined, dl.task.deliveryId);
      return list.length === 3 ? list : undefined;
    });
    expect(attempts.map((a) => a.attempt)).to.deep.equal([1, 2, 3]);
    expect(attempts.map((a) => a.response?.status)).to.deep.equal([500, 500, 500]);
    expect(attempts[0]!.response?.bodyExcerpt).to.equal('still broken');
    expect(attempts[2]!.nextAttemptAt).to.equal(undefined);
  });

  it('gives up at once on 410 Gone', async () => {
    await publish('test.gone', 'gone-1');
    const dl = await deadLetter('test.gone', 'gone-1');
    expect(dl.headers.get('ceg-error-code')).to.equal('CEG_ERR_DELIVERY_GONE');
    expect(dl.headers.get('ceg-attempts')).to.equal('1');
    expect(arrivals('/gone', 'gone-1')).to.have.length(1);
    const delivery = await gw.store.deliveries.get(undefined, dl.task.deliveryId);
    expect(delivery).to.deep.include({ state: 'failed', attempts: 1 });
  });

  it('dead-letters a loopback sink outside the allowlist without ever connecting to it', async () => {
    await publish('test.ssrf', 'ssrf-1');
    const dl = await deadLetter('test.ssrf', 'ssrf-1');
    expect(dl.headers.get('ceg-error-code')).to.equal('CEG_ERR_SSRF_BLOCKED');
    expect(dl.headers.get('ceg-attempts')).to.equal('1');
    expect(dl.headers.get('ceg-error-message')).to.include('127.0.0.2');
    expect(forbiddenHits).to.equal(0);
    const delivery = await gw.store.deliveries.get(undefined, dl.task.deliveryId);
    expect(delivery).to.deep.include({ state: 'failed', attempts: 1 });
    expect(delivery!.lastError?.code).to.equal('CEG_ERR_SSRF_BLOCKED');
  });
});
