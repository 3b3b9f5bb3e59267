// Sending again through a real gateway (NATS, embedded store, local receivers, the /v1 API over HTTP):
// replay of the ingest stream to a subscription made after the events, manual redelivery of a failed
// delivery, and the test send.
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { Gateway } from '../../src/gateway.js';
import { api, tenantKey } from '../helpers/api.js';
import { eventually, testConfig, testLogger } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { startReceiver, type Received, type Receiver } from '../helpers/receiver.js';

const ADMIN_KEY = 'replay-admin-key-0123456789abcdef';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const header = (r: Received, name: string) => String(r.headers[name]);

describe('replay, redelivery and test sends end to end', function () {
  this.timeout(60_000);
  let nats: TestNats;
  let gw: Gateway;
  let key: string;
  let otherKey: string;

  const call = (method: string, path: string, body?: unknown, as = key) => api(gw.url, method, path, as, body);

  async function subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
    const created = await call('POST', '/v1/subscriptions', body);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    return created.body;
  }

  /** Stores the event in the ingest stream the way HTTP and NATS ingress do; its stream sequence. */
  async function publish(type: string, id: string, subject: string): Promise<number> {
    const event: CloudEvent = { specversion: '1.0', id, source: 'urn:test:replay', type, subject, data: { id } };
    return (await gw.publisher.publish(event)).seq;
  }

  before(async () => {
    nats = await startNats();
    gw = await Gateway.start(
      testConfig({
        natsUrl: nats.url,
        doc: {
          api: { adminKey: ADMIN_KEY },
          schemas: { policies: [{ types: ['rp.>'], unknownTypes: 'accept' }] },
          delivery: { ssrf: { allow: ['127.0.0.1/32'] }, retry: { schedule: [0, '100ms'], jitter: 0 } },
        },
      }),
      { logger: testLogger() },
    );
    key = (await tenantKey(gw.url, ADMIN_KEY, 'replayer')).key;
    otherKey = (await tenantKey(gw.url, ADMIN_KEY, 'bystander')).key;
  });

  after(async () => {
    await gw?.stop();
    await nats?.cleanup();
  });

  describe('replay', () => {
    let receiver: Receiver;
    let subId: string;
    const seqOf = new Map<string, number>();
    let windowFrom: Date;
    let windowTo: Date;

    // three batches, each with events the subscription takes (rp.order, subject eu/…) and events it does
    // not (another type, another subject); only the middle batch lies in the time window
    const batch = (name: string) => [
      ['rp.order', `${name}-keep-1`, 'eu/de'],
      ['rp.order', `${name}-other-subject`, 'us/ny'],
      ['rp.invoice', `${name}-other-type`, 'eu/de'],
      ['rp.order', `${name}-keep-2`, 'eu/fr'],
    ] as const;
    const kept = (name: string) => [`${name}-keep-1`, `${name}-keep-2`];

    before(async () => {
      receiver = await startReceiver();
      for (const name of ['early', 'window', 'late']) {
        if (name === 'window') windowFrom = new Date();
        for (const [type, id, subject] of batch(name)) seqOf.set(id, await publish(type, id, subject));
        // Date has millisecond precision, stream timestamps nanoseconds: the exclusive end goes 1 ms past the last one
        if (name === 'window') windowTo = new Date(Date.now() + 1);
        // stream timestamps of neighbouring batches stay clear of the window's edges
        await pause(300);
      }
      // created after every event above: nothing reaches it until a replay
      subId = (await subscribe({ sink: `${receiver.url}/replay`, types: ['rp.order'], filters: [{ prefix: { subject: 'eu/' } }] })).id;
      await pause(300);
      expect(receiver.received).to.have.length(0);
    });

    after(() => receiver?.close());

    async function replayToEnd(body: Record<string, unknown>) {
      const started = await call('POST', `/v1/subscriptions/${subId}/replay`, body);
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      const job = await eventually(async () => {
        const got = await call('GET', `/v1/subscriptions/${subId}/replay/${started.body.id}`);
        expect(got.status).to.equal(200);
        return got.body.state === 'running' ? undefined : got.body;
      }, 20_000, 'the replay job to finish');
      expect(job.state, job.error).to.equal('done');
      return job;
    }

    /** The CE ids that arrive from `from` on, once `n` have arrived and nothing more follows. */
    async function arrivals(from: number, n: number): Promise<string[]> {
      await receiver.waitFor(from + n);
      await pause(500);
      return receiver.received.slice(from).map((r) => header(r, 'ce-id'));
    }

    it('delivers exactly the matching events of a time window, as replay attempts', async () => {
      const job = await replayToEnd({ from: windowFrom.toISOString(), to: windowTo.toISOString() });
      const ids = await arrivals(0, 2);
      expect(ids).to.have.members(kept('window'));
      expect(ids).to.have.length(2);
      // the window holds its four events, all read; the two that match were enqueued
      expect(job).to.include({ scanned: 4, total: 4, enqueued: 2 });

      for (const r of receiver.received) {
        const delivery = await call('GET', `/v1/deliveries/${header(r, 'webhook-id')}`);
        expect(delivery.status).to.equal(200);
        expect(delivery.body).to.include({ eventId: header(r, 'ce-id'), subscriptionId: subId, eventSeq: seqOf.get(header(r, 'ce-id')) });
        expect(delivery.body.attempts.map((a: { trigger: string }) => a.trigger)).to.deep.equal(['replay']);
        await eventually(async () => ((await call('GET', `/v1/deliveries/${header(r, 'webhook-id')}`)).body.state === 'succeeded' ? true : undefined));
      }
    });

    it('delivers the matching events from a stream sequence to the end of the stream', async () => {
      const before = receiver.received.length;
      const startSeq = seqOf.get('window-keep-1')!;
      const job = await replayToEnd({ startSeq });
      const ids = await arrivals(before, 4);
      expect(ids).to.have.members([...kept('window'), ...kept('late')]);
      expect(ids).to.have.length(4);
      const lastSeq = Math.max(...seqOf.values());
      expect(job).to.include({ scanned: lastSeq - startSeq + 1, total: lastSeq - startSeq + 1, enqueued: 4 });
      // a replayed event already delivered once is the same delivery, sent again
      const again = receiver.received.slice(before).find((r) => header(r, 'ce-id') === 'window-keep-1')!;
      const first = receiver.received.slice(0, before).find((r) => header(r, 'ce-id') === 'window-keep-1')!;
      expect(header(again, 'webhook-id')).to.equal(header(first, 'webhook-id'));
    });

    it('hides a replay job from another tenant', async () => {
      const started = await call('POST', `/v1/subscriptions/${subId}/replay`, { startSeq: seqOf.get('late-keep-2')! });
      expect(started.status).to.equal(202);
      const jobPath = `/v1/subscriptions/${subId}/replay/${started.body.id}`;
      expect((await call('GET', jobPath)).status).to.equal(200);
      expect((await call('GET', jobPath, undefined, otherKey)).status).to.equal(404);
      expect((await call('POST', `/v1/subscriptions/${subId}/replay`, { startSeq: 1 }, otherKey)).status).to.equal(404);
      // under a subscription of its own, the other tenant still cannot read the job
      const own = await call('POST', '/v1/subscriptions', { sink: `${receiver.url}/other`, types: ['rp.none'] }, otherKey);
      expect((await call('GET', `/v1/subscriptions/${own.body.id}/replay/${started.body.id}`, undefined, otherKey)).status).to.equal(404);
    });
  });

  describe('redelivery', () => {
    let receiver: Receiver;
    let healthy = false;

    before(async () => {
      receiver = await startReceiver(() => (healthy ? { status: 200 } : { status: 500, body: 'down for maintenance' }));
    });
    after(() => receiver?.close());

    it('sends a failed delivery again on request, with the same webhook-id, as a manual attempt', async () => {
      await subscribe({ sink: `${receiver.url}/flaky`, types: ['rp.payment'] });
      await publish('rp.payment', 'pay-1', 'eu/de');
      const [first] = await receiver.waitFor(1);
      const deliveryId = header(first!, 'webhook-id');
      const failed = await eventually(async () => {
        const d = await call('GET', `/v1/deliveries/${deliveryId}`);
        return d.body.state === 'failed' ? d.body : undefined;
      }, 10_000, 'the delivery to fail');
      expect(failed.attempts.map((a: { trigger: string; response: { status: number } }) => [a.trigger, a.response.status])).to.deep.equal([
        ['auto', 500],
        ['auto', 500],
      ]);
      expect(receiver.received).to.have.length(2);

      healthy = true;
      const redelivered = await call('POST', `/v1/deliveries/${deliveryId}/redeliver`);
      expect(redelivered.status).to.equal(202);
      const [, , third] = await receiver.waitFor(3);
      expect(header(third!, 'webhook-id')).to.equal(deliveryId);
      expect(header(third!, 'ce-id')).to.equal('pay-1');

      const done = await eventually(async () => {
        const d = await call('GET', `/v1/deliveries/${deliveryId}`);
        return d.body.state === 'succeeded' && d.body.attempts.length === 3 ? d.body : undefined;
      }, 10_000, 'the manual attempt to be recorded');
      expect(done.attempts[2]).to.deep.include({ trigger: 'manual', attempt: 3 });
      expect(done.attempts[2].response.status).to.equal(200);
      // another tenant can neither redeliver nor see it
      expect((await call('POST', `/v1/deliveries/${deliveryId}/redeliver`, undefined, otherKey)).status).to.equal(404);
      expect(receiver.received).to.have.length(3);
    });
  });

  describe('test send', () => {
    let receiver: Receiver;
    before(async () => {
      receiver = await startReceiver();
    });
    after(() => receiver?.close());

    it('sends a signed test event to the sink and answers the attempt', async () => {
      const { id, secret } = await subscribe({ sink: `${receiver.url}/test`, types: ['rp.shipment'] });
      const tested = await call('POST', `/v1/subscriptions/${id}/test`);
      expect(tested.status, JSON.stringify(tested.body)).to.equal(200);
      expect(receiver.received).to.have.length(1);
      const hit = receiver.received[0]!;
      expect(() => new Webhook(secret).verify(hit.body.toString(), hit.headers as Record<string, string>)).not.to.throw();
      expect(header(hit, 'ce-type')).to.equal('rp.shipment');
      expect(tested.body).to.deep.include({ subscriptionId: id, eventType: 'rp.shipment', trigger: 'manual', deliveryId: header(hit, 'webhook-id') });
      expect(tested.body.response.status).to.equal(204);
      expect(tested.body.request.url).to.equal(`${receiver.url}/test`);
      expect(tested.body.request.headers['webhook-id']).to.equal(header(hit, 'webhook-id'));
    });
  });
});
