// Standard Webhooks v1: the signed content is `{webhook-id}.{webhook-timestamp}.{body}`; `v1` signatures
// are base64 HMAC-SHA256 under a `whsec_` secret, `v1a` signatures are base64 ed25519 under a `whsk_` key.
// During rotation every active key signs and `webhook-signature` carries them space-separated.
import { createHmac, createSecretKey, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import { ErrorCodes, GatewayError } from '../errors.js';
import {
  decodePublicKey,
  decodeSecret,
  decodeSecretKey,
  isEd25519PublicKey,
  isEd25519SecretKey,
  isSymmetricSecret,
} from './keys.js';
import {
  bodyBytes,
  failed,
  header,
  ok,
  safeEqual,
  timestampProblem,
  unixNow,
  type Body,
  type IncomingHeaders,
  type VerifyOptions,
  type VerifyResult,
} from './verify.js';

// a type alias, not an interface, so it is assignable to plain header records
export type StandardWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export interface StandardWebhookInput {
  /** the message id, stable across retries of one delivery */
  id: string;
  body: Body;
  /** `whsec_…` secrets sign `v1`, `whsk_…` keys sign `v1a`; newest first */
  secrets: readonly string[];
  /** unix seconds; default now */
  timestamp?: number;
}

/** What precedes the body in the signed content. */
const signedHead = (id: string, timestamp: string) => `${id}.${timestamp}.`;

/** The whole signed content as one buffer, which ed25519 needs. */
function signedContent(head: string, body: Body): Buffer {
  return Buffer.concat([Buffer.from(head, 'utf8'), bodyBytes(body)]);
}

/**
 * Keys by their text form: decoding a secret (and importing an ed25519 key) on every message cost more than
 * signing it. Bounded; a cleared memo only costs a decode.
 */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 1000;
function keyOf(secret: string, decode: (secret: string) => KeyObject): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = decode(secret);
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

const secretKey = (secret: string) => createSecretKey(decodeSecret(secret));

// the head and the body go in as they are: copying them into one buffer first took an eighth of a signature's time (6.3 → 5.5 µs)
function hmacSignature(secret: string, head: string, body: Body): string {
  return createHmac('sha256', keyOf(secret, secretKey)).update(head).update(body).digest('base64');
}

/** The three Standard Webhooks headers for one message. */
export function signStandardWebhook(input: StandardWebhookInput): StandardWebhookHeaders {
  if (input.secrets.length === 0) throw new GatewayError(ErrorCodes.CRYPTO_KEY, 'no signing secret to sign with');
  const timestamp = String(input.timestamp ?? unixNow());
  const head = signedHead(input.id, timestamp);
  let whole: Buffer | undefined;
  const signatures = input.secrets.map((secret) => {
    if (isSymmetricSecret(secret)) return `v1,${hmacSignature(secret, head, input.body)}`;
    if (isEd25519SecretKey(secret)) return `v1a,${edSign(null, (whole ??= signedContent(head, input.body)), keyOf(secret, decodeSecretKey)).toString('base64')}`;
    throw new GatewayError(ErrorCodes.CRYPTO_KEY, 'a Standard Webhooks key starts with "whsec_" or "whsk_"');
  });
  return { 'webhook-id': input.id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}

/**
 * Receiver side: accepts the message when the timestamp is inside the window and any signature
 * matches any of `keys` (`whsec_…` checks `v1`, `whpk_…` checks `v1a`). `body` must be the raw bytes.
 */
export function verifyStandardWebhook(
  body: Body,
  headers: IncomingHeaders,
  keys: readonly string[],
  opts: VerifyOptions = {},
): VerifyResult {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) return failed('missing-header');
  const problem = timestampProblem(timestamp, opts);
  if (problem) return failed(problem);

  const head = signedHead(id, timestamp);
  let whole: Buffer | undefined;
  const offered = signatures.split(' ').map((s) => {
    const comma = s.indexOf(',');
    return { version: s.slice(0, comma), value: s.slice(comma + 1) };
  });
  for (const key of keys) {
    if (isSymmetricSecret(key)) {
      const expected = hmacSignature(key, head, body);
      if (offered.some((s) => s.version === 'v1' && safeEqual(s.value, expected))) return ok;
    } else if (isEd25519PublicKey(key)) {
      const publicKey = decodePublicKey(key);
      const matches = offered.some(
        (s) => s.version === 'v1a' && edVerify(null, (whole ??= signedContent(head, body)), publicKey, Buffer.from(s.value, 'base64')),
      );
      if (matches) return ok;
    } else {
      throw new GatewayError(ErrorCodes.CRYPTO_KEY, 'a Standard Webhooks verification key starts with "whsec_" or "whpk_"');
    }
  }
  return failed('no-matching-signature');
}
