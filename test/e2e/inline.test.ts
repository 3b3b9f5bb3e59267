// Inline first attempts through a real gateway: a fresh delivery is tried straight from ingest, and the
// deliveries stream carries only what needs it (a retry, a hand-off, a target cooling down).
import { expect } from 'chai';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { Gateway } from '../../src/gateway.js';
import { eventually, testConfig, testLogger } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { byPath, startReceiver, type Receiver } from '../helpers/receiver.js';

const enc = new TextEncoder();
const SLOW_MS = 2500;

interface Rig {
  nats: TestNats;
  receiver: Receiver;
  gw: Gateway;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stop(): Promise<void>;
}

async function rig(inline: Record<string, unknown>, delivery: Record<string, unknown> = {}): Promise<Rig> {
  const nats = await startNats();
  const receiver = await startReceiver(
    byPath({
      '/slow': () => ({ status: 204, delayMs: SLOW_MS }),
      '/flaky': (n) => ({ status: n === 0 ? 500 : 204 }),
      '/fast': () => ({ status: 204, delayMs: 40 }),
    }),
  );
  const route = (name: string) => ({
    name,
    match: { types: [`test.${name}`] },
    destinations: [{ url: `${receiver.url}/${name}` }],
    retry: { schedule: [0, '100ms', '200ms'], jitter: 0 },
  });
  const config = testConfig({
    natsUrl: nats.url,
    doc: {
      routes: [route('fast'), route('slow'), route('flaky')],
      schemas: { policies: [{ types: ['test.>'], unknownTypes: 'accept' }] },
      // a short time-out keeps a hand-off task's wait (time-out + 1 s) within the test
      delivery: { ssrf: { allow: ['127.0.0.1/32'] }, timeout: '5s', inline, ...delivery },
    },
  });
  const gw = await Gateway.start(config, { logger: testLogger() });
  const nc = await connect({ servers: nats.url });
  return {
    nats,
    receiver,
    gw,
    nc,
    js: jetstream(nc),
    jsm: await jetstreamManager(nc),
    async stop() {
      await nc.drain();
      await gw.stop();
      await receiver.close();
      await nats.cleanup();
    },
  };
}

