// API keys as shown to a tenant once: `ceg_<8 chars>_<secret>`. The store keeps only the public prefix (to
// find the row) and a SHA-256 of the whole key; a fast hash is enough because the key has 192 random bits.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX_RE = /^(ceg_[A-Za-z0-9]{8})_[A-Za-z0-9_-]+$/;

export interface GeneratedApiKey {
  /** the full key; show it once and forget it */
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = 'ceg_' + randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8);
  const key = `${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The prefix of a well-formed key, else undefined. */
export function apiKeyPrefix(key: string): string | undefined {
  return PREFIX_RE.exec(key)?.[1];
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time comparison of a presented key against a stored hash. */
export function verifyApiKey(key: string, hash: string): boolean {
  const expected = Buffer.from(hash, 'hex');
  const actual = createHash('sha256').update(key).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
