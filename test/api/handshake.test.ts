import { expect } from 'chai';
import { startReceiver, type Receiver, type Responder } from '../helpers/receiver.js';
import { startApi, subscriptionBody, type TestApi } from './support.js';

describe('api webhook validation handshake', () => {
  let api: TestApi;
  let key: string;
  let receiver: Receiver;

  before(async () => {
    api = await startApi({ api: { webhookHandshake: true } });
    key = await api.tenant('acme');
    receiver = await startReceiver((req): ReturnType<Responder> => {
      const origin = req.headers['webhook-request-origin'];
      if (req.url === '/consents') return { status: 200, headers: { 'WebHook-Allowed-Origin': String(origin), Allow: 'POST' } };
      if (req.url === '/anyone') return { status: 200, headers: { 'WebHook-Allowed-Origin': '*' } };
      if (req.url === '/someone-else') return { status: 200, headers: { 'WebHook-Allowed-Origin': 'other.example.com' } };
      return { status: 405 };
    });
  });
  after(async () => {
    await api.close();
    await receiver.close();
  });

  it('asks the sink with OPTIONS and WebHook-Request-Origin, and creates when it consents', async () => {
    for (const path of ['/consents', '/anyone']) {
      const before = receiver.received.length;
      const res = await api.call('POST', '/v1/subscriptions', { key, body: subscriptionBody(receiver.url + path) });
      expect(res.status, path).to.equal(201);
      const asked = receiver.received[before]!;
      expect(asked.method).to.equal('OPTIONS');
      expect(asked.headers['webhook-request-origin']).to.equal('127.0.0.1');
    }
  });

  it('refuses a sink that does not consent, saying why, and stores nothing', async () => {
    const before = (await api.call('GET', '/v1/subscriptions', { key })).body.items.length;
    for (const path of ['/someone-else', '/no-options']) {
      const res = await api.call('POST', '/v1/subscriptions', { key, body: subscriptionBody(receiver.url + path) });
      expect(res.status, path).to.equal(400);
      expect(res.body.detail).to.include('webhook validation handshake');
      expect(res.body.detail).to.include('WebHook-Allowed-Origin');
      expect(res.body.errors[0].pointer).to.equal('/sink');
    }
    expect((await api.call('GET', '/v1/subscriptions', { key })).body.items).to.have.length(before);
  });

  it('refuses an unreachable sink, and skips the handshake when the request says so', async () => {
    const dead = subscriptionBody('http://127.0.0.1:9/hook');
    const res = await api.call('POST', '/v1/subscriptions', { key, body: dead });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.include('OPTIONS http://127.0.0.1:9/hook failed');
    expect((await api.call('POST', '/v1/subscriptions?handshake=false', { key, body: dead })).status).to.equal(201);
  });

  it('does not let the handshake reach addresses the SSRF guard refuses', async () => {
    const guarded = await startApi({ delivery: { ssrf: { allow: [] } } });
    try {
      const k = await guarded.tenant('acme');
      const before = receiver.received.length;
      const res = await guarded.call('POST', '/v1/subscriptions?handshake=true', { key: k, body: subscriptionBody(`${receiver.url.replace('127.0.0.1', 'localhost')}/consents`) });
      expect(res.status).to.equal(400);
      expect(res.body.detail).to.include('refused to connect');
      expect(receiver.received.length).to.equal(before);
    } finally {
      await guarded.close();
    }
  });
});