/** A structured-mode CloudEvent published to the ingest stream. */
async function publishTo(r: Rig, type: string, id: string, source = 'urn:test:inline'): Promise<void> {
  const h = natsHeaders();
  h.set('content-type', 'application/cloudevents+json');
  await r.js.publish(`ce.${type}`, enc.encode(JSON.stringify({ specversion: '1.0', id, source, type, data: { id } })), { headers: h });
}
/** tasks ever published to the deliveries stream (its last sequence: work-queue messages go once acked) */
const tasksPublished = async (r: Rig) => (await r.jsm.streams.info(r.gw.config.nats.deliveries.name)).state.last_seq;
const inlineCount = async (r: Rig, result: string) =>
  (await r.gw.metrics.inlineAttempts.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

describe('inline first attempts', function () {
  this.timeout(60_000);
  let r: Rig;

  before(async () => {
    r = await rig({ handoffAfter: '300ms' });
  });
  after(() => r?.stop());

  const publish = (type: string, id: string) => publishTo(r, type, id);
  const arrivals = (path: string, id: string) => r.receiver.received.filter((x) => x.url === path && x.headers['ce-id'] === id);
  const ingestHeld = async () => (await r.jsm.consumers.info(r.gw.config.nats.stream.name, r.gw.config.nats.consumer.durable)).num_ack_pending;
  const delivery = (id: string) => r.gw.store.deliveries.list(undefined, {}).then((p) => p.items.find((d) => d.eventId === id));

  it('delivers a fresh event to a healthy endpoint without a task on the deliveries stream', async () => {
    await publish('test.fast', 'fast-1');
    const d = await eventually(async () => ((await delivery('fast-1'))?.state === 'succeeded' ? delivery('fast-1') : undefined));
    expect(d!.attempts).to.equal(1);
    expect(arrivals('/fast', 'fast-1')).to.have.length(1);
    await eventually(async () => ((await ingestHeld()) === 0 ? true : undefined), 5000, 'the event acked');
    expect(await tasksPublished(r)).to.equal(0);
    expect(await inlineCount(r, 'completed')).to.equal(1);
    const attempts = await eventually(async () => {
      const list = await r.gw.store.attempts.listByDelivery(undefined, d!.id);
      return list.length === 1 ? list : undefined;
    });
    expect(attempts[0]).to.deep.include({ attempt: 1, trigger: 'auto' });
  });

  it('hands a slow attempt to the deliveries stream: the event is acked before the endpoint answers, and it is not sent twice', async () => {
    const before = await tasksPublished(r);
    const sentAt = Date.now();
    await publish('test.slow', 'slow-1');
    await eventually(async () => ((await tasksPublished(r)) === before + 1 && (await ingestHeld()) === 0 ? true : undefined), 5000, 'the hand-off');
    // acked while the endpoint still holds the request
    expect(Date.now() - sentAt).to.be.below(SLOW_MS);
    expect(arrivals('/slow', 'slow-1')).to.have.length(0);
    expect(await inlineCount(r, 'handed_off')).to.equal(1);

    const d = await eventually(async () => ((await delivery('slow-1'))?.state === 'succeeded' ? delivery('slow-1') : undefined));
    expect(d!.attempts).to.equal(1);
    // the hand-off task, due after the attempt's time-out, finds the delivery settled and only acks
    await eventually(async () => ((await r.jsm.streams.info(r.gw.config.nats.deliveries.name)).state.messages === 0 ? true : undefined), 10_000, 'the hand-off task consumed');
    const duplicates = (await r.gw.metrics.deliveryAttempts.get()).values.find((v) => v.labels.outcome === 'duplicate')?.value;
    expect(duplicates).to.equal(1);
    expect(r.receiver.received.filter((x) => x.url === '/slow')).to.have.length(1);
  });

  it('retries a failed inline attempt through the stream on schedule, then sends that target the queued way for a while', async () => {
    const before = await tasksPublished(r);
    await publish('test.flaky', 'flaky-1');
    const d = await eventually(async () => ((await delivery('flaky-1'))?.state === 'succeeded' ? delivery('flaky-1') : undefined));
    expect(d!.attempts).to.equal(2);
    const [first, second] = arrivals('/flaky', 'flaky-1');
    expect(second!.at - first!.at).to.be.at.least(90);
    expect(second!.headers['webhook-id']).to.equal(first!.headers['webhook-id']);
    expect(await tasksPublished(r)).to.equal(before + 1);

    // cooling down: the next fresh event for it is not tried inline
    await publish('test.flaky', 'flaky-2');
    await eventually(async () => ((await delivery('flaky-2'))?.state === 'succeeded' ? true : undefined));
    expect(await tasksPublished(r)).to.equal(before + 2);
    expect(await inlineCount(r, 'declined_cooling')).to.equal(1);
    // other targets are not affected
    await publish('test.fast', 'fast-2');
    await eventually(async () => ((await delivery('fast-2'))?.state === 'succeeded' ? true : undefined));
    expect(await tasksPublished(r)).to.equal(before + 2);
  });
});

describe('inline first attempts: waiting for a slot', function () {
  this.timeout(60_000);
  let r: Rig;

  // two inline slots, so that a burst queues for them
  before(async () => {
    r = await rig({ handoffAfter: '2s' }, { concurrency: 2 });
  });
  after(() => r?.stop());

  const publish = (type: string, id: string) => publishTo(r, type, id, 'urn:test:inline-slots');

  it('queues a burst for the slots while they keep being freed, far past the 100 ms stall limit, instead of taking the stream', async () => {
    // 20 deliveries of 40 ms each through 2 slots: the last waits about 400 ms, a slot is freed every 20 ms or so
    await Promise.all(Array.from({ length: 20 }, (_, i) => publish('test.fast', `burst-${i}`)));
    await r.receiver.waitFor(20);
    await eventually(async () => ((await inlineCount(r, 'completed')) === 20 ? true : undefined), 5000, '20 inline attempts');
    expect(await inlineCount(r, 'declined_busy')).to.equal(0);
    expect(await tasksPublished(r)).to.equal(0);
  });

  it('sends a delivery to the stream once no slot was freed for 100 ms (every slot held by a hanging endpoint)', async () => {
    const before = r.receiver.received.length;
    await publish('test.slow', 'hang-1');
    await publish('test.slow', 'hang-2');
    // both slots held; the fresh delivery behind them waits for a release that does not come
    await eventually(async () => ((await r.gw.metrics.inFlight.get()).values[0]?.value === 2 ? true : undefined), 5000, 'both slots held');
    await publish('test.fast', 'behind-1');
    await eventually(async () => ((await inlineCount(r, 'declined_busy')) === 1 ? true : undefined), 5000, 'declined as busy');
    // the decline is counted before its task is published to the stream: wait for the publish, not just the count
    await eventually(async () => ((await tasksPublished(r)) >= 1 ? true : undefined), 5000, 'its task on the deliveries stream');
    // the stream delivers it while the slow endpoint still holds both inline slots
    await eventually(async () => (r.receiver.received.slice(before).some((x) => x.headers['ce-id'] === 'behind-1') ? true : undefined), 5000, 'behind-1 delivered');
    expect(r.receiver.received.slice(before).filter((x) => x.url === '/slow')).to.have.length(0);
  });
});

describe('inline first attempts switched off', function () {
  this.timeout(60_000);
  let r: Rig;

  before(async () => {
    r = await rig({ enabled: false });
  });
  after(() => r?.stop());

  it('sends every delivery through the deliveries stream', async () => {
    await publishTo(r, 'test.fast', 'off-1');
    await r.receiver.waitFor(1);
    expect((await r.jsm.streams.info(r.gw.config.nats.deliveries.name)).state.last_seq).to.equal(1);
    expect((await r.gw.metrics.inlineAttempts.get()).values).to.have.length(0);
  });
});
