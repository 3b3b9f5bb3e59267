import { expect } from 'chai';
import type { Delivery } from '../../src/store/types.js';
import { startApi, subscriptionBody, type TestApi } from './support.js';

describe('api deliveries, stats and replay', () => {
  let api: TestApi;
  let key: string;
  let subId: string;
  const deliveries: Delivery[] = [];

  before(async () => {
    api = await startApi();
    key = await api.tenant('acme');
    subId = (await api.call('POST', '/v1/subscriptions', { key, body: subscriptionBody('http://127.0.0.1:9/hook') })).body.id;
    const { store } = api.ctx;
    for (let i = 0; i < 5; i++) {
      const { delivery } = await store.deliveries.createIfAbsent({
        tenantId: 'acme',
        subscriptionId: subId,
        eventId: `e${i}`,
        eventSource: 'urn:test',
        eventType: 'user.created',
      });
      const ok = i % 2 === 0;
      const startedAt = new Date();
      store.attempts.append({
        deliveryId: delivery.id,
        tenantId: 'acme',
        subscriptionId: subId,
        eventId: `e${i}`,
        eventType: 'user.created',
        attempt: 1,
        trigger: 'auto',
        request: { url: 'http://127.0.0.1:9/hook', method: 'POST', headers: {} },
        response: { status: ok ? 204 : 500, headers: {}, bodyExcerpt: '' },
        durationMs: 10 * (i + 1),
        startedAt,
        finishedAt: new Date(startedAt.getTime() + 10 * (i + 1)),
      });
      await store.deliveries.recordAttempt(delivery.id, ok ? { state: 'succeeded' } : { state: 'failed', lastError: { code: 'CEG_ERR_DELIVERY_HTTP_STATUS', message: '500', status: 500 } });
      deliveries.push((await store.deliveries.get(undefined, delivery.id))!);
    }
    await store.attempts.flush();
  });
  after(() => api.close());

  it('lists a subscription\'s deliveries newest first, across pages and by state', async () => {
    const seen: string[] = [];
    let path: string | undefined = `/v1/subscriptions/${subId}/deliveries?limit=2`;
    while (path) {
      const res = await api.call('GET', path, { key });
      expect(res.status).to.equal(200);
      seen.push(...res.body.items.map((d: Delivery) => d.id));
      path = res.headers.get('link')?.match(/^<([^>]+)>/)?.[1];
    }
    expect(seen).to.deep.equal(deliveries.map((d) => d.id).reverse());
    const failed = await api.call('GET', `/v1/subscriptions/${subId}/deliveries?state=failed`, { key });
    expect(failed.body.items.map((d: Delivery) => d.eventId)).to.deep.equal(['e3', 'e1']);
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await api.call('GET', `/v1/subscriptions/${subId}/deliveries?from=${encodeURIComponent(future)}`, { key });
    expect(none.body.items).to.deep.equal([]);
    const all = await api.call('GET', `/v1/subscriptions/${subId}/deliveries?to=${encodeURIComponent(future)}`, { key });
    expect(all.body.items).to.have.length(5);
    const bad = await api.call('GET', `/v1/subscriptions/${subId}/deliveries?from=yesterday`, { key });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/from');
  });

  it('shows one delivery with its attempts', async () => {
    const d = deliveries[1]!;
    const res = await api.call('GET', `/v1/deliveries/${d.id}`, { key });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ id: d.id, state: 'failed', attempts: res.body.attempts });
    expect(res.body.attempts).to.have.length(1);
    expect(res.body.attempts[0]).to.deep.include({ deliveryId: d.id, attempt: 1, trigger: 'auto' });
    expect(res.body.attempts[0].response.status).to.equal(500);
    expect((await api.call('GET', '/v1/deliveries/nope', { key })).status).to.equal(404);
  });

  it('redelivers through the hook and answers 202 with a Location', async () => {
    const d = deliveries[3]!;
    const res = await api.call('POST', `/v1/deliveries/${d.id}/redeliver`, { key });
    expect(res.status).to.equal(202);
    expect(res.headers.get('location')).to.equal(`/v1/deliveries/${d.id}`);
    expect(api.hooks.redelivered.map((x) => x.id)).to.deep.equal([d.id]);
  });

  it('computes stats over a window', async () => {
    const res = await api.call('GET', `/v1/subscriptions/${subId}/stats?window=1h`, { key });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ window: '1h', total: 5, succeeded: 3, failed: 2, successRate: 0.6, p50Ms: 30, p95Ms: 50 });
    const def = await api.call('GET', `/v1/subscriptions/${subId}/stats`, { key });
    expect(def.body.window).to.equal('1h');
    expect((await api.call('GET', `/v1/subscriptions/${subId}/stats?window=forever`, { key })).status).to.equal(400);
  });

  it('starts a replay by window or sequence and reports its progress', async () => {
    const from = '2024-01-01T00:00:00Z';
    const res = await api.call('POST', `/v1/subscriptions/${subId}/replay`, { key, body: { from, to: '2024-01-02T00:00:00Z' } });
    expect(res.status).to.equal(202);
    const job = res.body;
    expect(res.headers.get('location')).to.equal(`/v1/subscriptions/${subId}/replay/${job.id}`);
    const { request } = api.hooks.replays.at(-1)!;
    expect(request).to.deep.equal({ from: new Date(from), to: new Date('2024-01-02T00:00:00Z') });
    const got = await api.call('GET', `/v1/subscriptions/${subId}/replay/${job.id}`, { key });
    expect(got.body).to.deep.equal(job);

    const seq = await api.call('POST', `/v1/subscriptions/${subId}/replay`, { key, body: { startSeq: 42 } });
    expect(seq.status).to.equal(202);
    expect(api.hooks.replays.at(-1)!.request).to.deep.equal({ startSeq: 42 });

    const backwards = await api.call('POST', `/v1/subscriptions/${subId}/replay`, { key, body: { from, to: '2023-01-01T00:00:00Z' } });
    expect(backwards.status).to.equal(400);
    expect(backwards.body.errors[0].pointer).to.equal('/to');
    const both = await api.call('POST', `/v1/subscriptions/${subId}/replay`, { key, body: { from, startSeq: 1 } });
    expect(both.status).to.equal(400);
    // a job of another subscription is not found under this one
    const other = (await api.call('POST', '/v1/subscriptions', { key, body: subscriptionBody('http://127.0.0.1:9/x') })).body.id;
    expect((await api.call('GET', `/v1/subscriptions/${other}/replay/${job.id}`, { key })).status).to.equal(404);
  });
});
