import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { buildConfig, loadConfigFile } from '../../src/config/mod.js';
import { ConfigError, type GatewayError } from '../../src/errors.js';
import { ROOT } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

function invalid(doc: unknown, env: NodeJS.ProcessEnv = {}): GatewayError {
  try {
    buildConfig(doc, { env });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as GatewayError;
  }
  throw new Error('expected the config to be refused');
}

const route = (extra: Record<string, unknown> = {}) => ({
  name: 'r',
  match: { types: ['user.>'] },
  destinations: [{ url: 'https://hooks.example.com/in' }],
  ...extra,
});

describe('config loading', () => {
  it('accepts the shipped gateway.yaml', () => {
    const c = loadConfigFile(path.join(ROOT, 'gateway.yaml'), { env: {} });
    expect(c.routes.map((r) => r.name)).to.deep.equal(['audit']);
    expect(c.schemas.dir).to.equal(path.join(ROOT, 'schemas'));
  });

  it('fills defaults, converts durations and resolves paths against the file', () => {
    const c = buildConfig({ routes: [route({ retry: { schedule: [0, '30s', '2m'] } })] }, { env: {}, rootDir: '/srv/ceg' });
    expect(c.delivery.timeoutMs).to.equal(10_000);
    expect(c.delivery.retry.scheduleMs).to.deep.equal([0, 60_000, 300_000, 1_800_000, 7_200_000]);
    expect(c.routes[0]!.retry!.scheduleMs).to.deep.equal([0, 30_000, 120_000]);
    expect(c.nats.stream.maxAgeMs).to.equal(7 * 86_400_000);
    expect(c.storage.dataDir).to.equal('/srv/ceg/.data');
    expect(c.routes[0]!.destinations[0]!.contentMode).to.equal('binary');
  });

  it('names every violation by key path and says what was expected', () => {
    const err = invalid({
      nats: { srvers: [] },
      http: { port: 'eighty' },
      routes: [route({ destinations: [{ url: 'ftp://x', contentMode: 'xml' }] })],
    });
    const by = Object.fromEntries(err.violations.map((v) => [v.pointer, v.message]));
    expect(by['/nats/srvers']).to.match(/unknown key "srvers"; expected one of: servers,/);
    expect(by['/http/port']).to.equal('must be integer');
    expect(by['/routes/0/destinations/0/url']).to.match(/pattern/);
    expect(by['/routes/0/destinations/0/contentMode']).to.equal('must be one of: binary, structured');
    expect(err.message).to.include('/nats/srvers');
  });

  it('refuses what the schema cannot see: duplicate route names, bad type patterns, bad CIDRs', () => {
    const err = invalid({
      routes: [route(), route({ match: { types: ['user.>.x'] } })],
      delivery: { ssrf: { allow: ['10.0.0.0/99'] } },
    });
    const pointers = err.violations.map((v) => v.pointer);
    expect(pointers).to.include.members(['/routes/1/name', '/routes/1/match/types/0', '/delivery/ssrf/allow/0']);
  });

  it('refuses an inline hand-off limit that an event could outlive unacked, unless inline attempts are off', () => {
    const err = invalid({ nats: { consumer: { ackWait: '10s' } }, delivery: { inline: { handoffAfter: '6s' } } });
    expect(err.violations[0]).to.deep.include({ pointer: '/delivery/inline/handoffAfter' });
    expect(err.violations[0]!.message).to.match(/half of nats\.consumer\.ackWait \(10s\)/);
    const off = buildConfig({ nats: { consumer: { ackWait: '10s' } }, delivery: { inline: { enabled: false, handoffAfter: '6s' } } });
    expect(off.delivery.inline).to.deep.equal({ enabled: false, handoffAfterMs: 6000 });
    expect(buildConfig({}).delivery.inline).to.deep.equal({ enabled: true, handoffAfterMs: 2000 });
  });

  it('interpolates ${VAR} and ${VAR:-fallback} after parsing, with $${ as an escape', () => {
    const c = buildConfig(
      { nats: { token: '${TOKEN}', name: '${NAME:-gw}' }, routes: [route({ destinations: [{ url: 'https://h.example/', headers: { 'x-template': '$${literal}' } }] })] },
      { env: { TOKEN: 'a: b\n- c' } },
    );
    // a value cannot change the document's structure: it stays one string
    expect(c.nats.token).to.equal('a: b\n- c');
    expect(c.nats.name).to.equal('gw');
    expect(c.routes[0]!.destinations[0]!.headers['x-template']).to.equal('${literal}');
  });

  it('refuses an unset variable without a fallback, naming where it is used', () => {
    const err = invalid({ nats: { token: '${NOPE}' } });
    expect(err.violations[0]).to.deep.include({ pointer: '/nats/token' });
    expect(err.message).to.match(/NOPE is not set/);
  });

  it('lets NATS_URL and MONGODB_URL override the file', () => {
    const c = buildConfig({ nats: { servers: ['nats://a:4222'] } }, { env: { NATS_URL: 'nats://x:1,nats://y:2', MONGODB_URL: 'mongodb://db:27017' } });
    expect(c.nats.servers).to.deep.equal(['nats://x:1', 'nats://y:2']);
    expect(c.storage.mongodb).to.deep.equal({ url: 'mongodb://db:27017', database: 'cloudevents_gateway' });
  });

  it('says what to do about a missing file and about YAML that does not parse', () => {
    const dir = tempDir('cfg');
    expect(() => loadConfigFile(path.join(dir, 'absent.yaml'))).to.throw(ConfigError, /pass --config <file>/);
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'routes: [unclosed');
    try {
      loadConfigFile(bad);
      expect.fail('expected a YAML error');
    } catch (err) {
      expect((err as GatewayError).code).to.equal('CEG_ERR_CONFIG_INVALID');
      expect((err as Error).message).to.match(/not valid YAML/);
    }
  });
});
