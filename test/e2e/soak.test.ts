// The delivery soak of issue 5: thousands of events to five subscriptions (plain, flapping, slow, ordered,
// filtered) while the gateway process is SIGKILLed twice and restarted. Afterwards every matching event
// reached every subscription (or its dead letter), duplicates carry one webhook-id, per-key order held.
// CEG_SOAK_EVENTS and CEG_SOAK_RATE (published events per second) scale it.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { api, tenantKey } from '../helpers/api.js';
import { deadLetters, eventually, ROOT } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { runCeg, writeConfig, type GatewayProcess } from '../helpers/process.js';
import { startReceiver, type Receiver, type Responder } from '../helpers/receiver.js';
import { tempDir } from '../helpers/tmp.js';

const TOTAL = Number(process.env.CEG_SOAK_EVENTS ?? 10_000);
const RATE = Number(process.env.CEG_SOAK_RATE ?? 150);
const KEYS = 20;
const ADMIN = 'soak-admin-key-0123456789abcdef';
const TYPE = 'soak.tick';
const enc = new TextEncoder();
const dec = new TextDecoder();

const key = (n: number) => `k${String(n % KEYS).padStart(2, '0')}`;
const eventNumber = (id: string) => Number(id.slice('soak-'.length));

/** One request as the endpoint saw it, in arrival order. */
interface Arrival {
  id: string;
  webhookId: string;
  subject: string;
  ok: boolean;
}

/** A subscriber's endpoint: a real receiver whose answers follow `script` (event number, its request count). */
interface Endpoint {
  name: string;
  receiver: Receiver;
  arrivals: Arrival[];
  /** which event numbers this subscription should get */
  wants(n: number): boolean;
  subscription: Record<string, unknown>;
  subscriptionId?: string;
}

async function endpoint(
  name: string,
  subscription: Record<string, unknown>,
  wants: (n: number) => boolean,
  script: (n: number, seen: number) => ReturnType<Responder> = () => ({ status: 204 }),
): Promise<Endpoint> {
  const arrivals: Arrival[] = [];
  const seen = new Map<string, number>();
  // arrivals are logged when the request is in, before any delay: that is the order the gateway sent them
  const receiver = await startReceiver((req) => {
    const id = String(req.headers['ce-id']);
    const count = seen.get(id) ?? 0;
    seen.set(id, count + 1);
    const answer = script(eventNumber(id), count);
    arrivals.push({ id, webhookId: String(req.headers['webhook-id']), subject: String(req.headers['ce-subject']), ok: answer.status < 300 });
    return answer;
  });
  return { name, receiver, arrivals, wants, subscription };
}

/** Ids of the dead letters of delivery, by subscription id. */
async function deadLettersByTarget(nc: NatsConnection): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const { subject, headers, data } of await deadLetters(nc)) {
    if (!subject.startsWith('ceg.dlq.delivery.')) continue;
    const target = headers.get('ceg-target') ?? '';
    const id = (JSON.parse(dec.decode(data)) as { event: { id: string } }).event.id;
    out.set(target, (out.get(target) ?? new Set()).add(id));
  }
  return out;
}

