// End to end through real servers: NATS JetStream in, validated and signed HTTP out, every rejection in
// the dead-letter stream with its reason.
import { expect } from 'chai';
import { HTTP } from 'cloudevents';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { Gateway } from '../../src/gateway.js';
import { deadLetters, eventually, fixture, testConfig, testLogger } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const SECRET = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const enc = new TextEncoder();
/** fresh headers per publish: the client writes Nats-Msg-Id into the object it is given */
const structured = () => {
  const h = natsHeaders();
  h.set('content-type', 'application/cloudevents+json');
  return h;
};

describe('gateway core end to end', function () {
  this.timeout(60_000);
  let nats: TestNats;
  let receiver: Receiver;
  let gw: Gateway;
  let nc: NatsConnection;
  let js: JetStreamClient;

  before(async () => {
    nats = await startNats();
    receiver = await startReceiver();
    const config = testConfig({
      natsUrl: nats.url,
      doc: {
        routes: [
          {
            name: 'identity',
            match: { types: ['user.>', 'security.>', 'test.>'] },
            destinations: [{ url: `${receiver.url}/hook`, secret: SECRET, contentMode: 'binary' }],
          },
          {
            name: 'contracts',
            match: { types: ['contract.>'] },
            destinations: [{ url: `${receiver.url}/contracts`, contentMode: 'structured' }],
          },
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
    await nats?.cleanup();
  });

  const received = (id: string) => receiver.received.find((r) => r.headers['ce-id'] === id || r.body.toString().includes(`"id":"${id}"`));

  async function deadLetterFor(match: (h: Map<string, string>, body: string) => boolean) {
    return eventually(async () => {
      for (const dl of await deadLetters(nc)) if (match(dl.headers, new TextDecoder().decode(dl.data))) return dl.headers;
      return undefined;
    }, 15_000, 'a dead letter');
  }

  it('delivers a structured NATS event, signed, in binary mode an SDK can parse', async () => {
    const event = fixture('user.created.v1.pass.json');
    event.id = 'structured-1';
    await js.publish('ce.user.created', enc.encode(JSON.stringify(event)), { headers: structured() });
    const r = await eventually(() => received('structured-1'), 15_000, 'delivery');
    expect(r.url).to.equal('/hook');
    const parsed = HTTP.toEvent({ headers: r.headers as Record<string, string>, body: r.body.toString() }) as any;
    expect(parsed.id).to.equal('structured-1');
    expect(parsed.type).to.equal('user.created');
    expect(parsed.data).to.deep.equal(event.data);
    const wh = new Webhook(SECRET);
    expect(() =>
      wh.verify(r.body.toString(), {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      }),
    ).not.to.throw();
  });

  it('delivers a binary-mode NATS event with percent-encoded headers', async () => {
    const event = fixture('user.created.v1.pass.json');
    const h = natsHeaders();
    h.set('ce-specversion', '1.0');
    h.set('ce-id', 'binary-1');
    h.set('ce-source', event.source);
    h.set('ce-type', 'user.created');
    h.set('ce-subject', 'caf%C3%A9 user');
    h.set('ce-dataschema', event.dataschema);
    // the NATS binding maps datacontenttype like any attribute (unlike HTTP's Content-Type)
    h.set('ce-datacontenttype', 'application/json');
    await js.publish('ce.user.created', enc.encode(JSON.stringify(event.data)), { headers: h });
    const r = await eventually(() => received('binary-1'), 15_000, 'delivery');
    const parsed = HTTP.toEvent({ headers: r.headers as Record<string, string>, body: r.body.toString() }) as any;
    expect(decodeURIComponent(parsed.subject)).to.equal('café user');
    expect(parsed.data).to.deep.equal(event.data);
  });

  it('delivers structured mode to a structured destination', async () => {
    const event = fixture('contract.signed.v1.pass.json');
    event.id = 'contract-1';
    await js.publish('ce.contract.signed', enc.encode(JSON.stringify(event)), {
      headers: structured(),
    });
    const r = await eventually(() => received('contract-1'), 15_000, 'delivery');
    expect(r.url).to.equal('/contracts');
    expect(String(r.headers['content-type'])).to.match(/^application\/cloudevents\+json/);
    expect(JSON.parse(r.body.toString()).id).to.equal('contract-1');
    expect(r.headers['webhook-signature']).to.equal(undefined);
  });

  const rejections: Array<{ name: string; mutate: (e: Record<string, any>) => unknown; code: string; pointer?: string }> = [
    { name: 'missing id', mutate: (e) => { delete e.id; }, code: 'CEG_ERR_EVENT_INVALID', pointer: '/id' },
    { name: 'wrong specversion', mutate: (e) => { e.specversion = '0.3'; }, code: 'CEG_ERR_EVENT_INVALID', pointer: '/specversion' },
    { name: 'bad time', mutate: (e) => { e.time = 'yesterday'; }, code: 'CEG_ERR_EVENT_INVALID', pointer: '/time' },
    { name: 'bad extension name', mutate: (e) => { e['Bad-Name'] = 'x'; }, code: 'CEG_ERR_EVENT_INVALID' },
    { name: 'data and data_base64', mutate: (e) => { e.data_base64 = 'AAAA'; }, code: 'CEG_ERR_EVENT_INVALID' },
    { name: 'schema violation', mutate: (e) => { e.data.email = 'not-an-email'; }, code: 'CEG_ERR_SCHEMA_INVALID', pointer: '/data/email' },
    { name: 'type without schema', mutate: (e) => { e.type = 'unknown.thing'; delete e.dataschema; }, code: 'CEG_ERR_SCHEMA_NOT_FOUND' },
    { name: 'too large', mutate: (e) => { e.data.name = 'x'.repeat(300_000); }, code: 'CEG_ERR_EVENT_TOO_LARGE' },
  ];
  for (const c of rejections) {
    it(`dead-letters an event with ${c.name} (${c.code})`, async () => {
      const event = fixture('user.created.v1.pass.json');
      event.id = `bad-${c.name.replace(/\s/g, '-')}`;
      c.mutate(event);
      const h = natsHeaders();
      h.set('content-type', 'application/cloudevents+json');
      h.set('x-trace', c.name);
      await js.publish('ce.user.created', enc.encode(JSON.stringify(event)), { headers: h });
      const dl = await deadLetterFor((hd) => hd.get('x-trace') === c.name);
      expect(dl.get('ceg-error-code')).to.equal(c.code);
      expect(dl.get('ceg-stage')).to.equal('ingest');
      expect(dl.get('ceg-error-message')).to.be.a('string').and.not.equal('');
      if (c.pointer) expect(dl.get('ceg-error-pointer')).to.equal(c.pointer);
    });
  }

  it('dead-letters a body that is not JSON', async () => {
    const h = natsHeaders();
    h.set('content-type', 'application/cloudevents+json');
    h.set('x-trace', 'not-json');
    await js.publish('ce.user.created', enc.encode('{"specversion": "1.0", '), { headers: h });
    const dl = await deadLetterFor((hd) => hd.get('x-trace') === 'not-json');
    expect(dl.get('ceg-error-code')).to.equal('CEG_ERR_EVENT_MALFORMED');
  });

  it('accepts a type without schema when a policy allows it', async () => {
    await js.publish('ce.test.ping', enc.encode(JSON.stringify({ specversion: '1.0', id: 'policy-1', source: 'urn:t', type: 'test.ping', data: { any: 1 } })), {
      headers: structured(),
    });
    await eventually(() => received('policy-1'), 15_000, 'delivery');
  });

  it('suppresses a duplicate (source, id) even outside the JetStream dedupe window', async () => {
    const event = fixture('user.created.v1.pass.json');
    event.id = 'dup-1';
    // distinct Nats-Msg-Ids defeat JetStream's window: the store's (source, id, target) uniqueness must hold
    await js.publish('ce.user.created', enc.encode(JSON.stringify(event)), { headers: structured(), msgID: 'a' });
    await eventually(() => received('dup-1'), 15_000, 'first delivery');
    await js.publish('ce.user.created', enc.encode(JSON.stringify(event)), { headers: structured(), msgID: 'b' });
    const marker = fixture('user.created.v1.pass.json');
    marker.id = 'dup-marker';
    await js.publish('ce.user.created', enc.encode(JSON.stringify(marker)), { headers: structured() });
    await eventually(() => received('dup-marker'), 15_000, 'marker delivery');
    expect(receiver.received.filter((r) => r.headers['ce-id'] === 'dup-1')).to.have.length(1);
  });

  describe('HTTP ingress', () => {
    it('accepts binary mode with percent-decoded headers (202) and delivers it', async () => {
      const event = fixture('user.created.v1.pass.json');
      const res = await request(`${gw.url}/v1/events`, {
        method: 'POST',
        headers: {
          'ce-specversion': '1.0',
          'ce-id': 'http-bin-1',
          'ce-source': event.source,
          'ce-type': 'user.created',
          'ce-subject': '%E2%82%AC100',
          'ce-dataschema': event.dataschema,
          'content-type': 'application/json',
        },
        body: JSON.stringify(event.data),
      });
      expect(res.statusCode).to.equal(202);
      await res.body.json();
      const r = await eventually(() => received('http-bin-1'), 15_000, 'delivery');
      // on the wire the value is percent-encoded again, as the binding requires
      expect(r.headers['ce-subject']).to.equal('%E2%82%AC100');
      expect(decodeURIComponent(String(r.headers['ce-subject']))).to.equal('€100');
    });

    it('accepts a batch and delivers each event', async () => {
      const a = fixture('user.created.v1.pass.json');
      const b = fixture('user.created.v1.pass.json');
      a.id = 'batch-a';
      b.id = 'batch-b';
      const res = await request(`${gw.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify([a, b]),
      });
      expect(res.statusCode).to.equal(202);
      expect((await res.body.json()) as any).to.have.property('accepted', 2);
      await eventually(() => received('batch-a') && received('batch-b'), 15_000, 'batch delivery');
    });

    it('answers 400 problem+json naming every violation and the batch entry', async () => {
      const good = fixture('user.created.v1.pass.json');
      const bad = fixture('user.created.v1.pass.json');
      bad.id = 'batch-bad';
      bad.data.email = 'nope';
      const res = await request(`${gw.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify([good, bad]),
      });
      expect(res.statusCode).to.equal(400);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      const problem = (await res.body.json()) as any;
      expect(problem.code).to.equal('CEG_ERR_SCHEMA_INVALID');
      expect(problem.errors.map((e: any) => e.pointer)).to.include('/1/data/email');
    });

    it('answers 400 for a structured event breaking the spec, listing each attribute', async () => {
      const res = await request(`${gw.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({ specversion: '1.0', type: 'user.created', time: 'later' }),
      });
      expect(res.statusCode).to.equal(400);
      const problem = (await res.body.json()) as any;
      expect(problem.code).to.equal('CEG_ERR_EVENT_INVALID');
      const pointers = problem.errors.map((e: any) => e.pointer);
      expect(pointers).to.include.members(['/id', '/source', '/time']);
    });

    it('answers 413 for a body over the request limit and 415 for an unsupported format', async () => {
      const big = await request(`${gw.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: 'x'.repeat(2 * 1024 * 1024),
      });
      expect(big.statusCode).to.equal(413);
      expect(((await big.body.json()) as any).status).to.equal(413);
      const xml = await request(`${gw.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+xml' },
        body: '<event/>',
      });
      expect(xml.statusCode).to.equal(415);
      await xml.body.dump();
    });
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    const health = await request(`${gw.url}/healthz`);
    expect(health.statusCode).to.equal(200);
    await health.body.dump();
    const ready = await request(`${gw.url}/readyz`);
    expect(ready.statusCode).to.equal(200);
    expect(((await ready.body.json()) as any).checks).to.deep.equal({ nats: 'ok', store: 'ok' });
    const metrics = await request(`${gw.url}/metrics`);
    const text = await metrics.body.text();
    expect(text).to.match(/ceg_events_ingested_total\{transport="nats",outcome="accepted"\} [1-9]/);
    expect(text).to.match(/ceg_events_rejected_total\{code="CEG_ERR_SCHEMA_INVALID"\} [1-9]/);
  });
});
