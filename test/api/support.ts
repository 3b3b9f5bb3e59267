// A /v1 API on a real embedded store, the real schema catalog and plugin registry, listening on a free
// port. The data-path hooks record their calls; `testDelivery` really POSTs the event to the sink.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/api/app.js';
import type { ApiContext, ReplayJob, ReplayRequest } from '../../src/api/context.js';
import { v1Router } from '../../src/api/v1.js';
import { newReplayJob } from '../../src/delivery/replay.js';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { PluginRegistry } from '../../src/pipeline/mod.js';
import { SchemaRegistry } from '../../src/registry/mod.js';
import { generateApiKey, hashApiKey, KeyRing, newId, openStore } from '../../src/store/mod.js';
import type { Attempt, Delivery, Subscription } from '../../src/store/types.js';
import { ROOT, testConfig, testLogger } from '../helpers/gateway.js';

export const ADMIN_KEY = 'admin-key-for-tests-0123456789';

export interface Hooks {
  changed: Array<{ tenantId: string; id: string }>;
  tested: Array<{ subscription: Subscription; event: CloudEvent }>;
  redelivered: Delivery[];
  replays: Array<{ subscription: Subscription; request: ReplayRequest; job: ReplayJob }>;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export interface TestApi {
  url: string;
  ctx: ApiContext;
  hooks: Hooks;
  /** one request; a plain object body is sent as JSON */
  call(method: string, path: string, opts?: { key?: string; body?: unknown; headers?: Record<string, string> }): Promise<Reply>;
  /** a tenant and one API key of it */
  tenant(id: string): Promise<string>;
  close(): Promise<void>;
}

async function sendTest(subscription: Subscription, event: CloudEvent): Promise<Attempt> {
  const startedAt = new Date();
  const request = { url: subscription.sink, method: 'POST', headers: { 'content-type': 'application/cloudevents+json' } };
  const res = await fetch(subscription.sink, { method: 'POST', headers: request.headers, body: JSON.stringify(event) });
  const finishedAt = new Date();
  return {
    id: newId(),
    deliveryId: newId(),
    tenantId: subscription.tenantId,
    subscriptionId: subscription.id,
    eventId: event.id,
    eventType: event.type,
    attempt: 1,
    trigger: 'manual',
    request,
    response: { status: res.status, headers: {}, bodyExcerpt: await res.text() },
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    startedAt,
    finishedAt,
  };
}

export async function startApi(doc: Record<string, unknown> = {}): Promise<TestApi> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ceg-api-'));
  const logger = testLogger();
  const config = testConfig({ natsUrl: 'nats://127.0.0.1:4222', dataDir: dir, doc });
  const store = await openStore({ embedded: { path: path.join(dir, 'gateway.db') }, encryption: { keys: KeyRing.generateSpec() } }, logger);
  const hooks: Hooks = { changed: [], tested: [], redelivered: [], replays: [] };
  const jobs = new Map<string, ReplayJob>();
  const ctx: ApiContext = {
    config,
    store,
    schemas: await SchemaRegistry.load({ dir: path.join(ROOT, 'schemas') }),
    plugins: new PluginRegistry({ rootDir: ROOT }),
    logger,
    metrics: createMetrics(),
    adminKeyHash: hashApiKey(ADMIN_KEY),
    async subscriptionChanged(tenantId, id) {
      hooks.changed.push({ tenantId, id });
    },
    async testDelivery(subscription, event) {
      hooks.tested.push({ subscription, event });
      return sendTest(subscription, event);
    },
    async redeliver(delivery) {
      hooks.redelivered.push(delivery);
    },
    async startReplay(subscription, request) {
      const job = newReplayJob(subscription);
      jobs.set(job.id, job);
      hooks.replays.push({ subscription, request, job });
      return job;
    },
    async getReplay(tenantId, jobId) {
      const job = jobs.get(jobId);
      return job?.tenantId === tenantId ? job : undefined;
    },
  };
  const server: Server = createApp([v1Router(ctx)], logger).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const call: TestApi['call'] = async (method, p, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key !== undefined) headers.authorization = `Bearer ${opts.key}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + p, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, body: text && type.includes('json') ? JSON.parse(text) : text };
  };

  return {
    url,
    ctx,
    hooks,
    call,
    async tenant(id) {
      await store.tenants.create({ id, name: `tenant ${id}` });
      const { key, prefix, hash } = generateApiKey();
      await store.apiKeys.create({ tenantId: id, name: 'test', prefix, hash });
      return key;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid subscription body for `sink`. */
export function subscriptionBody(sink: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sink, types: ['user.created'], ...extra };
}
