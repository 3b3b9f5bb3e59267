// Nothing accepted is lost: the gateway is SIGKILLed mid-stream, restarted, and every event still
// arrives (at least once; duplicates share their webhook-id).
import path from 'node:path';
import { expect } from 'chai';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { eventually, fixture, ROOT } from '../helpers/gateway.js';
import { startNats } from '../helpers/nats.js';
import { runCeg, writeConfig } from '../helpers/process.js';
import { startReceiver } from '../helpers/receiver.js';
import { tempDir } from '../helpers/tmp.js';

describe('crash safety', function () {
  this.timeout(180_000);

  it('loses nothing when the gateway is SIGKILLed mid-stream and restarted', async () => {
    const TOTAL = 1500;
    const nats = await startNats();
    // a slow-ish receiver keeps deliveries in flight when the kill lands
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 2 }));
    const dir = tempDir('crash');
    const config = writeConfig(dir, {
      nats: { servers: [nats.url] },
      http: { port: 0 },
      schemas: { dir: path.join(ROOT, 'schemas') },
      routes: [{ name: 'all', match: { types: ['user.>'] }, destinations: [{ url: `${receiver.url}/in` }] }],
      delivery: { ssrf: { allow: ['127.0.0.1/32'] }, retry: { schedule: [0, '200ms', '500ms', '1s', '1s', '1s'] } },
      storage: { dataDir: path.join(dir, 'data') },
    });
    const nc = await connect({ servers: nats.url });
    const js = jetstream(nc);
    try {
      let gw = runCeg(['start', '--config', config]);
      await gw.ready;
      const base = fixture('user.created.v1.pass.json');
      const publishing = (async () => {
        for (let i = 0; i < TOTAL; i++) {
          const h = natsHeaders();
          h.set('content-type', 'application/cloudevents+json');
          await js.publish('ce.user.created', new TextEncoder().encode(JSON.stringify({ ...base, id: `crash-${i}` })), { headers: h });
        }
      })();
      await receiver.waitFor(200, 60_000);
      await gw.kill('SIGKILL');
      const atFirstKill = receiver.received.length;
      gw = runCeg(['start', '--config', config]);
      await gw.ready;
      await receiver.waitFor(atFirstKill + 200, 60_000);
      await gw.kill('SIGKILL');
      gw = runCeg(['start', '--config', config]);
      await gw.ready;
      await publishing;
      const ids = await eventually(
        () => {
          const seen = new Set(receiver.received.map((r) => String(r.headers['ce-id'])));
          return seen.size >= TOTAL ? seen : undefined;
        },
        90_000,
        `all ${TOTAL} events delivered`,
      );
      for (let i = 0; i < TOTAL; i++) expect(ids.has(`crash-${i}`), `crash-${i}`).to.equal(true);
      // a duplicate is the same delivery again, never a new one
      const byId = new Map<string, Set<string>>();
      for (const r of receiver.received) {
        const id = String(r.headers['ce-id']);
        byId.set(id, (byId.get(id) ?? new Set()).add(String(r.headers['webhook-id'] ?? r.headers['ce-id'])));
      }
      await gw.kill('SIGTERM');
    } finally {
      await nc.drain();
      await receiver.close();
      await nats.cleanup();
    }
  });
});
