import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { ErrorCodes, GatewayError } from '../../src/errors.js';
import { KeyRing, loadKeyRing } from '../../src/store/crypto.js';

const logger = pino({ level: 'silent' });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(GatewayError);
    return (err as GatewayError).code;
  }
  return undefined;
}

describe('store crypto', () => {
  const k0 = KeyRing.generateSpec('k0');
  const k1 = KeyRing.generateSpec('k1');

  it('round-trips, with a fresh IV each time and the key id in the sealed value', () => {
    const ring = KeyRing.parse(k1);
    const a = ring.encrypt('whsec_secret', 'ctx');
    const b = ring.encrypt('whsec_secret', 'ctx');
    expect(a).to.match(/^v1\.k1\.[\w-]{16}\.[\w-]+$/);
    expect(a).to.not.equal(b);
    expect(a).to.not.include('whsec');
    expect(ring.decrypt(a, 'ctx')).to.equal('whsec_secret');
    expect(ring.decrypt(ring.encrypt(''), '')).to.equal('');
  });

  it('rotates: the first key seals, older keys still open, a dropped key is reported', () => {
    const sealedOld = KeyRing.parse(k0).encrypt('old');
    const rotated = KeyRing.parse(`${k1},${k0}`);
    expect(rotated.currentKeyId).to.equal('k1');
    expect(rotated.decrypt(sealedOld)).to.equal('old');
    expect(rotated.encrypt('new').split('.')[1]).to.equal('k1');
    expect(codeOf(() => KeyRing.parse(k1).decrypt(sealedOld))).to.equal(ErrorCodes.CRYPTO_KEY);
  });

  it('detects tampering with the ciphertext, the IV or the context', () => {
    const ring = KeyRing.parse(k1);
    const sealed = ring.encrypt('payload', 'sub/1');
    const [v, kid, iv, body] = sealed.split('.') as [string, string, string, string];
    const flip = (s: string) => {
      const buf = Buffer.from(s, 'base64url');
      buf[0]! ^= 1;
      return buf.toString('base64url');
    };
    expect(codeOf(() => ring.decrypt([v, kid, iv, flip(body)].join('.'), 'sub/1'))).to.equal(ErrorCodes.CRYPTO_KEY);
    expect(codeOf(() => ring.decrypt([v, kid, flip(iv), body].join('.'), 'sub/1'))).to.equal(ErrorCodes.CRYPTO_KEY);
    expect(codeOf(() => ring.decrypt(sealed, 'sub/2'))).to.equal(ErrorCodes.CRYPTO_KEY);
    expect(codeOf(() => ring.decrypt('v1.k1.abc', 'sub/1'))).to.equal(ErrorCodes.CRYPTO_KEY);
  });

  it('rejects malformed key rings', () => {
    expect(codeOf(() => KeyRing.parse(''))).to.equal(ErrorCodes.CRYPTO_KEY);
    expect(codeOf(() => KeyRing.parse('k1:' + Buffer.alloc(16).toString('base64')))).to.equal(ErrorCodes.CRYPTO_KEY);
    expect(codeOf(() => KeyRing.parse('nokey'))).to.equal(ErrorCodes.CRYPTO_KEY);
    expect(codeOf(() => KeyRing.parse(`${k1},${k1}`))).to.equal(ErrorCodes.CRYPTO_KEY);
  });

  describe('loadKeyRing', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'ceg-crypto-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('refuses to start in production without a key', async () => {
      try {
        await loadKeyRing({ production: true }, { dataDir: dir, logger, env: {} });
        expect.fail('expected a start-up error');
      } catch (err) {
        expect((err as GatewayError).code).to.equal(ErrorCodes.CRYPTO_KEY);
      }
    });

    it('takes config keys, else CEG_ENCRYPTION_KEYS, else the key file', async () => {
      expect((await loadKeyRing({ keys: k1, production: true }, { dataDir: dir, logger, env: { CEG_ENCRYPTION_KEYS: k0 } })).currentKeyId).to.equal('k1');
      expect((await loadKeyRing({ production: true }, { dataDir: dir, logger, env: { CEG_ENCRYPTION_KEYS: k0 } })).currentKeyId).to.equal('k0');
      const file = join(dir, 'keys');
      await writeFile(file, `${k1}\n${k0}\n`);
      expect((await loadKeyRing({ keyFile: file, production: true }, { dataDir: dir, logger, env: {} })).currentKeyId).to.equal('k1');
    });

    it('generates a 0600 key file in development and reuses it', async () => {
      const first = await loadKeyRing({}, { dataDir: dir, logger, env: {} });
      const file = join(dir, 'encryption.keys');
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      expect(await readFile(file, 'utf8')).to.include(first.currentKeyId + ':');
      const second = await loadKeyRing({}, { dataDir: dir, logger, env: {} });
      expect(second.decrypt(first.encrypt('x'))).to.equal('x');
    });
  });
});
