// Key material. Standard Webhooks secrets are `whsec_` + base64 of random bytes; its asymmetric keys are
// `whsk_` + base64(ed25519 seed ‖ public key) and `whpk_` + base64(public key). The timestamped and
// plain HMAC schemes key HMAC with the UTF-8 bytes of the secret exactly as the tenant sees it, which
// is what receivers of those schemes do with the string they were given.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { ErrorCodes, GatewayError } from '../errors.js';

const SECRET_PREFIX = 'whsec_';
const SECRET_KEY_PREFIX = 'whsk_';
const PUBLIC_KEY_PREFIX = 'whpk_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

// Node imports raw ed25519 keys only through DER (its JWK import needs the public half too), so the
// fixed ASN.1 headers of PKCS#8 and SPKI for ed25519 (RFC 8410) are prepended to the raw bytes.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

function keyError(message: string): GatewayError {
  return new GatewayError(ErrorCodes.CRYPTO_KEY, message);
}

function decodePrefixed(value: string, prefix: string, what: string): Buffer {
  const encoded = value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
  if (encoded === undefined || !BASE64.test(encoded)) throw keyError(`${what} must be "${prefix}" followed by base64`);
  return Buffer.from(encoded, 'base64');
}

/** A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** A new ed25519 key pair for `v1a` signatures: the gateway keeps `secretKey`, receivers get `publicKey`. */
export function generateKeyPair(): { secretKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519.length);
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
  return {
    secretKey: SECRET_KEY_PREFIX + Buffer.concat([seed, pub]).toString('base64'),
    publicKey: PUBLIC_KEY_PREFIX + pub.toString('base64'),
  };
}

export function isSymmetricSecret(secret: string): boolean {
  return secret.startsWith(SECRET_PREFIX);
}

export function isEd25519SecretKey(secret: string): boolean {
  return secret.startsWith(SECRET_KEY_PREFIX);
}

export function isEd25519PublicKey(key: string): boolean {
  return key.startsWith(PUBLIC_KEY_PREFIX);
}

/** The HMAC key bytes of a `whsec_` secret. */
export function decodeSecret(secret: string): Buffer {
  const key = decodePrefixed(secret, SECRET_PREFIX, 'a Standard Webhooks secret');
  if (key.length === 0) throw keyError('a Standard Webhooks secret must not be empty');
  return key;
}

/** The signing key of a `whsk_` secret key (seed ‖ public key, or the bare 32-byte seed). */
export function decodeSecretKey(secret: string): KeyObject {
  const raw = decodePrefixed(secret, SECRET_KEY_PREFIX, 'an ed25519 secret key');
  if (raw.length !== 32 && raw.length !== 64) throw keyError('an ed25519 secret key holds 32 or 64 bytes');
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  if (raw.length === 64) {
    const derived = createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
    if (!derived.equals(raw.subarray(32))) throw keyError('the public half of the ed25519 secret key does not match its seed');
  }
  return key;
}

/** The verifying key of a `whpk_` public key. */
export function decodePublicKey(key: string): KeyObject {
  const raw = decodePrefixed(key, PUBLIC_KEY_PREFIX, 'an ed25519 public key');
  if (raw.length !== 32) throw keyError('an ed25519 public key holds 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

/** HMAC key bytes for the timestamped and plain HMAC schemes. */
export function hmacKey(secret: string): Buffer {
  if (secret === '') throw keyError('an HMAC secret must not be empty');
  return Buffer.from(secret, 'utf8');
}
