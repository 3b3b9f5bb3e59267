// The timestamped HMAC header popularised by payment providers: `t=<unix>,v1=<hex>` where the hex is
// HMAC-SHA256 of `{t}.{raw body}`; during rotation each active secret adds its own `v1=` pair.
import { createHmac } from 'node:crypto';
import { ErrorCodes, GatewayError } from '../errors.js';
import { hmacKey } from './keys.js';
import { failed, ok, safeEqual, timestampProblem, unixNow, type Body, type VerifyOptions, type VerifyResult } from './verify.js';

export interface TimestampedInput {
  body: Body;
  /** newest first; each signs */
  secrets: readonly string[];
  /** unix seconds; default now */
  timestamp?: number;
}

function hexSignature(secret: string, timestamp: string, body: Body): string {
  return createHmac('sha256', hmacKey(secret)).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header value, e.g. `t=1700000000,v1=5f2b…`; the header name is the sender's choice. */
export function signTimestamped(input: TimestampedInput): string {
  if (input.secrets.length === 0) throw new GatewayError(ErrorCodes.CRYPTO_KEY, 'no signing secret to sign with');
  const t = String(input.timestamp ?? unixNow());
  return [`t=${t}`, ...input.secrets.map((s) => `v1=${hexSignature(s, t, input.body)}`)].join(',');
}

/** Receiver side: the header value as received (undefined when absent) against the raw body. */
export function verifyTimestamped(
  body: Body,
  headerValue: string | undefined,
  secrets: readonly string[],
  opts: VerifyOptions = {},
): VerifyResult {
  if (!headerValue) return failed('missing-header');
  const pairs = headerValue.split(',').map((p) => p.trim().split('='));
  const timestamps = pairs.filter(([k]) => k === 't');
  const offered = pairs.filter(([k, v]) => k === 'v1' && v !== undefined).map(([, v]) => v as string);
  const t = timestamps[0]?.[1];
  if (timestamps.length !== 1 || t === undefined || offered.length === 0) return failed('malformed-header');
  const problem = timestampProblem(t, opts);
  if (problem) return failed(problem);
  for (const secret of secrets) {
    const expected = hexSignature(secret, t, body);
    if (offered.some((sig) => safeEqual(sig, expected))) return ok;
  }
  return failed('no-matching-signature');
}
