// Secrets at rest: AES-256-GCM with a fresh 96-bit IV per value, sealed as `v1.<kid>.<iv>.<ciphertext+tag>`
// (base64url). The key ring's first key seals, every key opens, so rotating is: prepend a new key, let writes
// re-seal, drop the old key once nothing refers to it. `context` is bound as associated data so a sealed value
// cannot be moved to another record.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { ErrorCodes, GatewayError } from '../errors.js';

export interface EncryptionConfig {
  /** `kid:base64key,kid:base64key`, newest first; falls back to env CEG_ENCRYPTION_KEYS */
  keys?: string;
  /** a file holding the same format */
  keyFile?: string;
  /** refuse to start without a configured key instead of generating one */
  production?: boolean;
}

const VERSION = 'v1';
const KID_RE = /^[A-Za-z0-9_-]{1,64}$/;

function keyError(message: string, cause?: unknown): GatewayError {
  return new GatewayError(ErrorCodes.CRYPTO_KEY, message, { cause });
}

export class KeyRing {
  readonly #keys: Map<string, Buffer>;
  readonly #current: string;

  constructor(keys: ReadonlyArray<{ id: string; key: Buffer }>) {
    const first = keys[0];
    if (!first) throw keyError('the encryption key ring is empty');
    this.#keys = new Map();
    for (const { id, key } of keys) {
      if (!KID_RE.test(id)) throw keyError(`encryption key id "${id}" must match ${KID_RE.source}`);
      if (key.length !== 32) throw keyError(`encryption key "${id}" must be 32 bytes, got ${key.length}`);
      if (this.#keys.has(id)) throw keyError(`encryption key id "${id}" appears twice`);
      this.#keys.set(id, key);
    }
    this.#current = first.id;
  }

  /** Parses `kid:base64key` entries separated by commas or newlines, newest first. */
  static parse(spec: string): KeyRing {
    const entries = spec.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
    return new KeyRing(
      entries.map((entry) => {
        const colon = entry.indexOf(':');
        if (colon < 1) throw keyError('encryption keys must be written as kid:base64key[,kid:base64key…]');
        return { id: entry.slice(0, colon), key: Buffer.from(entry.slice(colon + 1), 'base64') };
      }),
    );
  }

  static generateSpec(id = 'k' + Date.now().toString(36)): string {
    return `${id}:${randomBytes(32).toString('base64')}`;
  }

  get currentKeyId(): string {
    return this.#current;
  }

  encrypt(plaintext: string, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.#current)!, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.#current, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string, context = ''): string {
    const [version, kid, iv, body, extra] = sealed.split('.');
    if (version !== VERSION || !kid || !iv || !body || extra !== undefined) throw keyError('not a sealed value');
    const key = this.#keys.get(kid);
    if (!key) throw keyError(`no encryption key "${kid}" in the key ring (was it rotated out too early?)`);
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length < 16) throw keyError('sealed value is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch (err) {
      throw keyError(`sealed value failed authentication with key "${kid}" (tampered or wrong context)`, err);
    }
  }
}

export interface LoadKeyRingOptions {
  /** where a development key file is generated when none is configured */
  dataDir: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

/**
 * Config keys, else env CEG_ENCRYPTION_KEYS, else the key file. With none of them, production refuses to start
 * (CEG_ERR_CRYPTO_KEY) while development generates a key file (0600) and warns, so secrets survive restarts.
 */
export async function loadKeyRing(config: EncryptionConfig, opts: LoadKeyRingOptions): Promise<KeyRing> {
  const spec = config.keys ?? opts.env?.CEG_ENCRYPTION_KEYS;
  if (spec) return KeyRing.parse(spec);

  const file = config.keyFile ?? join(opts.dataDir, 'encryption.keys');
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw keyError(`cannot read encryption key file ${file}: ${err.message}`, err);
  });
  if (existing !== undefined) return KeyRing.parse(existing);

  if (config.production) {
    throw keyError(
      'no encryption key: set encryption.keys, encryption.keyFile or CEG_ENCRYPTION_KEYS (production mode never generates one)',
    );
  }
  await mkdir(dirname(file), { recursive: true });
  const generated = KeyRing.generateSpec();
  try {
    await writeFile(file, generated + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // another process generated it first: use theirs
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return KeyRing.parse(await readFile(file, 'utf8'));
    throw keyError(`cannot write encryption key file ${file}`, err);
  }
  opts.logger.warn({ keyFile: file }, 'generated a development encryption key; configure encryption.keys for production');
  return KeyRing.parse(generated);
}
