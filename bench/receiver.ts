// The webhook endpoint every benchmarked system delivers to. Unlike test/helpers/receiver.ts it keeps no
// requests, only what a benchmark needs per delivery (arrival minus the publisher's send time), so a long
// run stays flat in memory and cheap in the process that also publishes.
import { once } from 'node:events';
import http from 'node:http';
import { wallMs } from './stats.js';

/** The extension attribute the publisher stamps its send time into (ms, see wallMs). */
export const SENT_AT = 'benchsentat';
const SENT_AT_HEADER = `ce-${SENT_AT}`;

export interface Delivery {
  /** the CloudEvent id */
  id: string;
  latencyMs: number;
  signed: boolean;
}

export interface BenchReceiver {
  url: string;
  /** called once per distinct (event id, path); repeats of at-least-once delivery are only counted */
  onDelivery: (d: Delivery) => void;
  readonly duplicates: number;
  close(): Promise<void>;
}

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const seen = new Set<string>();
  let duplicates = 0;
  const receiver: BenchReceiver = {
    url: '',
    onDelivery: () => {},
    get duplicates() {
      return duplicates;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.once('end', () => {
      const arrived = wallMs();
      res.writeHead(204).end();
      const id = String(req.headers['ce-id']);
      const key = `${id}|${req.url}`;
      if (seen.has(key)) {
        duplicates++;
        return;
      }
      seen.add(key);
      const sentAt = Number(req.headers[SENT_AT_HEADER]);
      receiver.onDelivery({ id, latencyMs: arrived - sentAt, signed: req.headers['webhook-signature'] !== undefined });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return receiver;
}
