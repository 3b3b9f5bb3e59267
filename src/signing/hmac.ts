// Plain HMAC-SHA256 hex of the raw body, optionally prefixed (`sha256=` in X-Hub-Signature-256). There
// is no timestamp, so receivers get no replay protection from it. With several active secrets the
// signatures are comma-separated, as a repeated HTTP header would be; a receiver comparing the whole
// value only accepts single-secret messages, so rotate such endpoints with one active secret.
import { createHmac } from 'node:crypto';
import { ErrorCodes, GatewayError } from '../errors.js';
import { hmacKey } from './keys.js';
import { failed, ok, safeEqual, type Body, type VerifyResult } from './verify.js';

export interface HmacInput {
  body: Body;
  /** newest first; each signs */
  secrets: readonly string[];
  /** put before the hex, e.g. `sha256=`; default none */
  prefix?: string;
}

function hexSignature(secret: string, body: Body): string {
  return createHmac('sha256', hmacKey(secret)).update(body).digest('hex');
}

/** The header value, e.g. `sha256=5f2b…`. */
export function signHmac(input: HmacInput): string {
  if (input.secrets.length === 0) throw new GatewayError(ErrorCodes.CRYPTO_KEY, 'no signing secret to sign with');
  return input.secrets.map((s) => (input.prefix ?? '') + hexSignature(s, input.body)).join(', ');
}

/** Receiver side: the header value as received (undefined when absent) against the raw body. */
export function verifyHmac(
  body: Body,
  headerValue: string | undefined,
  secrets: readonly string[],
  opts: { prefix?: string } = {},
): VerifyResult {
  if (!headerValue) return failed('missing-header');
  const prefix = opts.prefix ?? '';
  const offered = headerValue.split(',').map((s) => s.trim());
  if (offered.some((s) => !s.startsWith(prefix))) return failed('malformed-header');
  for (const secret of secrets) {
    const expected = prefix + hexSignature(secret, body);
    if (offered.some((sig) => safeEqual(sig, expected))) return ok;
  }
  return failed('no-matching-signature');
}
