// The embedded file's indexes are chosen for the queries the gateway makes: each listing the API offers is
// answered from an index, in its order (no scan of the table, no sort), and an index no query uses is not
// kept, since every delivery pays for it in page writes.
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { KeyRing, openStore, type Store } from '../../src/store/mod.js';
import { tempDir } from '../helpers/tmp.js';

describe('embedded store: indexes', () => {
  let file: string;
  let store: Store;
  let db: Database.Database;
  before(async () => {
    file = `${tempDir('indexes')}/gw.db`;
    store = await openStore({ embedded: { path: file }, encryption: { keys: KeyRing.generateSpec() } }, pino({ level: 'silent' }));
    db = new Database(file, { readonly: true });
  });
  after(async () => {
    db.close();
    await store.close();
  });

  const plan = (sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');

  it("lists a subscription's deliveries newest first from its index, with or without the API's filters", () => {
    for (const extra of ['', "AND state = 'failed'", 'AND created_at >= 0 AND created_at < 1', "AND id < 'x'"]) {
      const detail = plan(`SELECT id FROM deliveries WHERE tenant_id = 't' AND subscription_id = 's' ${extra} ORDER BY id DESC LIMIT 10`);
      expect(detail, extra).to.match(/USING INDEX deliveries_subscription/);
      expect(detail, extra).not.to.match(/TEMP B-TREE/);
    }
  });

  it("finds a delivery by id and by its event's key (the dedupe at admission) without a scan", () => {
    expect(plan("SELECT id FROM deliveries WHERE id = 'x'")).to.match(/USING PRIMARY KEY/);
    expect(plan("SELECT id FROM deliveries WHERE event_source = 's' AND event_id = 'e' AND target = 't'")).to.match(/USING INDEX sqlite_autoindex_deliveries/);
  });

  it('finds the deliveries old enough to purge by a range of the primary key (ids begin with their time)', () => {
    const detail = plan("SELECT id FROM deliveries WHERE id < 'x' AND state <> 'pending' AND updated_at < 1 LIMIT 1000");
    expect(detail).to.match(/SEARCH deliveries USING PRIMARY KEY \(id<\?\)/);
  });

  it('keeps no index on deliveries by tenant alone: no query lists a tenant\'s deliveries without a subscription', () => {
    const names = (db.prepare('PRAGMA index_list(deliveries)').all() as Array<{ name: string }>).map((r) => r.name);
    expect(names).to.include('deliveries_subscription');
    expect(names).not.to.include('deliveries_tenant');
  });
});
