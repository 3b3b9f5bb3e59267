// Sender against real local HTTP servers: what arrives on the wire, what comes back, and how each kind of
// failure is classified for the retry logic.
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { expect } from 'chai';
import { DeliveryError, ErrorCodes } from '../../src/errors.js';
import { Sender } from '../../src/delivery/sender.js';
import { SsrfGuard } from '../../src/delivery/ssrf.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => unknown;

interface TestServer {
  url: string;
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }>;
  close(): Promise<void>;
}

async function serve(handler: Handler): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    await handler(req, res, body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const MAX = 1024;
const message = (body: Uint8Array | string = '{"ok":true}', headers: Record<string, string> = { 'content-type': 'application/json' }) => ({
  headers,
  body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
});

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => expect.fail('send should have failed'),
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(DeliveryError);
  return err as DeliveryError;
}

describe('delivery/sender: Sender', function () {
  this.timeout(20_000);
  let sender: Sender;
  const servers: TestServer[] = [];
  const start = async (h: Handler) => {
    const s = await serve(h);
    servers.push(s);
    return s;
  };

  before(() => {
    sender = new Sender({ guard: new SsrfGuard(['127.0.0.1/32']), httpsOnly: false, maxResponseBytes: MAX });
  });
  after(async () => {
    await sender.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('sends the method, the headers and the exact body bytes', async () => {
    const srv = await start((_req, res) => res.writeHead(204).end());
    // not valid UTF-8 on purpose: the bytes must pass untouched
    const bytes = Uint8Array.from([0x00, 0xff, 0xfe, 0x80, 0x7b, 0x0a, 0xc3]);
    const res = await sender.send({
      url: `${srv.url}/hooks/a?x=1`,
      message: message(bytes, { 'content-type': 'application/octet-stream', 'ce-id': 'abc', 'webhook-id': 'msg_1' }),
      timeoutMs: 5000,
    });
    expect(res.status).to.equal(204);
    const got = srv.requests[0]!;
    expect(got.method).to.equal('POST');
    expect(got.url).to.equal('/hooks/a?x=1');
    expect(got.headers['content-type']).to.equal('application/octet-stream');
    expect(got.headers['ce-id']).to.equal('abc');
    expect(got.headers['webhook-id']).to.equal('msg_1');
    expect(Buffer.compare(got.body, Buffer.from(bytes))).to.equal(0);
  });

  it('uses the method asked for', async () => {
    const srv = await start((_req, res) => res.writeHead(200).end());
    await sender.send({ url: srv.url, method: 'PUT', message: message(), timeoutMs: 5000 });
    expect(srv.requests[0]!.method).to.equal('PUT');
  });

  it('returns a non-2xx answer with its status, headers and body instead of throwing', async () => {
    const srv = await start((_req, res) => res.writeHead(503, { 'retry-after': '7', 'x-reason': 'busy' }).end('try later'));
    const res = await sender.send({ url: srv.url, message: message(), timeoutMs: 5000 });
    expect(res.status).to.equal(503);
    expect(res.headers['retry-after']).to.equal('7');
    expect(res.headers['x-reason']).to.equal('busy');
    expect(res.bodyExcerpt).to.equal('try later');
    expect(res.durationMs).to.be.a('number').and.at.least(0);
  });

  it('does not follow redirects: the 3xx comes back as is', async () => {
    const srv = await start((req, res) => {
      if (req.url === '/old') res.writeHead(307, { location: '/new' }).end();
      else res.writeHead(200).end('moved here');
    });
    const res = await sender.send({ url: `${srv.url}/old`, message: message(), timeoutMs: 5000 });
    expect(res.status).to.equal(307);
    expect(res.headers.location).to.equal('/new');
    expect(srv.requests.map((r) => r.url)).to.deep.equal(['/old']);
  });

  it('reads a huge streamed body only up to maxResponseBytes and hangs up', async () => {
    const LIMIT = 256 * 1024 * 1024;
    let written = 0;
    let closedEarly!: () => void;
    const serverSawClose = new Promise<void>((r) => (closedEarly = r));
    const srv = await start(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const closed = once(res, 'close').then(() => {
        if (written < LIMIT) closedEarly();
      });
      while (written < LIMIT && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) await Promise.race([once(res, 'drain'), closed]);
      }
      res.end();
    });
    const res = await sender.send({ url: srv.url, message: message(), timeoutMs: 10_000 });
    expect(res.status).to.equal(200);
    expect(res.bodyExcerpt).to.have.length(MAX);
    expect(res.bodyExcerpt).to.match(/^a+$/);
    await serverSawClose;
    expect(written).to.be.below(LIMIT);

    // the pool recovers from the connection it dropped
    const ok = await start((_req, r) => r.writeHead(200).end('fine'));
    expect((await sender.send({ url: ok.url, message: message(), timeoutMs: 5000 })).bodyExcerpt).to.equal('fine');
  });

  it('does not split a multi-byte character at the cap', async () => {
    // one ASCII byte first puts the cap in the middle of a two-byte 'é'
    const srv = await start((_req, res) => res.writeHead(200).end('a' + 'é'.repeat(MAX)));
    const res = await sender.send({ url: srv.url, message: message(), timeoutMs: 5000 });
    expect(res.bodyExcerpt).to.equal('a' + 'é'.repeat(MAX / 2 - 1));
  });

  it('classifies no answer in time as CEG_ERR_DELIVERY_TIMEOUT, retryable', async () => {
    const srv = await start(() => {
      /* never answers */
    });
    const err = await rejection(sender.send({ url: srv.url, message: message(), timeoutMs: 200 }));
    expect(err.code).to.equal(ErrorCodes.DELIVERY_TIMEOUT);
    expect(err.retryable).to.equal(true);
  });

  it('classifies a body that stalls after the headers as a timeout too', async () => {
    const srv = await start((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const err = await rejection(sender.send({ url: srv.url, message: message(), timeoutMs: 200 }));
    expect(err.code).to.equal(ErrorCodes.DELIVERY_TIMEOUT);
    expect(err.retryable).to.equal(true);
  });

  it('classifies a refused connection as CEG_ERR_DELIVERY_NETWORK, retryable', async () => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((r) => probe.close(r));
    const err = await rejection(sender.send({ url: `http://127.0.0.1:${port}/`, message: message(), timeoutMs: 5000 }));
    expect(err.code).to.equal(ErrorCodes.DELIVERY_NETWORK);
    expect(err.retryable).to.equal(true);
    expect(err.message).to.include('ECONNREFUSED');
  });

  it('classifies a connection reset mid-answer as CEG_ERR_DELIVERY_NETWORK, retryable', async () => {
    const srv = await start((req) => req.socket.destroy());
    const err = await rejection(sender.send({ url: srv.url, message: message(), timeoutMs: 5000 }));
    expect(err.code).to.equal(ErrorCodes.DELIVERY_NETWORK);
    expect(err.retryable).to.equal(true);
  });

  it('classifies an unknown host as CEG_ERR_DELIVERY_NETWORK, retryable', async () => {
    const err = await rejection(sender.send({ url: 'http://no-such-host.invalid/', message: message(), timeoutMs: 5000 }));
    expect(err.code).to.equal(ErrorCodes.DELIVERY_NETWORK);
    expect(err.retryable).to.equal(true);
  });
});
