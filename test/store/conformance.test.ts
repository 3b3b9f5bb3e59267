// One suite, every implementation: the same cases run against the embedded SQLite file and against MongoDB
// over the wire (FerretDB here and in CI, or a real server via MONGODB_URL).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { ErrorCodes, StoreError } from '../../src/errors.js';
import { generateApiKey, KeyRing, openStore, verifyApiKey } from '../../src/store/mod.js';
import type { Attempt, NewSubscription, Store, StoreConfig } from '../../src/store/mod.js';
import { newId } from '../../src/store/id.js';
import { ferretdbBinary, startFerretDB, type FerretDB } from '../helpers/ferretdb.js';
import { idTime } from '../helpers/ids.js';

const logger = pino({ level: 'silent' });
const KEYS = KeyRing.generateSpec('k1');
const DAY = 86_400_000;

/** A backing database for one implementation; `config(name)` names a fresh, isolated store. */
interface Backend {
  config(name: string): StoreConfig;
  /** the raw persisted subscription (row or document) as text */
  rawSubscription(name: string, id: string): Promise<string>;
  outage?: Pick<FerretDB, 'kill' | 'restart'>;
  /** the names of a table's (collection's) indexes */
  indexes(name: string, table: string): Promise<string[]>;
  /** makes the store look as an earlier version left it: with its index of deliveries by tenant */
  addTenantIndex(name: string): Promise<void>;
  /** makes the store look as an earlier version left it: with its processed event ids, one of them in */
  addProcessedEvents(name: string): Promise<void>;
  /** the names of the tables (collections) */
  tables(name: string): Promise<string[]>;
  /** FerretDB 1.x runs a filtered update as read-then-write, so concurrent conditional updates can both match */
  atomicUpdates: boolean;
  dispose(): Promise<void>;
}

