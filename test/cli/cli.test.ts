// The `ceg` command as a user runs it: exit codes, one-line errors that say what to do, and publishing
// into a real JetStream.
import path from 'node:path';
import { expect } from 'chai';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Gateway } from '../../src/gateway.js';
import { provision } from '../../src/nats/provision.js';
import { api, tenantKey } from '../helpers/api.js';
import { ROOT, testConfig, testLogger } from '../helpers/gateway.js';
import { startReceiver } from '../helpers/receiver.js';
import { startNats } from '../helpers/nats.js';
import { execCeg, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

describe('ceg CLI', function () {
  this.timeout(60_000);

  it('validate: ok for the shipped gateway.yaml', async () => {
    const r = await execCeg(['validate', '--config', path.join(ROOT, 'gateway.yaml')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^ok: .*gateway\.yaml is valid; 1 route\(s\), \d+ event types/);
  });

  it('validate: exit 2 and every bad key path for a broken config', async () => {
    const dir = tempDir('cli');
    const file = writeConfig(dir, { nats: { srvers: [] }, routes: [{ name: 'x', match: { types: ['a'] }, destinations: [{ url: 'nope' }] }] });
    const r = await execCeg(['validate', '--config', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('/nats/srvers: unknown key "srvers"');
    expect(r.stderr).to.include('/routes/0/destinations/0/url');
  });

  it('validate: a plugin config error names the route, the plugin and the path', async () => {
    const dir = tempDir('cli');
    const file = writeConfig(dir, {
      schemas: { dir: path.join(ROOT, 'schemas') },
      routes: [{ name: 'siem', match: { types: ['security.>'] }, destinations: [{ url: 'https://h.example/' }], pipeline: [{ use: 'siem', config: { format: 'xml' } }] }],
    });
    const r = await execCeg(['validate', '--config', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/route "siem"/);
    expect(r.stderr).to.include('/routes/0/pipeline/0/config/format');
  });

  it('schemas: lists at least 20 types with their versions', async () => {
    const r = await execCeg(['schemas', '--json', '--config', path.join(ROOT, 'gateway.yaml')]);
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as Array<{ type: string; version: number }>;
    expect(new Set(rows.map((x) => x.type)).size).to.be.at.least(20);
    expect(rows.filter((x) => x.type === 'user.created').map((x) => x.version)).to.deep.equal([1, 2]);
  });

  it('publish: stores a structured or binary event in the ingest stream, and refuses an invalid one', async () => {
    const nats = await startNats();
    const nc = await connect({ servers: nats.url });
    try {
      await provision(await jetstreamManager(nc), testConfig({ natsUrl: nats.url }));
      const dir = tempDir('cli');
      const file = writeConfig(dir, { nats: { servers: [nats.url] } });
      const ok = await execCeg(['publish', '--config', file, '--type', 'test.cli', '--id', 'cli-1', '--data', '{"a":1}']);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(ok.stdout).to.match(/published test\.cli cli-1 to ce\.test\.cli \(stream CEG_EVENTS, seq 1\)/);
      const bin = await execCeg(['publish', '--config', file, '--type', 'test.cli', '--id', 'cli-2', '--mode', 'binary', '--data', '"x"']);
      expect(bin.code, bin.stderr).to.equal(0);
      const msg = await (await jetstreamManager(nc)).streams.getMessage('CEG_EVENTS', { seq: 2 });
      expect(msg?.header.get('ce-id')).to.equal('cli-2');
      const bad = await execCeg(['publish', '--config', file, '--type', 'test.cli', '--source', '', '--id', 'cli-3']);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.match(/\/source/);
    } finally {
      await nc.drain();
      await nats.cleanup();
    }
  });

  it('replay: follows the job with a progress line and prints what it enqueued', async () => {
    const ADMIN = 'cli-admin-key-0123456789abcdef012345';
    const nats = await startNats();
    const receiver = await startReceiver();
    const gw = await Gateway.start(
      testConfig({ natsUrl: nats.url, doc: { api: { adminKey: ADMIN }, schemas: { policies: [{ types: ['cli.>'], unknownTypes: 'accept' }] } } }),
      { logger: testLogger() },
    );
    try {
      const dir = tempDir('cli');
      const file = writeConfig(dir, { nats: { servers: [nats.url] } });
      // published before anyone subscribed: only a replay brings them to the new subscriber
      for (let i = 0; i < 5; i++) {
        const r = await execCeg(['publish', '--config', file, '--type', i < 3 ? 'cli.wanted' : 'cli.other', '--id', `r-${i}`]);
        expect(r.code, r.stderr).to.equal(0);
      }
      const { key } = await tenantKey(gw.url, ADMIN, 'cli');
      const sub = await api(gw.url, 'POST', '/v1/subscriptions', key, { sink: receiver.url, types: ['cli.wanted'] });
      const r = await execCeg(['replay', sub.body.id, '--start-seq', '1', '--url', gw.url], { CEG_API_KEY: key });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/\[replay [0-9a-f-]+\] 5\/5 events scanned/);
      expect(JSON.parse(r.stdout)).to.include({ scanned: 5, enqueued: 3 });
      await receiver.waitFor(3);
      expect(receiver.received.map((x) => x.headers['ce-id']).sort()).to.deep.equal(['r-0', 'r-1', 'r-2']);
    } finally {
      await gw.stop();
      await receiver.close();
      await nats.cleanup();
    }
  });
});
