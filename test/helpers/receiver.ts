// A real HTTP server standing in for a subscriber's webhook: it records every request with its raw body
// and answers what the test tells it to.
import { once } from 'node:events';
import http from 'node:http';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export type Responder = (req: Received, index: number) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };

/** A responder where each path answers on its own script, indexed by that path's request count (204 otherwise). */
export function byPath(scripts: Record<string, (n: number) => ReturnType<Responder>>): Responder {
  const counts = new Map<string, number>();
  return (req) => {
    const n = counts.get(req.url) ?? 0;
    counts.set(req.url, n + 1);
    return scripts[req.url]?.(n) ?? { status: 204 };
  };
}

export interface Receiver {
  url: string;
  received: Received[];
  respond: Responder;
  /** resolves when `n` requests have arrived (or rejects after `timeoutMs`) */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(respond: Responder = () => ({ status: 204 })): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const self: Receiver = {
    url: '',
    received,
    respond,
    async waitFor(n, timeoutMs = 15_000) {
      if (received.length >= n) return received;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver got ${received.length} of ${n} requests in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => { clearTimeout(timer); resolve(); } });
      });
      return received;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
    const index = received.length;
    const answer = self.respond(entry, index);
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    received.push(entry);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    for (const w of waiters.filter((w) => received.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  self.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return self;
}
