// Two gateway processes on one NATS and one store: they split the ingest work, a subscription created or
// changed through either one is routed by both within a second, and its rate limit holds for both together.
import path from 'node:path';
import { expect } from 'chai';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { request } from 'undici';
import { api, tenantKey } from '../helpers/api.js';
import { eventually, ROOT } from '../helpers/gateway.js';
import { startNats } from '../helpers/nats.js';
import { runCeg, writeConfig, type GatewayProcess } from '../helpers/process.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { tempDir } from '../helpers/tmp.js';

const ADMIN = 'scaleout-admin-key-0123456789abcdef';

/** A sample of an instance's /metrics, 0 when absent. */
async function metric(base: string, sample: RegExp): Promise<number> {
  const text = await (await request(`${base}/metrics`)).body.text();
  return Number(sample.exec(text)?.[1] ?? 0);
}
/** Events an instance took from the ingest stream and accepted. */
const ingested = (base: string) => metric(base, /ceg_events_ingested_total\{transport="nats",outcome="accepted"\} (\d+)/);

interface TwoGateways {
  a: string;
  b: string;
  receiver: Receiver;
  /** publishes a structured-mode `urn:scale` event of `type` to the ingest stream */
  publish(type: string, id: string, extra?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

/** Its own nats-server and receiver, and two `ceg start` processes on one config (one store). */
async function twoGateways(opts: { batch?: number; respond?: Parameters<typeof startReceiver>[0] } = {}): Promise<TwoGateways> {
  const nats = await startNats();
  const receiver = await startReceiver(opts.respond);
  const dir = tempDir('scale');
  const config = writeConfig(dir, {
    nats: { servers: [nats.url], ...(opts.batch ? { consumer: { batch: opts.batch } } : {}) },
    http: { port: 0 },
    schemas: { dir: path.join(ROOT, 'schemas'), policies: [{ types: ['scale.>'], unknownTypes: 'accept' }] },
    delivery: { ssrf: { allow: ['127.0.0.1/32'] } },
    storage: { dataDir: path.join(dir, 'data') },
  });
  const procs: GatewayProcess[] = [];
  const nc = await connect({ servers: nats.url });
  const js = jetstream(nc);
  const close = async () => {
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    await nc.drain();
    await receiver.close();
    await nats.cleanup();
  };
  try {
    procs.push(runCeg(['start', '--config', config], { CEG_ADMIN_KEY: ADMIN }));
    const a = await procs[0]!.ready;
    procs.push(runCeg(['start', '--config', config], { CEG_ADMIN_KEY: ADMIN }));
    const b = await procs[1]!.ready;
    const publish = (type: string, id: string, extra: Record<string, unknown> = {}) => {
      const h = natsHeaders();
      h.set('content-type', 'application/cloudevents+json');
      const event = { specversion: '1.0', id, source: 'urn:scale', type, ...extra, data: {} };
      return js.publish(`ce.${type}`, new TextEncoder().encode(JSON.stringify(event)), { headers: h });
    };
    return { a, b, receiver, publish, close };
  } catch (err) {
    await close();
    throw err;
  }
}

describe('two gateway processes', function () {
  this.timeout(120_000);

  it('route a subscription change on both instances within a second', async () => {
    const { a, b, receiver, publish, close } = await twoGateways();
    try {
      expect(a).to.not.equal(b);
      const { key } = await tenantKey(a, ADMIN, 'scale');

      // created through A, then one second for B to follow
      const created = await api(a, 'POST', '/v1/subscriptions', key, { sink: `${receiver.url}/s`, types: ['scale.one'] });
      expect(created.status).to.equal(201);
      await new Promise((r) => setTimeout(r, 1000));
      const N = 40;
      for (let i = 0; i < N; i++) await publish('scale.one', `one-${i}`);
      // events not routed by a lagging instance would be acked unrouted and never arrive
      await receiver.waitFor(N, 30_000);
      const ids = new Set(receiver.received.map((r) => String(r.headers['ce-id'])));
      for (let i = 0; i < N; i++) expect(ids.has(`one-${i}`)).to.equal(true);

      // changed through B: the old type stops and the new one flows, on both
      const patched = await api(b, 'PATCH', `/v1/subscriptions/${created.body.id}`, key, { types: ['scale.two'] });
      expect(patched.status).to.equal(200);
      await new Promise((r) => setTimeout(r, 1000));
      receiver.received.length = 0;
      for (let i = 0; i < N; i++) {
        await publish('scale.one', `old-${i}`);
        await publish('scale.two', `two-${i}`);
      }
      await eventually(() => (receiver.received.length >= N ? true : undefined), 30_000, 'scale.two deliveries');
      await new Promise((r) => setTimeout(r, 500));
      const types = receiver.received.map((r) => String(r.headers['ce-type']));
      expect(types.filter((t) => t === 'scale.two')).to.have.length(N);
      expect(types.filter((t) => t === 'scale.one')).to.have.length(0);
      // both instances took a share of the work, so both followed the changes
      for (const base of [a, b]) expect(await ingested(base), `${base} ingested`).to.be.greaterThan(0);
    } finally {
      await close();
    }
  });

  it("hold a subscription's rate limit in all, each taking its part", async () => {
    const { a, b, receiver, publish, close } = await twoGateways();
    try {
      for (const base of [a, b]) {
        await eventually(async () => ((await metric(base, /ceg_gateway_instances (\d+)/)) === 2 ? true : undefined), 10_000, `${base} counting both`);
      }
      const { key } = await tenantKey(a, ADMIN, 'limited');
      const RATE = 4;
      const created = await api(a, 'POST', '/v1/subscriptions', key, { sink: `${receiver.url}/r`, types: ['scale.limited'], rateLimit: { perSecond: RATE, burst: 1 } });
      expect(created.status).to.equal(201);
      await new Promise((r) => setTimeout(r, 1000));
      const N = 24;
      await Promise.all(Array.from({ length: N }, (_, i) => publish('scale.limited', `r-${i}`)));
      await receiver.waitFor(N, 60_000);
      // each instance may send one at once (its part of the burst, at least one), then 2/s: 4/s in all. Each
      // process on its own limit would have taken half as long.
      const times = receiver.received.map((r) => r.at);
      const spread = (Math.max(...times) - Math.min(...times)) / 1000;
      expect(spread, 'seconds from the first delivery to the last').to.be.at.least((0.8 * (N - 2)) / RATE);
      expect(new Set(receiver.received.map((r) => String(r.headers['ce-id']))).size).to.equal(N);
      const sent = /ceg_delivery_attempts_total\{outcome="success"\} (\d+)/;
      for (const base of [a, b]) expect(await metric(base, sent), `${base} delivered`).to.be.greaterThan(0);
    } finally {
      await close();
    }
  });

  it('keep per-key order for an ordered subscription while both take events', async () => {
    const { a, b, receiver, publish, close } = await twoGateways({ batch: 20, respond: () => ({ status: 200 }) });
    try {
      const { key } = await tenantKey(a, ADMIN, 'ordered');
      const created = await api(a, 'POST', '/v1/subscriptions', key, { sink: `${receiver.url}/o`, types: ['scale.ordered'], orderingKey: 'subject' });
      expect(created.status).to.equal(201);
      await new Promise((r) => setTimeout(r, 1000));
      const KEYS = 20;
      const PER_KEY = 30;
      const pubs: Promise<unknown>[] = [];
      for (let i = 0; i < PER_KEY; i++) {
        for (let k = 0; k < KEYS; k++) pubs.push(publish('scale.ordered', `k${k}-${i}`, { subject: `k${k}` }));
      }
      await Promise.all(pubs);
      await receiver.waitFor(KEYS * PER_KEY, 60_000);
      for (let k = 0; k < KEYS; k++) {
        const seq = receiver.received.filter((r) => r.headers['ce-subject'] === `k${k}`).map((r) => Number(String(r.headers['ce-id']).split('-')[1]));
        expect(seq, `key k${k}`).to.deep.equal([...Array(PER_KEY).keys()]);
      }
      for (const base of [a, b]) expect(await ingested(base), `${base} ingested`).to.be.greaterThan(0);
    } finally {
      await close();
    }
  });
});