describe('soak: delivery through two SIGKILLs', function () {
  this.timeout(240_000);
  let nats: TestNats;
  let nc: NatsConnection;
  let gw: GatewayProcess | undefined;
  const endpoints: Endpoint[] = [];

  before(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
    endpoints.push(
      await endpoint('plain', {}, () => true),
      // every odd event's first attempt is refused: half the events need a retry
      await endpoint('flapping', {}, () => true, (n, seen) => ({ status: n % 2 === 1 && seen === 0 ? 503 : 200 })),
      await endpoint('slow', {}, () => true, (n) => ({ status: 200, delayMs: 20 + (n % 31) })),
      await endpoint('ordered', { orderingKey: 'subject' }, () => true),
      // subjects k00..k09 of k00..k19: half the events
      await endpoint('filtered', { filters: [{ sql: "subject LIKE 'k0%'" }] }, (n) => n % KEYS < 10),
    );
  });

  after(async () => {
    await gw?.kill('SIGKILL');
    await nc?.drain();
    await Promise.all(endpoints.map((e) => e.receiver.close()));
    await nats?.cleanup();
  });

  it(`delivers ${TOTAL} events to 5 subscriptions at least once, in per-key order, across two SIGKILLs`, async () => {
    const dir = tempDir('soak');
    const config = writeConfig(dir, {
      // a short ack wait: what a killed process had in hand comes back within seconds
      nats: { servers: [nats.url], consumer: { ackWait: '5s' } },
      http: { port: 0 },
      schemas: { dir: path.join(ROOT, 'schemas'), policies: [{ types: ['soak.>'], unknownTypes: 'accept' }] },
      // six attempts over ~4 s: ample for an endpoint that refuses only first attempts
      delivery: { ssrf: { allow: ['127.0.0.1/32'] }, retry: { schedule: [0, '100ms', '200ms', '500ms', '1s', '2s'] } },
      storage: { dataDir: path.join(dir, 'data') },
    });
    const start = () => runCeg(['start', '--config', config], { CEG_ADMIN_KEY: ADMIN });

    gw = start();
    const base = await gw.ready;
    const { key: tenant } = await tenantKey(base, ADMIN, 'soak');
    for (const e of endpoints) {
      const res = await api(base, 'POST', '/v1/subscriptions', tenant, { sink: `${e.receiver.url}/${e.name}`, types: ['soak.>'], ...e.subscription });
      expect(res.status, `${e.name}: ${JSON.stringify(res.body)}`).to.equal(201);
      e.subscriptionId = res.body.id;
    }

    // a steady pace, each publish awaited so stream order is publish order
    const js = jetstream(nc);
    let published = 0;
    const startedAt = Date.now();
    const publishing = (async () => {
      for (; published < TOTAL; published++) {
        const due = startedAt + (published * 1000) / RATE;
        if (due > Date.now()) await sleep(due - Date.now());
        const n = published;
        const h = natsHeaders();
        h.set('content-type', 'application/cloudevents+json');
        const event = { specversion: '1.0', id: `soak-${n}`, source: 'urn:soak', type: TYPE, subject: key(n), data: { n } };
        await js.publish(`ce.${TYPE}`, enc.encode(JSON.stringify(event)), { headers: h });
      }
    })();
    // awaited below; a failure before that must not surface as an unhandled rejection
    publishing.catch(() => undefined);
    const plain = endpoints[0]!;

    // each kill lands while events are being published and delivered
    for (const at of [0.3, 0.65]) {
      await eventually(() => (published >= TOTAL * at ? true : undefined), 120_000, `${at * 100} % published`);
      const before = plain.arrivals.length;
      await eventually(() => (plain.arrivals.length > before + 50 ? true : undefined), 60_000, 'deliveries flowing before the kill');
      await gw.kill('SIGKILL');
      gw = start();
      await gw.ready;
    }
    await publishing;
    const publishSeconds = (Date.now() - startedAt) / 1000;

    const jsm = await jetstreamManager(nc);
    const missing = (e: Endpoint, dead: Set<string>) => {
      const delivered = new Set(e.arrivals.filter((a) => a.ok).map((a) => a.id));
      const out: string[] = [];
      for (let n = 0; n < TOTAL; n++) {
        const id = `soak-${n}`;
        if (e.wants(n) && !delivered.has(id) && !dead.has(id)) out.push(id);
      }
      return out;
    };
    let dead = new Map<string, Set<string>>();
    await eventually(
      async () => {
        // dead letters are read only when their count changes
        const count = (await jsm.streams.info('CEG_DLQ')).state.messages;
        if (count !== [...dead.values()].reduce((s, ids) => s + ids.size, 0)) dead = await deadLettersByTarget(nc);
        return endpoints.every((e) => missing(e, dead.get(e.subscriptionId!) ?? new Set()).length === 0) ? true : undefined;
      },
      150_000,
      'every matching event at every endpoint',
    ).catch((err: Error) => {
      const left = endpoints.map((e) => {
        const ids = missing(e, dead.get(e.subscriptionId!) ?? new Set());
        return `${e.name} ${ids.length} (${ids.slice(0, 5).join(' ')})`;
      });
      throw new Error(`${err.message}; still missing: ${left.join(', ')}\n${gw?.output().slice(-3000)}`);
    });
    const totalSeconds = (Date.now() - startedAt) / 1000;
    const requests = endpoints.reduce((s, e) => s + e.arrivals.length, 0);
    console.log(`      soak: ${TOTAL} events published in ${publishSeconds.toFixed(1)} s, all delivered after ${totalSeconds.toFixed(1)} s (${requests} requests, ${(requests / totalSeconds).toFixed(0)}/s)`);

    // a flapping endpoint that takes every second attempt never exhausts a six-attempt schedule
    expect(Object.fromEntries(dead), 'dead letters').to.deep.equal({});

    for (const e of endpoints) {
      // only matching events arrive, and a duplicate is the same delivery again, never a new one
      const webhookIds = new Map<string, Set<string>>();
      for (const a of e.arrivals) webhookIds.set(a.id, (webhookIds.get(a.id) ?? new Set()).add(a.webhookId));
      const strays = [...webhookIds.keys()].filter((id) => !e.wants(eventNumber(id)));
      expect(strays, `${e.name}: events its filter excludes`).to.deep.equal([]);
      const split = [...webhookIds].filter(([, ids]) => ids.size !== 1).map(([id, ids]) => `${id}: ${[...ids].join(' ')}`);
      expect(split, `${e.name}: events delivered under more than one webhook-id`).to.deep.equal([]);
    }

    const flapping = endpoints[1]!;
    const refused = flapping.arrivals.filter((a) => !a.ok).length;
    expect(refused, 'first attempts refused by the flapping endpoint').to.be.at.least(TOTAL / 2);

    // per key, the first successful arrival of each event is in publish order
    const ordered = endpoints[3]!;
    const firsts = new Map<string, number[]>();
    const done = new Set<string>();
    for (const a of ordered.arrivals) {
      if (!a.ok || done.has(a.id)) continue;
      done.add(a.id);
      const seq = firsts.get(a.subject) ?? [];
      seq.push(eventNumber(a.id));
      firsts.set(a.subject, seq);
    }
    expect(firsts.size).to.equal(KEYS);
    // each inversion with the arrivals of its key around it, e.g. "k00: … 700 740 720 760 …"
    const inversions = [...firsts].flatMap(([k, seq]) =>
      seq.flatMap((n, i) => (i > 0 && n < seq[i - 1]! ? [`${k}: … ${seq.slice(Math.max(0, i - 3), i + 3).join(' ')} …`] : [])),
    );
    expect(inversions, 'events that arrived after a later one of their key').to.deep.equal([]);

    expect(await gw.kill('SIGTERM'), 'exit code after SIGTERM').to.equal(0);
  });
});
