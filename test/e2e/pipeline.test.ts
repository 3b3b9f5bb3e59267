// A gateway.yaml route whose pipeline chains filter → transform → redact → siem → sign, delivering to a
// receiver that verifies the signature the way a SIEM collector would.
import { expect } from 'chai';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Gateway } from '../../src/gateway.js';
import { verifyTimestamped } from '../../src/signing/mod.js';
import { eventually, fixture, testConfig, testLogger } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

// HMAC schemes key with the secret string exactly as configured (what their receivers do)
const SECRET = 'whsec_' + Buffer.from('siem-feed-secret-0123456789abcdef').toString('base64');

describe('route pipeline end to end', function () {
  this.timeout(60_000);
  let nats: TestNats;
  let receiver: Receiver;
  let gw: Gateway;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNats();
    receiver = await startReceiver();
    gw = await Gateway.start(
      testConfig({
        natsUrl: nats.url,
        doc: {
          routes: [
            {
              name: 'siem',
              match: { types: ['security.>'] },
              destinations: [{ url: `${receiver.url}/cef`, secret: SECRET }],
              pipeline: [
                // only failures from outside the office network reach the SIEM
                { use: 'filter', config: { filters: [{ sql: "type = 'security.login.failed'" }], data: [{ path: '/client/ip', matches: '^192\\.0\\.2\\.' }] } },
                { use: 'transform', config: { attributes: { severity: "'high'" }, set: { '/data/feed': 'edge' } } },
                { use: 'redact', config: { fields: [{ path: '/identifier', strategy: 'hash' }, { path: '/client/userAgent', strategy: 'remove' }], hashKey: 'k'.repeat(32) } },
                { use: 'siem', config: { format: 'cef', vendor: 'Northwind', product: 'IdP' } },
                { use: 'sign', config: { scheme: 'timestamped-hmac', header: 'OFAuth-Signature' } },
              ],
            },
          ],
        },
      }),
      { logger: testLogger() },
    );
    nc = await connect({ servers: nats.url });
  });

  after(async () => {
    await nc?.drain();
    await gw?.stop();
    await receiver?.close();
    await nats?.cleanup();
  });

  async function publish(event: Record<string, unknown>) {
    const h = natsHeaders();
    h.set('content-type', 'application/cloudevents+json');
    await jetstream(nc).publish(`ce.${event.type}`, new TextEncoder().encode(JSON.stringify(event)), { headers: h });
  }

  it('delivers a redacted CEF line signed over its exact bytes, and drops what the filter refuses', async () => {
    const hit = fixture('security.login.failed.v1.pass.json');
    hit.id = 'chain-hit';
    const other = fixture('security.login.failed.v1.pass.json');
    other.id = 'chain-internal';
    other.data.client.ip = '198.51.100.7';
    const locked = fixture('security.account.locked.v1.pass.json');
    locked.id = 'chain-locked';
    await publish(other);
    await publish(locked);
    await publish(hit);

    const r = await receiver.waitFor(1);
    await new Promise((res) => setTimeout(res, 500));
    expect(receiver.received).to.have.length(1);
    const body = r[0]!.body;
    const line = body.toString('utf8');
    expect(line).to.match(/^CEF:0\|Northwind\|IdP\|/);
    expect(line).to.include('externalId=chain-hit');
    // the identifier is an HMAC now, the user agent gone
    expect(line).to.not.include('admin');
    expect(line).to.not.include('python-requests');
    const sig = String(r[0]!.headers['ofauth-signature']);
    expect(verifyTimestamped(body, sig, [SECRET])).to.deep.equal({ ok: true });
    expect(verifyTimestamped(Buffer.concat([body, Buffer.from(' ')]), sig, [SECRET]).ok).to.equal(false);

    // the refused events are recorded as dropped deliveries, with the step that dropped them
    const dropped = await eventually(async () => {
      const page = await gw.store.deliveries.list(undefined, { state: 'dropped' });
      return page.items.length >= 2 ? page.items : undefined;
    });
    expect(dropped.map((d) => d.eventId).sort()).to.deep.equal(['chain-internal', 'chain-locked']);
    expect(dropped[0]!.lastError?.message).to.match(/dropped by filter/);
  });
});
