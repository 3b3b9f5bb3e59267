// The baseline: the least a NATS→HTTP bridge does — pull from JetStream, POST the binary-mode CloudEvent
// (its ce-* headers copied, no decoding, no validation, no store), ack. Same pull sizes, concurrency and
// keep-alive pool as the gateway, so the ratio measures what the gateway adds, not different tuning.
// Run as a child process: `node --import tsx bench/bridge.ts <config.json>`.
import { readFileSync } from 'node:fs';
import { AckPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Agent, request } from 'undici';
import { Semaphore } from '../src/ingest/semaphore.js';

export interface BridgeConfig {
  natsUrl: string;
  stream: string;
  subject: string;
  /** event source -> URLs, `*` for every event */
  targets: Record<string, string[]>;
  /** messages in flight, like the gateway's ingest (128) */
  concurrency: number;
  /** pull batch, like nats.consumer.batch (100) */
  batch: number;
}

const FORWARDED = /^ce-/;

async function bridge(config: BridgeConfig): Promise<void> {
  const nc = await connect({ servers: config.natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: config.stream, subjects: [config.subject] });
  await jsm.consumers.add(config.stream, { durable_name: 'bridge', ack_policy: AckPolicy.Explicit, max_ack_pending: 1000 });
  const consumer = await jetstream(nc).consumers.get(config.stream, 'bridge');
  const messages = await consumer.consume({ max_messages: config.batch });
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const slots = new Semaphore(config.concurrency);

  const forward = async (m: JsMsg) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of m.headers ?? []) if (FORWARDED.test(k) && v[0] !== undefined) headers[k] = v[0];
    headers['content-type'] = headers['ce-datacontenttype'] ?? 'application/octet-stream';
    const urls = config.targets['*'] ?? config.targets[headers['ce-source'] ?? ''] ?? [];
    const answers = await Promise.all(
      urls.map(async (url) => {
        const res = await request(url, { method: 'POST', headers, body: m.data, dispatcher: agent });
        await res.body.dump();
        return res.statusCode;
      }),
    );
    if (answers.every((s) => s >= 200 && s < 300)) m.ack();
    else m.nak(1000);
  };

  process.once('SIGTERM', () => messages.stop());
  console.log('bridge ready');
  for await (const m of messages) {
    await slots.acquire();
    void forward(m)
      .catch(() => m.nak(1000))
      .finally(() => slots.release());
  }
  await slots.idle(config.concurrency);
  await agent.close();
  await nc.drain();
}

const file = process.argv[2];
if (!file) throw new Error('usage: bridge.ts <config.json>');
await bridge(JSON.parse(readFileSync(file, 'utf8')) as BridgeConfig);
