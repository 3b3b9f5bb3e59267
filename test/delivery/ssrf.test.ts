// The SSRF guard on its own (address classes, allowlists) and through a real Sender to a real local server,
// where the check must run on the address the socket actually connects to.
import http from 'node:http';
import { once } from 'node:events';
import { expect } from 'chai';
import { DeliveryError, ErrorCodes } from '../../src/errors.js';
import { Sender } from '../../src/delivery/sender.js';
import { SsrfGuard } from '../../src/delivery/ssrf.js';

const refused: Array<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.1.2.3', 'private 10/8'],
  ['172.16.0.1', 'private 172.16/12 (low end)'],
  ['172.31.255.255', 'private 172.16/12 (high end)'],
  ['192.168.1.1', 'private 192.168/16'],
  ['169.254.169.254', 'cloud metadata (link-local)'],
  ['169.254.0.1', 'link-local'],
  ['100.64.0.1', 'CGNAT 100.64/10 (low end)'],
  ['100.127.255.255', 'CGNAT 100.64/10 (high end)'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast (SSDP)'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'this network 0/8'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved 240/4'],
  ['192.0.2.10', 'documentation (TEST-NET-1)'],
  ['198.18.0.1', 'benchmarking 198.18/15'],
  ['::1', 'IPv6 loopback'],
  ['::', 'IPv6 unspecified'],
  ['fc00::1', 'IPv6 unique local'],
  ['fd12:3456:789a::1', 'IPv6 unique local (fd)'],
  ['fe80::1', 'IPv6 link-local'],
  ['ff02::1', 'IPv6 multicast'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback (dotted)'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback (hex)'],
  ['::ffff:10.0.0.1', 'IPv4-mapped private'],
  ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
  ['::ffff:0:7f00:1', 'IPv4-translated (RFC 6145)'],
  ['64:ff9b::7f00:1', 'NAT64 well-known prefix'],
  ['64:ff9b:1::a00:1', 'NAT64 local-use prefix'],
  ['2002:7f00:1::1', '6to4'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ['2001:db8::1', 'IPv6 documentation'],
  ['::7f00:1', 'IPv4-compatible (deprecated) loopback'],
  ['100::1', 'IPv6 discard prefix'],
];

const allowed = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8'];

describe('delivery/ssrf: SsrfGuard', () => {
  const guard = new SsrfGuard([]);

  for (const [ip, what] of refused) {
    it(`refuses ${ip} (${what})`, () => {
      expect(guard.check(ip)).to.be.a('string').and.include(ip);
      expect(() => guard.assertHost(ip.includes(':') ? `[${ip}]` : ip))
        .to.throw(DeliveryError)
        .with.property('code', ErrorCodes.SSRF_BLOCKED);
    });
  }

  for (const ip of allowed) {
    it(`allows the global unicast address ${ip}`, () => {
      expect(guard.check(ip)).to.equal(null);
      expect(() => guard.assertHost(ip.includes(':') ? `[${ip}]` : ip)).not.to.throw();
    });
  }

  it('a refusal is final (not retryable) and says how to allow it', () => {
    try {
      guard.assertHost('10.0.0.1');
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(DeliveryError);
      expect((err as DeliveryError).retryable).to.equal(false);
      expect((err as DeliveryError).message).to.include('delivery.ssrf.allow');
    }
  });

  it('lets hostnames pass assertHost (they are checked at lookup time)', () => {
    expect(() => guard.assertHost('localhost')).not.to.throw();
  });

  it('an IPv4 allowlist CIDR admits exactly its range, also in IPv4-mapped form', () => {
    const g = new SsrfGuard(['10.1.0.0/16', '127.0.0.1/32']);
    expect(g.check('10.1.200.3')).to.equal(null);
    expect(g.check('::ffff:10.1.0.9')).to.equal(null);
    expect(g.check('127.0.0.1')).to.equal(null);
    expect(g.check('::ffff:7f00:1')).to.equal(null);
    expect(g.check('10.2.0.1')).to.be.a('string');
    expect(g.check('127.0.0.2')).to.be.a('string');
    expect(g.check('::1')).to.be.a('string');
  });

  it('an IPv6 allowlist CIDR admits exactly its range', () => {
    const g = new SsrfGuard(['fd00:1::/32', '::1/128']);
    expect(g.check('fd00:1:ffff::5')).to.equal(null);
    expect(g.check('::1')).to.equal(null);
    expect(g.check('fd00:2::5')).to.be.a('string');
    expect(g.check('127.0.0.1')).to.be.a('string');
  });

  it('rejects an allowlist entry that is not a CIDR at construction', () => {
    expect(() => new SsrfGuard(['10.0.0.1'])).to.throw();
  });
});

describe('delivery/ssrf: through a real Sender', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  const senders: Sender[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(204).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });
  beforeEach(() => (hits = 0));
  after(async () => {
    await Promise.all(senders.map((s) => s.close()));
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const sender = (allow: string[], httpsOnly = false) => {
    const s = new Sender({ guard: new SsrfGuard(allow), httpsOnly, maxResponseBytes: 1024 });
    senders.push(s);
    return s;
  };
  const post = (s: Sender, url: string) =>
    s.send({ url, message: { headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{}') }, timeoutMs: 5000 });

  async function expectBlocked(p: Promise<unknown>): Promise<DeliveryError> {
    const err = await p.then(
      () => expect.fail('the request should have been refused'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(DeliveryError);
    expect((err as DeliveryError).code).to.equal(ErrorCodes.SSRF_BLOCKED);
    expect((err as DeliveryError).retryable).to.equal(false);
    return err as DeliveryError;
  }

  it('refuses a hostname that resolves to loopback, at lookup, before any byte is sent (DNS rebinding defence)', async () => {
    const err = await expectBlocked(post(sender([]), `http://localhost:${port}/hook`));
    expect(err.message).to.include('localhost');
    expect(hits).to.equal(0);
  });

  it('connects to the same hostname once its resolved address is allowlisted', async () => {
    // localhost may resolve to ::1 as well on some hosts: every answer has to be allowed
    const res = await post(sender(['127.0.0.0/8', '::1/128']), `http://localhost:${port}/hook`);
    expect(res.status).to.equal(204);
    expect(hits).to.equal(1);
  });

  it('refuses a literal loopback IP before connecting, in every spelling', async () => {
    const s = sender([]);
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]']) {
      await expectBlocked(post(s, `http://${host}:${port}/hook`));
    }
    expect(hits).to.equal(0);
  });

  it('refuses loopback not covered by a narrower allowlist', async () => {
    await expectBlocked(post(sender(['127.0.0.2/32']), `http://127.0.0.1:${port}/hook`));
    expect(hits).to.equal(0);
  });

  it('connects to an allowlisted literal IP', async () => {
    const res = await post(sender(['127.0.0.1/32']), `http://127.0.0.1:${port}/hook`);
    expect(res.status).to.equal(204);
    expect(hits).to.equal(1);
  });

  it('httpsOnly refuses a plain http sink even when its address is allowed', async () => {
    const err = await expectBlocked(post(sender(['127.0.0.1/32'], true), `http://127.0.0.1:${port}/hook`));
    expect(err.message).to.include('https');
    expect(hits).to.equal(0);
  });
});
