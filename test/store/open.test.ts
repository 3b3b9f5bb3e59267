import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { ErrorCodes, type GatewayError } from '../../src/errors.js';
import { idFloor } from '../../src/store/id.js';
import { apiKeyPrefix, generateApiKey, KeyRing, newId, openStore } from '../../src/store/mod.js';
import { idTime } from '../helpers/ids.js';

describe('openStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ceg-open-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uses the embedded file when no MongoDB is configured', async () => {
    const store = await openStore({ embedded: { path: join(dir, 'gw.db') }, encryption: { keys: KeyRing.generateSpec() } }, pino({ level: 'silent' }));
    await store.ping();
    await store.close();
  });

  it('fails at start in production mode without an encryption key', async () => {
    try {
      await openStore({ embedded: { path: join(dir, 'gw.db') }, encryption: { production: true } }, pino({ level: 'silent' }), { env: {} });
      expect.fail('expected a start-up error');
    } catch (err) {
      expect((err as GatewayError).code).to.equal(ErrorCodes.CRYPTO_KEY);
    }
  });

  it('keeps retrying an unreachable MongoDB, one log line per try, until aborted', async () => {
    // a port nothing listens on
    const srv = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const { port } = srv.address() as { port: number };
    await new Promise((r) => srv.close(r));

    const lines: Array<{ msg: string; attempt?: number }> = [];
    const ac = new AbortController();
    const logger = pino({ level: 'warn' }, { write: (s: string) => {
      const line = JSON.parse(s) as { msg: string; attempt?: number };
      lines.push(line);
      if (lines.length === 2) ac.abort();
    } });
    const url = `mongodb://127.0.0.1:${port}/?serverSelectionTimeoutMS=100`;
    try {
      await openStore({ mongodb: { url, database: 'x' }, encryption: { keys: KeyRing.generateSpec() } }, logger, { signal: ac.signal });
      expect.fail('expected the abort');
    } catch (err) {
      expect((err as Error).name).to.equal('AbortError');
    }
    expect(lines.map((l) => l.attempt)).to.deep.equal([1, 2]);
    expect(lines[0]!.msg).to.match(/MongoDB not reachable \(try 1\), retrying/);
  });
});

describe('store ids and API keys', () => {
  it('makes UUIDv7 ids that sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 500 }, () => newId(1_700_000_000_000));
    expect(ids[0]).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).to.deep.equal(ids);
    expect(new Set(ids).size).to.equal(500);
    expect(newId(1_600_000_000_000) > ids[499]!).to.equal(true); // a clock stepping back keeps the order
  });

  it('bounds by time: ids made before a moment sort below its floor, the others at or above it (the purge relies on it)', () => {
    const t = idTime(newId()) + 1000; // past every id made so far in this process
    const [before, at, after] = [newId(t - 1), newId(t), newId(t + 1)];
    expect(idTime(at)).to.equal(t);
    expect(before < idFloor(t)).to.equal(true);
    expect(at >= idFloor(t)).to.equal(true);
    expect(after > idFloor(t)).to.equal(true);
  });

  it('generates keys whose prefix identifies them and whose hash is all that is kept', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(prefix).to.match(/^ceg_[A-Za-z0-9]{8}$/);
    expect(apiKeyPrefix(key)).to.equal(prefix);
    expect(apiKeyPrefix('not-a-key')).to.equal(undefined);
    expect(hash).to.match(/^[0-9a-f]{64}$/);
    expect(hash).to.not.include(key);
  });
});