async function embeddedBackend(): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'ceg-store-'));
  const path = (name: string) => join(dir, `${name}.db`);
  return {
    config: (name) => ({ embedded: { path: path(name) }, encryption: { keys: KEYS } }),
    async rawSubscription(name, id) {
      const db = new Database(path(name), { readonly: true });
      try {
        return JSON.stringify(db.prepare('SELECT * FROM subscriptions WHERE id = ?').get(id));
      } finally {
        db.close();
      }
    },
    async indexes(name, table) {
      const db = new Database(path(name), { readonly: true });
      try {
        return (db.prepare(`PRAGMA index_list(${table})`).all() as Array<{ name: string }>).map((i) => i.name);
      } finally {
        db.close();
      }
    },
    async addTenantIndex(name) {
      const db = new Database(path(name));
      try {
        // the file as schema version 2 made it
        db.exec('CREATE INDEX deliveries_tenant ON deliveries (tenant_id, id) WHERE tenant_id IS NOT NULL; PRAGMA user_version = 2');
      } finally {
        db.close();
      }
    },
    async addProcessedEvents(name) {
      const db = new Database(path(name));
      try {
        // the table as schema version 3 had it
        db.exec(`CREATE TABLE processed_events (source TEXT NOT NULL, id TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (source, id)) WITHOUT ROWID;
          INSERT INTO processed_events VALUES ('/src', 'e1', 0); PRAGMA user_version = 3`);
      } finally {
        db.close();
      }
    },
    async tables(name) {
      const db = new Database(path(name), { readonly: true });
      try {
        return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      } finally {
        db.close();
      }
    },
    atomicUpdates: true,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function mongoBackend(url: string, ferret?: FerretDB): Promise<Backend> {
  // short server selection so outage tests see failures quickly
  const sep = url.includes('?') ? '&' : '?';
  const full = `${url}${sep}serverSelectionTimeoutMS=1500`;
  const prefix = `ceg_test_${process.pid}_`;
  const used: string[] = [];
  return {
    config: (name) => {
      used.push(prefix + name);
      return { mongodb: { url: full, database: prefix + name }, encryption: { keys: KEYS } };
    },
    async rawSubscription(name, id) {
      const client = await MongoClient.connect(full);
      try {
        return JSON.stringify(await client.db(prefix + name).collection('subscriptions').findOne({ _id: id as never }));
      } finally {
        await client.close();
      }
    },
    async indexes(name, table) {
      const client = await MongoClient.connect(full);
      try {
        return (await client.db(prefix + name).collection(table).listIndexes().toArray()).map((i) => String(i.name));
      } finally {
        await client.close();
      }
    },
    async addTenantIndex(name) {
      const client = await MongoClient.connect(full);
      try {
        await client.db(prefix + name).collection('deliveries').createIndex({ tenantId: 1, _id: -1 }, { name: 'tenant_id' });
      } finally {
        await client.close();
      }
    },
    async addProcessedEvents(name) {
      const client = await MongoClient.connect(full);
      try {
        await client.db(prefix + name).collection('processed_events').insertOne({ _id: '["/src","e1"]' as never, expiresAt: new Date() });
      } finally {
        await client.close();
      }
    },
    async tables(name) {
      const client = await MongoClient.connect(full);
      try {
        return (await client.db(prefix + name).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      } finally {
        await client.close();
      }
    },
    ...(ferret && { outage: ferret }),
    atomicUpdates: !ferret,
    async dispose() {
      if (ferret) return ferret.stop();
      const client = await MongoClient.connect(full);
      for (const db of used) await client.db(db).dropDatabase();
      await client.close();
    },
  };
}

/** MONGODB_URL, else FerretDB, else skipped with one line (failed under CI: never a silent pass). */
async function resolveMongo(): Promise<Backend | string> {
  if (process.env.MONGODB_URL) return mongoBackend(process.env.MONGODB_URL);
  const bin = ferretdbBinary();
  if (!bin) return 'MongoDB store tests SKIPPED: no FerretDB binary; run scripts/ferretdb.sh (or set FERRETDB_BIN or MONGODB_URL)';
  const ferret = await startFerretDB(bin);
  return mongoBackend(ferret.url, ferret);
}

function sub(tenantId: string, over: Partial<NewSubscription> = {}): NewSubscription {
  return {
    tenantId,
    sink: 'https://example.test/hook',
    protocol: 'HTTP',
    protocolsettings: { headers: { 'x.team': 'a', authorization: 'Bearer t' }, method: 'POST' },
    types: ['com.example.order.created'],
    contentMode: 'structured',
    metadata: { 'owner.team': 'payments' },
    pipeline: [{ use: 'jsonata', config: { $expr: '$.data' } }],
    description: 'orders',
    secrets: [{ id: 'sec1', secret: 'whsec_plaintext-needle-123', createdAt: new Date('2024-01-01T00:00:00Z') }],
    ...over,
  };
}

function attempt(deliveryId: string, over: Partial<Attempt> = {}): Omit<Attempt, 'id'> {
  const startedAt = new Date();
  return {
    deliveryId,
    tenantId: 't1',
    subscriptionId: 's1',
    eventId: 'e1',
    eventType: 'com.example.order.created',
    attempt: 1,
    trigger: 'auto',
    request: { url: 'https://example.test/hook', method: 'POST', headers: { 'content-type': 'application/json', 'x.a': '1' } },
    response: { status: 200, headers: { 'x.b': '2' }, bodyExcerpt: 'ok' },
    durationMs: 10,
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 10),
    ...over,
  };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(StoreError);
    expect((err as StoreError).code).to.equal(code);
    return err as StoreError;
  }
  expect.fail(`expected rejection with ${code}`);
}

const implementations: Array<[string, () => Promise<Backend | string>]> = [
  ['embedded (SQLite)', embeddedBackend],
  ['mongodb', resolveMongo],
];

