// Every tenant route, called with another tenant's key on the first tenant's ids, answers 404 and
// changes nothing: existence is not disclosed.
import { expect } from 'chai';
import { v1Resources } from '../../src/api/v1.js';
import { startApi, subscriptionBody, type TestApi } from './support.js';

describe('api tenant isolation', () => {
  let api: TestApi;
  let owner: string;
  let intruder: string;
  let subId: string;
  let deliveryId: string;
  let jobId: string;

  before(async () => {
    api = await startApi();
    owner = await api.tenant('owner');
    intruder = await api.tenant('intruder');
    const sub = await api.call('POST', '/v1/subscriptions', { key: owner, body: subscriptionBody('http://127.0.0.1:9/hook') });
    subId = sub.body.id;
    const { delivery } = await api.ctx.store.deliveries.createIfAbsent({
      tenantId: 'owner',
      subscriptionId: subId,
      eventId: 'e1',
      eventSource: 'urn:test',
      eventType: 'user.created',
    });
    deliveryId = delivery.id;
    jobId = (await api.call('POST', `/v1/subscriptions/${subId}/replay`, { key: owner, body: { startSeq: 1 } })).body.id;
  });
  after(() => api.close());

  const routes: Array<[string, () => string, unknown?]> = [
    ['GET', () => `/v1/subscriptions/${subId}`],
    ['PATCH', () => `/v1/subscriptions/${subId}`, { description: 'mine now' }],
    ['DELETE', () => `/v1/subscriptions/${subId}`],
    ['POST', () => `/v1/subscriptions/${subId}/secret/rotate`],
    ['POST', () => `/v1/subscriptions/${subId}/test`],
    ['POST', () => `/v1/subscriptions/${subId}/pause`],
    ['POST', () => `/v1/subscriptions/${subId}/resume`],
    ['GET', () => `/v1/subscriptions/${subId}/deliveries`],
    ['GET', () => `/v1/subscriptions/${subId}/stats`],
    ['POST', () => `/v1/subscriptions/${subId}/replay`, { startSeq: 1 }],
    ['GET', () => `/v1/subscriptions/${subId}/replay/${jobId}`],
    ['GET', () => `/v1/deliveries/${deliveryId}`],
    ['POST', () => `/v1/deliveries/${deliveryId}/redeliver`],
  ];

  for (const [method, path, body] of routes) {
    it(`${method} ${path().replace(/undefined/g, '{id}')} with another tenant's key is 404`, async () => {
      const res = await api.call(method, path(), { key: intruder, body });
      expect(res.status, JSON.stringify(res.body)).to.equal(404);
      expect(res.body.code).to.equal('CEG_ERR_API_NOT_FOUND');
      // the owner still sees the same id
      if (method === 'GET') expect((await api.call('GET', path(), { key: owner })).status).to.equal(200);
    });
  }

  it('covers every tenant operation on an id', () => {
    const declared = v1Resources(api.ctx).flatMap((r) =>
      r.path.includes('{') ? Object.entries(r.operations).filter(([, o]) => o.access === 'tenant').map(([m]) => `${m} ${r.path}`) : [],
    );
    const tried = routes.map(([m, path]) => `${m} ${path().replace(subId, '{id}').replace(deliveryId, '{id}').replace(jobId, '{jobId}')}`);
    expect(tried).to.have.members(declared);
  });

  it('left the subscription untouched and listed nothing for the intruder', async () => {
    const sub = await api.call('GET', `/v1/subscriptions/${subId}`, { key: owner });
    expect(sub.body).to.include({ revision: 1, state: 'active' });
    expect(sub.body).not.to.have.property('description');
    expect((await api.call('GET', '/v1/subscriptions', { key: intruder })).body.items).to.deep.equal([]);
    expect(api.hooks.tested).to.deep.equal([]);
    expect(api.hooks.redelivered).to.deep.equal([]);
    expect(api.hooks.replays).to.have.length(1);
  });
});
