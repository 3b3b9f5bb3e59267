// The `ceg` command as a user runs it: exit codes, one-line errors that say what to do, and publishing
// into a real JetStream.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { provision } from '../../src/nats/provision.js';
import { ROOT, testConfig } from '../helpers/gateway.js';
import { startNats } from '../helpers/nats.js';
import { execCeg, writeConfig } from '../helpers/process.js';

describe('ceg CLI', function () {
  this.timeout(60_000);

  it('validate: ok for the shipped gateway.yaml', async () => {
    const r = await execCeg(['validate', '--config', path.join(ROOT, 'gateway.yaml')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^ok: .*gateway\.yaml is valid; 1 route\(s\), \d+ event types/);
  });

  it('validate: exit 2 and every bad key path for a broken config', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ceg-cli-'));
    const file = writeConfig(dir, { nats: { srvers: [] }, routes: [{ name: 'x', match: { types: ['a'] }, destinations: [{ url: 'nope' }] }] });
    const r = await execCeg(['validate', '--config', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('/nats/srvers: unknown key "srvers"');
    expect(r.stderr).to.include('/routes/0/destinations/0/url');
  });

  it('validate: a plugin config error names the route, the plugin and the path', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ceg-cli-'));
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
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ceg-cli-'));
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
});
