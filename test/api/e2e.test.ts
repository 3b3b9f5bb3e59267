// Through a real gateway (NATS, embedded store, delivery worker): a tenant made with the admin key creates
// a subscription over /v1 and receives the matching events, signed with its secret, and not the others;
// `ceg subscriptions` drives the same API as a child process.
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { Gateway } from '../../src/gateway.js';
import { eventually, fixture, testConfig, testLogger } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { execCeg } from '../helpers/process.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';

describe('api end to end through the gateway', function () {
  this.timeout(60_000);
  let nats: TestNats;
  let receiver: Receiver;
  let gw: Gateway;
  let key: string;

  const call = async (method: string, path: string, body?: unknown, auth = key) => {
    const res = await fetch(gw.url + path, {
      method,
      headers: { authorization: `Bearer ${auth}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };

  before(async () => {
    nats = await startNats();
    receiver = await startReceiver();
    gw = await Gateway.start(testConfig({ natsUrl: nats.url, doc: { api: { adminKey: ADMIN_KEY } } }), { logger: testLogger() });
    expect((await call('POST', '/v1/tenants', { id: 'acme', name: 'Acme' }, ADMIN_KEY)).status).to.equal(201);
    key = (await call('POST', '/v1/tenants/acme/keys', { name: 'e2e' }, ADMIN_KEY)).body.key;
  });
  after(async () => {
    await gw?.stop();
    await receiver?.close();
    await nats?.cleanup();
  });

  it('delivers matching events to a created subscription, signed with its secret, and not the others', async () => {
    const created = await call('POST', '/v1/subscriptions', {
      sink: `${receiver.url}/acme`,
      types: ['user.created'],
      filters: [{ sql: "subject LIKE 'eu/%'" }],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const { secret } = created.body;

    const publish = async (id: string, type: string, subject: string) => {
      const event = fixture(`${type}.v1.pass.json`);
      Object.assign(event, { id, subject });
      const res = await fetch(`${gw.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) });
      expect(res.status).to.equal(202);
    };
    // routing follows the change within a second; publish until the first match arrives
    await eventually(async () => {
      await publish(`warmup-${Date.now()}`, 'user.created', 'eu/warmup');
      await new Promise((r) => setTimeout(r, 200));
      return receiver.received.length > 0 ? true : undefined;
    }, 10_000, 'the subscription to route');
    const before = receiver.received.length;
    await publish('match-1', 'user.created', 'eu/de');
    await publish('other-subject', 'user.created', 'us/ny');
    await publish('other-type', 'user.deleted', 'eu/de');
    await publish('match-2', 'user.created', 'eu/fr');
    const got = await receiver.waitFor(before + 2);
    await new Promise((r) => setTimeout(r, 500));
    const ids = receiver.received.slice(before).map((r) => String(r.headers['ce-id'])).filter((id) => !id.startsWith('warmup'));
    expect(ids).to.have.members(['match-1', 'match-2']);
    const hit = got.find((r) => r.headers['ce-id'] === 'match-1')!;
    const wh = new Webhook(secret);
    expect(() => wh.verify(hit.body.toString(), hit.headers as Record<string, string>)).not.to.throw();

    const deliveries = await call('GET', `/v1/subscriptions/${created.body.id}/deliveries`);
    expect(deliveries.body.items.map((d: { eventId: string }) => d.eventId)).to.include.members(['match-1', 'match-2']);
  });

  it('drives the API with ceg subscriptions', async () => {
    const env = { CEG_API_KEY: key };
    const ceg = (...args: string[]) => execCeg(['subscriptions', '--url', gw.url, ...args], env);
    const created = await ceg('create', '--sink', `${receiver.url}/cli`, '-t', 'order.>', '-t', 'user.created', '--sql', "subject = 'x'");
    expect(created.code, created.stderr).to.equal(0);
    const sub = JSON.parse(created.stdout);
    expect(sub.secret).to.match(/^whsec_/);
    expect(sub.types).to.deep.equal(['order.>', 'user.created']);

    const updated = await ceg('update', sub.id, '--data', '{"description":"from the CLI"}');
    expect(JSON.parse(updated.stdout)).to.include({ description: 'from the CLI', revision: 2 });
    expect(JSON.parse((await ceg('pause', sub.id)).stdout).state).to.equal('paused');
    expect(JSON.parse((await ceg('resume', sub.id)).stdout).state).to.equal('active');
    const rotated = JSON.parse((await ceg('rotate-secret', sub.id)).stdout);
    expect(rotated.secrets).to.have.length(2);
    const tested = await ceg('test', sub.id);
    expect(tested.code, tested.stderr).to.equal(0);
    expect(JSON.parse(tested.stdout).eventType).to.equal('user.created');
    const listed = JSON.parse((await ceg('list', '--type', 'order.>')).stdout);
    expect(listed.items.map((s: { id: string }) => s.id)).to.deep.equal([sub.id]);
    const got = JSON.parse((await ceg('get', sub.id)).stdout);
    expect(got).not.to.have.property('secret');
    expect((await ceg('delete', sub.id)).stdout).to.include(`deleted ${sub.id}`);

    // exit 2: the input must change (1 is for what may work on a retry)
    const missing = await ceg('get', sub.id);
    expect(missing.code).to.equal(2);
    expect(missing.stderr.trim().split('\n')).to.have.length(1);
    expect(missing.stderr).to.include('404').and.include(`no subscription ${sub.id}`);
    const bad = await ceg('create', '--sink', 'ftp://x/y');
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('400').and.include('/sink');
    const noKey = await execCeg(['subscriptions', '--url', gw.url, 'list'], { CEG_API_KEY: '' });
    expect(noKey.stderr).to.include('no API key');
  });
});
