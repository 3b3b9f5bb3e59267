import { expect } from 'chai';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startApi, subscriptionBody, type TestApi } from './support.js';

describe('api /v1/subscriptions', () => {
  let api: TestApi;
  let key: string;
  let receiver: Receiver;
  let sink: string;

  before(async () => {
    api = await startApi();
    key = await api.tenant('acme');
    receiver = await startReceiver();
    sink = `${receiver.url}/hook`;
  });
  after(async () => {
    await api.close();
    await receiver.close();
  });

  const create = async (extra: Record<string, unknown> = {}) => {
    const res = await api.call('POST', '/v1/subscriptions', { key, body: subscriptionBody(sink, extra) });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res;
  };

  it('creates a subscription with defaults, a Location, an ETag and its secret shown once', async () => {
    const res = await create({ filters: [{ sql: "subject LIKE 'eu/%'" }], metadata: { team: 'billing' } });
    const sub = res.body;
    expect(res.headers.get('location')).to.equal(`/v1/subscriptions/${sub.id}`);
    expect(res.headers.get('etag')).to.equal('"1"');
    expect(sub).to.include({ sink, protocol: 'HTTP', contentMode: 'binary', state: 'active', revision: 1 });
    expect(sub.signing).to.deep.equal({ scheme: 'standard-webhooks' });
    expect(sub.secret).to.match(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
    expect(Buffer.from(sub.secret.slice(6), 'base64').length).to.be.at.least(24);
    expect(sub.secrets).to.have.length(1);
    expect(sub.secrets[0]).to.have.keys('id', 'createdAt');
    expect(sub).not.to.have.property('tenantId');
    expect(api.hooks.changed).to.deep.include({ tenantId: 'acme', id: sub.id });

    const got = await api.call('GET', `/v1/subscriptions/${sub.id}`, { key });
    expect(got.status).to.equal(200);
    expect(got.body).not.to.have.property('secret');
    expect(JSON.stringify(got.body)).not.to.include(sub.secret);
    expect(got.body.filters).to.deep.equal([{ sql: "subject LIKE 'eu/%'" }]);
    // the store holds the secret the tenant was shown
    const stored = await api.ctx.store.subscriptions.get('acme', sub.id);
    expect(stored?.secrets[0]?.secret).to.equal(sub.secret);
  });

  it('defaults to every type when none is given', async () => {
    const res = await api.call('POST', '/v1/subscriptions', { key, body: { sink } });
    expect(res.status).to.equal(201);
    expect(res.body.types).to.deep.equal(['*']);
  });

  it('pages through the list with cursors and a Link header, filtered by type and state', async () => {
    const fresh = await startApi();
    try {
      const k = await fresh.tenant('paged');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fresh.call('POST', '/v1/subscriptions', { key: k, body: subscriptionBody(sink, { types: [i % 2 ? 'order.>' : 'user.created'] }) });
        ids.push(res.body.id);
      }
      const seen: string[] = [];
      let next: string | undefined = '/v1/subscriptions?limit=2';
      let pages = 0;
      while (next) {
        const res = await fresh.call('GET', next, { key: k });
        expect(res.status).to.equal(200);
        pages++;
        seen.push(...res.body.items.map((s: { id: string }) => s.id));
        const link = res.headers.get('link');
        if (res.body.nextCursor) {
          expect(link).to.equal(`</v1/subscriptions?limit=2&cursor=${res.body.nextCursor}>; rel="next"`);
          next = /^<([^>]+)>/.exec(link!)![1];
        } else {
          expect(link).to.equal(null);
          next = undefined;
        }
      }
      expect(pages).to.equal(3);
      expect(seen).to.deep.equal(ids);

      const byType = await fresh.call('GET', '/v1/subscriptions?type=order.%3E', { key: k });
      expect(byType.body.items.map((s: { id: string }) => s.id)).to.deep.equal([ids[1], ids[3]]);
      await fresh.call('POST', `/v1/subscriptions/${ids[0]}/pause`, { key: k });
      const paused = await fresh.call('GET', '/v1/subscriptions?state=paused', { key: k });
      expect(paused.body.items.map((s: { id: string }) => s.id)).to.deep.equal([ids[0]]);

      const bad = await fresh.call('GET', '/v1/subscriptions?limit=zero&state=sleeping', { key: k });
      expect(bad.status).to.equal(400);
      expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).to.have.members(['/limit', '/state']);
    } finally {
      await fresh.close();
    }
  });

  it('merge-patches: null removes, objects merge, arrays replace, the revision moves on', async () => {
    const { body: sub } = await create({
      description: 'old',
      protocolsettings: { headers: { 'x-a': '1', 'x-b': '2' } },
      types: ['user.created', 'user.deleted'],
    });
    const res = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, {
      key,
      body: { description: null, protocolsettings: { headers: { 'x-a': null, 'x-c': '3' } }, types: ['order.>'], contentMode: 'webhook' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).not.to.have.property('description');
    expect(res.body.protocolsettings).to.deep.equal({ headers: { 'x-b': '2', 'x-c': '3' } });
    expect(res.body.types).to.deep.equal(['order.>']);
    expect(res.body.contentMode).to.equal('webhook');
    expect(res.body.revision).to.equal(2);
    expect(res.headers.get('etag')).to.equal('"2"');
    expect(res.body.secrets).to.have.length(1);
    expect(res.body).not.to.have.property('secret');

    // removing a defaulted field brings the default back
    const reset = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, { key, body: { contentMode: null } });
    expect(reset.body.contentMode).to.equal('binary');
  });

  it('refuses a patch that leaves an invalid subscription, or removes the sink', async () => {
    const { body: sub } = await create();
    const bad = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, { key, body: { retry: { jitter: 0.5 } } });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors).to.deep.include({ pointer: '/retry/schedule', detail: 'is required' });
    const noSink = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, { key, body: { sink: null } });
    expect(noSink.status).to.equal(400);
    expect(noSink.body.errors.map((e: { pointer: string }) => e.pointer)).to.include('/sink');
    const filters = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, { key, body: { filters: [{ sql: 'subject =' }] } });
    expect(filters.status).to.equal(400);
    expect(filters.body.code).to.equal('CEG_ERR_FILTER_INVALID');
    expect(filters.body.errors[0].pointer).to.equal('/filters/0/sql');
    expect((await api.call('GET', `/v1/subscriptions/${sub.id}`, { key })).body.revision).to.equal(1);
  });

  it('honours If-Match: a stale revision is 412 and changes nothing', async () => {
    const { body: sub } = await create();
    const ok = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, { key, body: { description: 'a' }, headers: { 'if-match': '"1"' } });
    expect(ok.status).to.equal(200);
    const stale = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, { key, body: { description: 'b' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).to.equal(412);
    expect(stale.body.code).to.equal('CEG_ERR_API_PRECONDITION_FAILED');
    const got = await api.call('GET', `/v1/subscriptions/${sub.id}`, { key });
    expect(got.body.description).to.equal('a');
    const star = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, { key, body: { description: 'c' }, headers: { 'if-match': '*' } });
    expect(star.status).to.equal(200);
  });

  it('pauses, resumes (clearing a disabled reason) and deletes', async () => {
    const { body: sub } = await create();
    const paused = await api.call('POST', `/v1/subscriptions/${sub.id}/pause`, { key });
    expect(paused.status).to.equal(200);
    expect(paused.body.state).to.equal('paused');
    await api.ctx.store.subscriptions.update('acme', sub.id, { state: 'disabled', disabledReason: 'endpoint answered 410 Gone' });
    const resumed = await api.call('POST', `/v1/subscriptions/${sub.id}/resume`, { key });
    expect(resumed.body.state).to.equal('active');
    expect(resumed.body).not.to.have.property('disabledReason');

    const before = api.hooks.changed.length;
    expect((await api.call('DELETE', `/v1/subscriptions/${sub.id}`, { key })).status).to.equal(204);
    expect(api.hooks.changed.slice(before)).to.deep.equal([{ tenantId: 'acme', id: sub.id }]);
    expect((await api.call('GET', `/v1/subscriptions/${sub.id}`, { key })).status).to.equal(404);
    expect((await api.call('DELETE', `/v1/subscriptions/${sub.id}`, { key })).status).to.equal(404);
  });

  it('rotates the secret: the new one is shown once, the old one keeps signing for the grace period', async () => {
    const { body: sub } = await create();
    const t0 = Date.now();
    const res = await api.call('POST', `/v1/subscriptions/${sub.id}/secret/rotate`, { key });
    expect(res.status).to.equal(200);
    expect(res.body.secret).to.match(/^whsec_/).and.not.equal(sub.secret);
    expect(res.body.secrets.map((s: { id: string }) => s.id)).to.have.length(2);
    const [fresh, old] = res.body.secrets;
    expect(fresh).not.to.have.property('expiresAt');
    expect(old.id).to.equal(sub.secrets[0].id);
    const grace = api.ctx.config.api.secretGraceMs;
    expect(grace).to.equal(24 * 3600_000);
    expect(Date.parse(old.expiresAt) - t0).to.be.within(grace - 5_000, grace + 5_000);

    const stored = await api.ctx.store.subscriptions.get('acme', sub.id);
    expect(stored!.secrets.map((s) => s.secret)).to.deep.equal([res.body.secret, sub.secret]);
    const got = await api.call('GET', `/v1/subscriptions/${sub.id}`, { key });
    expect(JSON.stringify(got.body)).not.to.include(res.body.secret);
  });

  it('prunes expired secrets and keeps an earlier expiry on a second rotation', async () => {
    const { body: sub } = await create();
    const stored = (await api.ctx.store.subscriptions.get('acme', sub.id))!;
    const expired = { id: 'expired', secret: 'whsec_' + Buffer.alloc(32, 1).toString('base64'), createdAt: new Date(0), expiresAt: new Date(Date.now() - 1000) };
    await api.ctx.store.subscriptions.update('acme', sub.id, { secrets: [...stored.secrets, expired] });
    const first = await api.call('POST', `/v1/subscriptions/${sub.id}/secret/rotate`, { key });
    expect(first.body.secrets.map((s: { id: string }) => s.id)).to.deep.equal([first.body.secrets[0].id, sub.secrets[0].id]);
    const second = await api.call('POST', `/v1/subscriptions/${sub.id}/secret/rotate`, { key });
    expect(second.body.secrets).to.have.length(3);
    // the original secret's grace period is not extended by a later rotation
    expect(second.body.secrets[2].expiresAt).to.equal(first.body.secrets[1].expiresAt);
  });

  it('retires old secrets at once when the grace period is 0', async () => {
    const noGrace = await startApi({ api: { secretGrace: 0 } });
    try {
      const k = await noGrace.tenant('acme');
      const { body: sub } = await noGrace.call('POST', '/v1/subscriptions', { key: k, body: subscriptionBody(sink) });
      const res = await noGrace.call('POST', `/v1/subscriptions/${sub.id}/secret/rotate`, { key: k });
      expect(res.body.secrets).to.have.length(1);
      expect(res.body.secrets[0].id).not.to.equal(sub.secrets[0].id);
    } finally {
      await noGrace.close();
    }
  });

  it('sends a test event of the first concrete type with the catalog example data', async () => {
    const { body: sub } = await create({ types: ['order.>', 'user.created'] });
    const before = receiver.received.length;
    const res = await api.call('POST', `/v1/subscriptions/${sub.id}/test`, { key });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ subscriptionId: sub.id, eventType: 'user.created' });
    expect(res.body.response.status).to.equal(204);
    const [hit] = (await receiver.waitFor(before + 1)).slice(before);
    const event = JSON.parse(hit!.body.toString());
    const example = api.ctx.schemas.describe('user.created')!.versions.at(-1)!.example;
    expect(event).to.include({ type: 'user.created', id: res.body.eventId });
    expect(event.data).to.deep.equal(example.data);
    expect(() => api.ctx.schemas.validate(event)).not.to.throw();
  });

  it('sends gateway.test when the subscription names only wildcards', async () => {
    const { body: sub } = await create({ types: ['user.*'], source: 'urn:acme:crm' });
    const res = await api.call('POST', `/v1/subscriptions/${sub.id}/test`, { key });
    expect(res.body.eventType).to.equal('gateway.test');
    const { event } = api.hooks.tested.at(-1)!;
    expect(event).to.include({ type: 'gateway.test', source: 'urn:acme:crm', datacontenttype: 'application/json' });
  });

  it('answers OPTIONS with Allow and other methods with 405', async () => {
    const cases: Array<[string, string]> = [
      ['/v1/subscriptions', 'GET, POST, HEAD, OPTIONS'],
      ['/v1/subscriptions/x', 'GET, PATCH, DELETE, HEAD, OPTIONS'],
      ['/v1/subscriptions/x/secret/rotate', 'POST, OPTIONS'],
      ['/v1/subscriptions/x/test', 'POST, OPTIONS'],
      ['/v1/subscriptions/x/pause', 'POST, OPTIONS'],
      ['/v1/subscriptions/x/resume', 'POST, OPTIONS'],
    ];
    for (const [path, allow] of cases) {
      const res = await api.call('OPTIONS', path);
      expect(res.status, path).to.equal(204);
      expect(res.headers.get('allow'), path).to.equal(allow);
    }
    const put = await api.call('PUT', '/v1/subscriptions/x', { key, body: {} });
    expect(put.status).to.equal(405);
    expect(put.headers.get('allow')).to.equal('GET, PATCH, DELETE, HEAD, OPTIONS');
    expect(put.body.code).to.equal('CEG_ERR_API_METHOD_NOT_ALLOWED');
  });
});