for (const [label, makeBackend] of implementations) {
  describe(`store conformance: ${label}`, function () {
    let backend: Backend;
    let store: Store;
    let name: string;
    let counter = 0;
    let nowMs = Date.now();
    const now = () => new Date(nowMs);
    const open = () => openStore(backend.config(name), logger, { now });

    before(async function () {
      const b = await makeBackend();
      if (typeof b === 'string') {
        if (process.env.CI) throw new Error(`${b} (CI requires them)`);
        console.log(`    ${b}`);
        this.skip();
      }
      backend = b;
    });
    after(() => backend?.dispose());
    beforeEach(async () => {
      nowMs = Date.now();
      name = `s${++counter}`;
      store = await open();
    });
    afterEach(() => store?.close());

    describe('tenants and API keys', () => {
      it('creates, gets and pages tenants; a taken id conflicts', async () => {
        const a = await store.tenants.create({ name: 'A', id: 'acme' });
        expect(await store.tenants.get('acme')).to.deep.equal(a);
        expect(await store.tenants.get('nope')).to.equal(undefined);
        await rejectsWith(store.tenants.create({ name: 'B', id: 'acme' }), ErrorCodes.STORE_CONFLICT);
        for (let i = 0; i < 4; i++) await store.tenants.create({ name: `t${i}` });
        const first = await store.tenants.list({ limit: 3 });
        const second = await store.tenants.list({ limit: 3, cursor: first.nextCursor! });
        expect(first.items).to.have.length(3);
        expect(second.items).to.have.length(2);
        expect(second.nextCursor).to.equal(undefined);
      });

      it('finds active keys by prefix, verifies the hash, revokes per tenant and records use', async () => {
        const gen = generateApiKey();
        const key = await store.apiKeys.create({ tenantId: 't1', name: 'ci', prefix: gen.prefix, hash: gen.hash });
        const found = await store.apiKeys.findActiveByPrefix(gen.prefix);
        expect(found).to.deep.equal(key);
        expect(verifyApiKey(gen.key, found!.hash)).to.equal(true);
        expect(verifyApiKey(gen.key + 'x', found!.hash)).to.equal(false);
        const used = new Date(nowMs + 1000);
        await store.apiKeys.markUsed(key.id, used);
        expect((await store.apiKeys.list('t1')).items[0]!.lastUsedAt).to.deep.equal(used);
        expect(await store.apiKeys.revoke('t2', key.id)).to.equal(false);
        expect(await store.apiKeys.revoke('t1', key.id)).to.equal(true);
        expect(await store.apiKeys.revoke('t1', key.id)).to.equal(false);
        expect(await store.apiKeys.findActiveByPrefix(gen.prefix)).to.equal(undefined);
      });
    });

    describe('subscriptions', () => {
      it('round-trips every field, secrets in plaintext', async () => {
        const created = await store.subscriptions.create(sub('t1'));
        expect(created.revision).to.equal(1);
        expect(created.state).to.equal('active');
        expect(await store.subscriptions.get('t1', created.id)).to.deep.equal(created);
      });

      it('updates with a patch (null removes), bumps the revision, detects stale revisions', async () => {
        const s = await store.subscriptions.create(sub('t1'));
        nowMs += 5000;
        const u = await store.subscriptions.update('t1', s.id, { description: null, state: 'paused', types: ['a.b'] }, 1);
        expect(u.revision).to.equal(2);
        expect(u).to.not.have.property('description');
        expect(u.state).to.equal('paused');
        expect(u.updatedAt.getTime()).to.equal(nowMs);
        expect(u.createdAt).to.deep.equal(s.createdAt);
        expect(await store.subscriptions.get('t1', s.id)).to.deep.equal(u);
        const err = await rejectsWith(store.subscriptions.update('t1', s.id, { sink: 'https://x.test' }, 1), ErrorCodes.STORE_CONFLICT);
        expect(err.retryable).to.equal(false);
        expect((await store.subscriptions.update('t1', s.id, { sink: 'https://x.test' })).revision).to.equal(3);
        await rejectsWith(store.subscriptions.update('t1', 'missing', { sink: 'https://x.test' }), ErrorCodes.STORE_NOT_FOUND);
      });

      it('concurrent unconditional updates all land, each on its own revision', async function () {
        if (!backend.atomicUpdates) {
          console.log('      (skipped on FerretDB 1.x: its conditional updates are not atomic; real MongoDB and SQLite run it)');
          this.skip();
        }
        const s = await store.subscriptions.create(sub('t1'));
        const results = await Promise.all(
          [1, 2, 3].map((i) => store.subscriptions.update('t1', s.id, { description: `d${i}` })),
        );
        expect(results.map((r) => r.revision).sort()).to.deep.equal([2, 3, 4]);
        expect((await store.subscriptions.get('t1', s.id))!.revision).to.equal(4);
      });

      it('deletes once', async () => {
        const s = await store.subscriptions.create(sub('t1'));
        expect(await store.subscriptions.delete('t1', s.id)).to.equal(true);
        expect(await store.subscriptions.get('t1', s.id)).to.equal(undefined);
        expect(await store.subscriptions.delete('t1', s.id)).to.equal(false);
      });

      it('pages in creation order across pages with filters, and lists active ones of all tenants', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) {
          const s = await store.subscriptions.create(sub('t1', { types: i % 2 ? ['odd'] : ['even', 'any'], state: i === 6 ? 'paused' : 'active' }));
          ids.push(s.id);
        }
        await store.subscriptions.create(sub('t2'));
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.subscriptions.list('t1', { limit: 3, ...(cursor && { cursor }) });
          expect(page.items.length).to.be.at.most(3);
          seen.push(...page.items.map((s) => s.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).to.deep.equal(ids);
        const even = await store.subscriptions.list('t1', { type: 'even' });
        expect(even.items.map((s) => s.id)).to.deep.equal([ids[0], ids[2], ids[4], ids[6]]);
        const paused = await store.subscriptions.list('t1', { state: 'paused' });
        expect(paused.items.map((s) => s.id)).to.deep.equal([ids[6]]);
        const active = await store.subscriptions.listActive();
        expect(active.map((s) => s.tenantId).sort()).to.deep.equal([...Array(6).fill('t1'), 't2']);
      });

      it('stores secrets encrypted: the raw record never holds the plaintext', async () => {
        const s = await store.subscriptions.create(sub('t1'));
        const raw = await backend.rawSubscription(name, s.id);
        expect(raw).to.include(s.id);
        expect(raw).to.include('v1.k1.');
        expect(raw).to.not.include('plaintext-needle');
        expect((await store.subscriptions.get('t1', s.id))!.secrets[0]!.secret).to.equal('whsec_plaintext-needle-123');
      });
    });

    describe('tenant scoping', () => {
      it("treats another tenant's ids as absent", async () => {
        const s = await store.subscriptions.create(sub('t1'));
        expect(await store.subscriptions.get('t2', s.id)).to.equal(undefined);
        await rejectsWith(store.subscriptions.update('t2', s.id, { description: 'x' }), ErrorCodes.STORE_NOT_FOUND);
        expect(await store.subscriptions.delete('t2', s.id)).to.equal(false);
        expect((await store.subscriptions.list('t2')).items).to.deep.equal([]);
        expect(await store.subscriptions.get('t1', s.id)).to.not.equal(undefined);

        const { delivery } = await store.deliveries.createIfAbsent({
          tenantId: 't1', subscriptionId: s.id, eventId: 'e', eventSource: '/src', eventType: 'x',
        });
        expect(await store.deliveries.get('t2', delivery.id)).to.equal(undefined);
        expect(await store.deliveries.get(undefined, delivery.id)).to.deep.equal(delivery);
        expect((await store.deliveries.list('t2')).items).to.deep.equal([]);
        store.attempts.append(attempt(delivery.id));
        expect(await store.attempts.listByDelivery('t2', delivery.id)).to.deep.equal([]);
        expect(await store.attempts.listByDelivery('t1', delivery.id)).to.have.length(1);
      });
    });

    describe('deliveries', () => {
      const input = { tenantId: 't1', subscriptionId: 's1', eventId: 'e1', eventSource: '/orders', eventType: 'order.created' };

      it('creates once per (source, id, target), even under many parallel writers', async () => {
        const results = await Promise.all(Array.from({ length: 25 }, () => store.deliveries.createIfAbsent(input)));
        expect(results.filter((r) => r.created)).to.have.length(1);
        expect(new Set(results.map((r) => r.delivery.id)).size).to.equal(1);
        const other = await store.deliveries.createIfAbsent({ ...input, subscriptionId: 's2' });
        expect(other.created).to.equal(true);
        const route = await store.deliveries.createIfAbsent({ eventId: 'e1', eventSource: '/orders', eventType: 'x', routeId: 'r1' });
        expect(route.created).to.equal(true);
        expect(route.delivery).to.not.have.property('tenantId');
      });

      it('records attempts: counts them, sets and clears the retry time and the error', async () => {
        const { delivery } = await store.deliveries.createIfAbsent(input);
        expect(delivery).to.include({ state: 'pending', attempts: 0 });
        const retryAt = new Date(nowMs + 60_000);
        const first = await store.deliveries.recordAttempt(delivery.id, {
          state: 'pending', nextAttemptAt: retryAt, lastError: { code: 'CEG_ERR_DELIVERY_HTTP_STATUS', message: '503', status: 503 },
        });
        expect(first).to.equal(1);
        const failed = (await store.deliveries.get('t1', delivery.id))!;
        expect(failed.attempts).to.equal(1);
        expect(failed.state).to.equal('pending');
        expect(failed.nextAttemptAt).to.deep.equal(retryAt);
        expect(failed.lastError).to.deep.equal({ code: 'CEG_ERR_DELIVERY_HTTP_STATUS', message: '503', status: 503 });
        nowMs += 1000;
        expect(await store.deliveries.recordAttempt(delivery.id, { state: 'succeeded', nextAttemptAt: null, lastError: null })).to.equal(2);
        const ok = (await store.deliveries.get('t1', delivery.id))!;
        expect(ok.attempts).to.equal(2);
        expect(ok.state).to.equal('succeeded');
        expect(ok).to.not.have.property('nextAttemptAt');
        expect(ok).to.not.have.property('lastError');
        expect(ok.lastAttemptAt!.getTime()).to.equal(nowMs);
        await rejectsWith(store.deliveries.recordAttempt('missing', { state: 'failed' }), ErrorCodes.STORE_NOT_FOUND);
      });

      it('lists newest first by subscription, state and time window, across cursor pages', async () => {
        const start = nowMs;
        const ids: string[] = [];
        for (let i = 0; i < 9; i++) {
          nowMs = start + i * 1000;
          const { delivery } = await store.deliveries.createIfAbsent({ ...input, eventId: `e${i}` });
          if (i % 3 === 0) await store.deliveries.recordAttempt(delivery.id, { state: 'failed' });
          ids.push(delivery.id);
        }
        await store.deliveries.createIfAbsent({ ...input, subscriptionId: 'other', eventId: 'x' });
        const all: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.deliveries.list('t1', { subscriptionId: 's1', limit: 4, ...(cursor && { cursor }) });
          all.push(...page.items.map((d) => d.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(all).to.deep.equal([...ids].reverse());
        const failed = await store.deliveries.list('t1', { subscriptionId: 's1', state: 'failed' });
        expect(failed.items.map((d) => d.id)).to.deep.equal([ids[6], ids[3], ids[0]]);
        const window = await store.deliveries.list('t1', { subscriptionId: 's1', from: new Date(start + 2000), to: new Date(start + 5000) });
        expect(window.items.map((d) => d.id)).to.deep.equal([ids[4], ids[3], ids[2]]);
      });
    });

    describe('attempts', () => {
      it('buffers appends and lists them per delivery in order; parallel appends all land', async () => {
        const appended = await Promise.all(
          Array.from({ length: 120 }, (_, i) => Promise.resolve().then(() => store.attempts.append(attempt('d1', { attempt: i + 1 })))),
        );
        await store.attempts.flush();
        const listed = await store.attempts.listByDelivery('t1', 'd1');
        expect(listed).to.have.length(120);
        expect(listed.map((a) => a.id)).to.deep.equal(appended.map((a) => a.id));
        expect(listed[0]).to.deep.equal(appended[0]);
      });

      it('computes stats over a time window', async () => {
        const since = new Date(nowMs - 1000);
        store.attempts.append(attempt('d0', { startedAt: new Date(nowMs - 5000), durationMs: 9999 }));
        for (let i = 1; i <= 20; i++) {
          const failed = i % 5 === 0;
          store.attempts.append(
            attempt('d1', {
              durationMs: i * 10,
              ...(failed ? { response: { status: 500, headers: {}, bodyExcerpt: '' } } : {}),
            }),
          );
        }
        store.attempts.append(attempt('d2', { response: undefined, error: { code: 'CEG_ERR_DELIVERY_NETWORK', message: 'reset' }, durationMs: 5 }));
        const stats = await store.attempts.stats('t1', 's1', since);
        expect(stats).to.deep.equal({ total: 21, succeeded: 16, failed: 5, p50Ms: 100, p95Ms: 190 });
        expect(await store.attempts.stats('t2', 's1', since)).to.deep.equal({ total: 0, succeeded: 0, failed: 0, p50Ms: 0, p95Ms: 0 });
      });

      it("lets no reader see a delivery's new state without the attempt that produced it", async () => {
        for (let i = 0; i < 20; i++) {
          const { delivery: d } = await store.deliveries.createIfAbsent({ routeId: 'r', eventId: `e-${i}`, eventSource: '/src', eventType: 't' });
          // as the delivery worker does: the attempt's row is appended once the update's count is back
          const attempted = store.deliveries.recordAttempt(d.id, { state: 'failed', nextAttemptAt: null }).then((n) =>
            store.attempts.append(attempt(d.id, { eventId: d.eventId, attempt: n })),
          );
          // a reader polling every turn of the event loop, as an API client would, meets the window between the
          // commit (visible to other readers at once) and its answer reaching the writer
          for (;;) {
            if ((await store.deliveries.get(undefined, d.id))?.state === 'failed') {
              expect(await store.attempts.listByDelivery(undefined, d.id), `attempts of ${d.eventId} once it reads failed`).to.have.length(1);
              break;
            }
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
          await attempted;
        }
      });

      it('flushes buffered attempts on close', async () => {
        for (let i = 0; i < 5; i++) store.attempts.append(attempt('d9'));
        await store.close();
        store = await open();
        expect(await store.attempts.listByDelivery(undefined, 'd9')).to.have.length(5);
      });
    });

    describe('retention', () => {
      it('hides and purges attempts past the retention window', async () => {
        store.attempts.append(attempt('d1'));
        expect(await store.attempts.listByDelivery('t1', 'd1')).to.have.length(1);
        nowMs += 29 * DAY;
        expect(await store.attempts.listByDelivery('t1', 'd1')).to.have.length(1);
        expect(await store.purgeExpired()).to.equal(0);
        nowMs += 2 * DAY;
        expect(await store.attempts.listByDelivery('t1', 'd1')).to.deep.equal([]);
        expect((await store.attempts.stats('t1', 's1', new Date(0))).total).to.equal(0);
        expect(await store.purgeExpired()).to.equal(1);
      });

      it('purges a finished delivery once it has not changed for the retention window, never a pending one', async () => {
        // ids never go back in time within a process, and earlier tests moved the clock on: start from the ids'
        nowMs = Math.max(nowMs, idTime(newId()));
        const event = (id: string) => ({ tenantId: 't1', subscriptionId: 's1', eventId: id, eventSource: '/src', eventType: 't' });
        const { delivery: done } = await store.deliveries.createIfAbsent(event('done'));
        const { delivery: waiting } = await store.deliveries.createIfAbsent(event('waiting'));
        const { delivery: again } = await store.deliveries.createIfAbsent(event('again'));
        await store.deliveries.recordAttempt(done.id, { state: 'succeeded', nextAttemptAt: null });
        await store.deliveries.recordAttempt(again.id, { state: 'failed', nextAttemptAt: null });
        nowMs += 20 * DAY;
        // redelivered by hand: it changed, so its window starts again
        await store.deliveries.recordAttempt(again.id, { state: 'failed', nextAttemptAt: null });
        nowMs += 11 * DAY;
        expect(await store.purgeExpired()).to.equal(1);
        expect(await store.deliveries.get('t1', done.id)).to.equal(undefined);
        expect((await store.deliveries.get('t1', waiting.id))?.state).to.equal('pending');
        expect((await store.deliveries.get('t1', again.id))?.attempts).to.equal(2);
        nowMs += 20 * DAY;
        expect(await store.purgeExpired()).to.equal(1);
        expect(await store.deliveries.get('t1', again.id)).to.equal(undefined);
        expect(await store.deliveries.get('t1', waiting.id)).not.to.equal(undefined);
        // the row was the duplicate check: the same event published again after the window is a new delivery
        const replayed = await store.deliveries.createIfAbsent(event('done'));
        expect(replayed.created).to.equal(true);
        expect(replayed.delivery.id).not.to.equal(done.id);
      });
    });

    describe('restart', () => {
      it('reopens the same data, secrets still readable', async () => {
        const s = await store.subscriptions.create(sub('t1'));
        const { delivery } = await store.deliveries.createIfAbsent({ tenantId: 't1', subscriptionId: s.id, eventId: 'e', eventSource: '/s', eventType: 't' });
        await store.close();
        store = await open();
        expect(await store.subscriptions.get('t1', s.id)).to.deep.equal(s);
        const again = await store.deliveries.createIfAbsent({ tenantId: 't1', subscriptionId: s.id, eventId: 'e', eventSource: '/s', eventType: 't' });
        expect(again).to.deep.equal({ delivery, created: false });
      });

      it("drops the index of deliveries by tenant that earlier versions made (no query uses it), keeping the data", async () => {
        const s = await store.subscriptions.create(sub('t1'));
        const { delivery } = await store.deliveries.createIfAbsent({ tenantId: 't1', subscriptionId: s.id, eventId: 'e', eventSource: '/s', eventType: 't' });
        await store.close();
        await backend.addTenantIndex(name);
        const before = await backend.indexes(name, 'deliveries');
        store = await open();
        const after = await backend.indexes(name, 'deliveries');
        expect(before.length - after.length).to.equal(1);
        expect(after.some((i) => /tenant/.test(i))).to.equal(false);
        expect((await store.deliveries.list('t1', { subscriptionId: s.id })).items).to.deep.equal([delivery]);
      });

      it('drops the processed event ids that earlier versions kept (no query reads them), keeping the data', async () => {
        const s = await store.subscriptions.create(sub('t1'));
        await store.close();
        await backend.addProcessedEvents(name);
        expect(await backend.tables(name)).to.include('processed_events');
        store = await open();
        expect(await backend.tables(name)).not.to.include('processed_events');
        expect(await store.subscriptions.get('t1', s.id)).to.deep.equal(s);
      });
    });

    describe('database outage', () => {
      it('fails operations as retryable STORE_UNAVAILABLE while down and recovers once back', async function () {
        if (!backend.outage) this.skip();
        const outage = backend.outage!;
        const s = await store.subscriptions.create(sub('t1'));
        await outage.kill();
        const err = await rejectsWith(store.ping(), ErrorCodes.STORE_UNAVAILABLE);
        expect(err.retryable).to.equal(true);
        await rejectsWith(store.subscriptions.get('t1', s.id), ErrorCodes.STORE_UNAVAILABLE);
        store.attempts.append(attempt('d-outage'));
        await rejectsWith(store.attempts.flush(), ErrorCodes.STORE_UNAVAILABLE);
        await outage.restart();
        // the driver reconnects on its own; poll, bounded, until it has
        for (let i = 0; ; i++) {
          try {
            await store.ping();
            break;
          } catch (e) {
            if (i >= 40) throw e;
            await sleep(250);
          }
        }
        expect(await store.subscriptions.get('t1', s.id)).to.deep.equal(s);
        expect(await store.attempts.listByDelivery('t1', 'd-outage')).to.have.length(1);
      });
    });
  });
}
