// The database lost while running (issue 3): the gateway reports not ready, holds new events in JetStream
// without acking or delivering them, and delivers every one of them once the database is back. FerretDB
// stands in for MongoDB; it is SIGKILLed mid-stream and restarted on the same port and data.
import path from 'node:path';
import { expect } from 'chai';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { request } from 'undici';
import { Gateway } from '../../src/gateway.js';
import { routeTargetKey } from '../../src/routing/targets.js';
import { ferretdbBinary, startFerretDB, type FerretDB } from '../helpers/ferretdb.js';
import { eventually, testConfig, testLogger } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { tempDir } from '../helpers/tmp.js';

const enc = new TextEncoder();
const BEFORE = Array.from({ length: 5 }, (_, i) => `before-${i}`);
const DURING = Array.from({ length: 10 }, (_, i) => `during-${i}`);
const ROUTE = routeTargetKey('outage', 0);

describe('store outage end to end (FerretDB killed mid-stream)', function () {
  this.timeout(120_000);
  let ferret: FerretDB;
  let nats: TestNats;
  let receiver: Receiver;
  let gw: Gateway;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;

  before(async function () {
    const bin = ferretdbBinary();
    if (!bin) {
      const why = 'store outage test SKIPPED: no FerretDB binary; run scripts/ferretdb.sh (or set FERRETDB_BIN)';
      if (process.env.CI) throw new Error(`${why} (CI requires it)`);
      console.log(`    ${why}`);
      this.skip();
    }
    ferret = await startFerretDB(bin);
    nats = await startNats();
    receiver = await startReceiver();
    const config = testConfig({
      natsUrl: nats.url,
      doc: {
        routes: [{ name: 'outage', match: { types: ['test.outage'] }, destinations: [{ url: `${receiver.url}/hook` }] }],
        schemas: { policies: [{ types: ['test.>'], unknownTypes: 'accept' }] },
        storage: {
          dataDir: tempDir('data'),
          // fail fast while the database is gone instead of the driver's default wait
          mongodb: { url: `${ferret.url}?serverSelectionTimeoutMS=1000`, database: 'ceg_outage' },
        },
      },
    });
    gw = await Gateway.start(config, { logger: testLogger() });
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
  });

  after(async () => {
    await nc?.drain();
    await gw?.stop();
    await receiver?.close();
    await nats?.cleanup();
    await ferret?.stop();
  });

  async function publish(id: string): Promise<void> {
    const h = natsHeaders();
    h.set('content-type', 'application/cloudevents+json');
    await js.publish('ce.test.outage', enc.encode(JSON.stringify({ specversion: '1.0', id, source: 'urn:test:outage', type: 'test.outage', data: { id } })), {
      headers: h,
    });
  }

  const delivered = (id: string) => receiver.received.some((r) => r.headers['ce-id'] === id);
  const ingestConsumer = () => jsm.consumers.info(gw.config.nats.stream.name, gw.config.nats.consumer.durable);

  async function readiness(): Promise<{ status: number; checks: Record<string, string> }> {
    const res = await request(`${gw.url}/readyz`);
    const body = (await res.body.json()) as { checks: Record<string, string> };
    return { status: res.statusCode, checks: body.checks };
  }

  async function retriedAdmissions(): Promise<number> {
    const text = await (await request(`${gw.url}/metrics`)).body.text();
    const m = /^ceg_events_ingested_total\{transport="nats",outcome="retry"\} (\d+)/m.exec(text);
    return Number(m?.[1] ?? 0);
  }

  it('delivers normally while the database is up', async () => {
    for (const id of BEFORE) await publish(id);
    await eventually(() => (BEFORE.every(delivered) ? true : undefined), 20_000, 'the first events');
    // settled in the store too, so nothing is half-done when the database goes away
    await eventually(async () => {
      const page = await gw.store.deliveries.list(undefined, { routeId: ROUTE, state: 'succeeded' });
      return page.items.length === BEFORE.length ? true : undefined;
    }, 20_000, 'the first deliveries to be recorded');
    expect((await readiness()).status).to.equal(200);
  });

  it('reports not ready, and holds new events unacked and undelivered while the database is down', async () => {
    const { state: before } = await jsm.streams.info(gw.config.nats.stream.name);
    await ferret.kill();

    const down = await eventually(async () => {
      const r = await readiness();
      return r.status === 503 ? r : undefined;
    }, 20_000, '/readyz to answer 503');
    expect(down.checks.nats).to.equal('ok');
    expect(down.checks.store).not.to.equal('ok');

    const retriedBefore = await retriedAdmissions();
    for (const id of DURING) await publish(id);
    // every new event was tried, failed to be stored, and was put back (positive evidence, not a sleep)
    await eventually(async () => ((await retriedAdmissions()) - retriedBefore >= DURING.length ? true : undefined), 30_000, 'admissions to be retried');

    expect(DURING.filter(delivered)).to.deep.equal([]);
    const stream = await jsm.streams.info(gw.config.nats.stream.name);
    expect(stream.state.last_seq - before.last_seq).to.equal(DURING.length);
    const consumer = await ingestConsumer();
    // nothing after the last event stored before the outage was acked: all of them are still owed
    expect(consumer.ack_floor.stream_seq).to.equal(before.last_seq);
    expect(consumer.num_ack_pending + consumer.num_pending).to.equal(DURING.length);
    expect((await readiness()).status).to.equal(503);
  });

  it('delivers every held event and turns ready again once the database is back', async () => {
    await ferret.restart();
    await eventually(() => (DURING.every(delivered) ? true : undefined), 60_000, 'the held events');
    await eventually(async () => ((await readiness()).status === 200 ? true : undefined), 20_000, '/readyz to answer 200');

    const consumer = await eventually(async () => {
      const c = await ingestConsumer();
      return c.num_ack_pending + c.num_pending === 0 ? c : undefined;
    }, 20_000, 'the ingest consumer to be fully acked');
    expect(consumer.ack_floor.stream_seq).to.equal((await jsm.streams.info(gw.config.nats.stream.name)).state.last_seq);

    const all = [...BEFORE, ...DURING];
    const recorded = await eventually(async () => {
      const page = await gw.store.deliveries.list(undefined, { routeId: ROUTE, state: 'succeeded', limit: 100 });
      return page.items.length === all.length ? page.items : undefined;
    }, 20_000, 'every delivery to be recorded as succeeded');
    expect(recorded.map((d) => d.eventId).sort()).to.deep.equal([...all].sort());
    // the store's uniqueness held across the outage: one delivery per event, so each reached the receiver once
    for (const id of all) expect(receiver.received.filter((r) => r.headers['ce-id'] === id), id).to.have.length(1);
  });
});
