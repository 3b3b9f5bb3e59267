// Builds a gateway config for tests (real NATS, embedded store in a temp dir, loopback allowed for the
// local receiver) and reads streams back.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { buildConfig } from '../../src/config/load.js';
import type { GatewayConfig } from '../../src/config/types.js';
import { createLogger, silentLogger } from '../../src/observe/logger.js';
import { tempDir } from './tmp.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export function testConfig(opts: { natsUrl: string; dataDir?: string; doc?: Record<string, unknown> }): GatewayConfig {
  const dataDir = opts.dataDir ?? tempDir('data');
  const doc: Record<string, any> = {
    nats: { servers: [opts.natsUrl] },
    http: { port: 0 },
    schemas: { dir: path.join(ROOT, 'schemas') },
    delivery: { ssrf: { allow: ['127.0.0.1/32'] } },
    storage: { dataDir },
    log: { level: process.env.CEG_TEST_LOG ?? 'silent' },
    ...opts.doc,
  };
  return buildConfig(doc, { rootDir: ROOT, env: { ...process.env, MONGODB_URL: '' } });
}

/** Every message currently in a stream, oldest first. */
export async function readStream(nc: NatsConnection, stream: string): Promise<JsMsg[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream);
  const total = info.state.messages;
  if (total === 0) return [];
  const consumer = await jetstream(nc).consumers.get(stream);
  const out: JsMsg[] = [];
  const iter = await consumer.fetch({ max_messages: total, expires: 2000 });
  for await (const m of iter) {
    out.push(m);
    if (out.length >= total) break;
  }
  return out;
}

/** The dead-letter stream's messages, with their headers by lower-case name (first value). */
export async function deadLetters(nc: NatsConnection): Promise<Array<{ subject: string; headers: Map<string, string>; data: Uint8Array }>> {
  return (await readStream(nc, 'CEG_DLQ')).map((m) => {
    const headers = new Map<string, string>();
    for (const [k, v] of m.headers ?? []) headers.set(k.toLowerCase(), v[0] ?? '');
    return { subject: m.subject, headers, data: m.data };
  });
}

/** Polls `check` until it returns a value (not undefined) or times out. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A CloudEvent fixture from test/fixtures/events, e.g. `user.created.v1.pass.json`. */
export function fixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/events', name), 'utf8'));
}

/** Silent unless CEG_TEST_LOG names a level, e.g. CEG_TEST_LOG=debug npm test. */
export function testLogger() {
  return process.env.CEG_TEST_LOG ? createLogger({ level: process.env.CEG_TEST_LOG }) : silentLogger();
}
