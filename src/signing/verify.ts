// What every receiver-side check shares: raw body bytes, header lookup, the replay window and
// constant-time comparison.
import { timingSafeEqual } from 'node:crypto';

/** The exact bytes that were sent; a string is taken as its UTF-8 encoding. */
export type Body = Uint8Array | string;

/** Incoming headers as Node and most frameworks hand them over. */
export type IncomingHeaders = Record<string, string | readonly string[] | undefined>;

export type VerifyFailure =
  | 'missing-header'
  | 'malformed-header'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'no-matching-signature';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

export interface VerifyOptions {
  /** accepted clock difference in seconds, both directions; default 300 */
  toleranceSec?: number;
  /** the receiver's clock, unix seconds; default now */
  now?: number;
}

export const DEFAULT_TOLERANCE_SEC = 5 * 60;

export function bodyBytes(body: Body): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** A header by case-insensitive name; repeated headers are joined with `,` as HTTP allows. */
export function header(headers: IncomingHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(',');
  }
  return undefined;
}

/** Checks a unix-seconds timestamp string against the replay window; null when it is acceptable. */
export function timestampProblem(value: string, opts: VerifyOptions): VerifyFailure | null {
  if (!/^\d+$/.test(value)) return 'malformed-header';
  const tolerance = opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  const delta = (opts.now ?? unixNow()) - Number(value);
  if (delta > tolerance) return 'timestamp-too-old';
  if (delta < -tolerance) return 'timestamp-too-new';
  return null;
}

/** Constant-time string equality (the length of a signature is no secret). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const ok: VerifyResult = { ok: true };

export function failed(reason: VerifyFailure): VerifyResult {
  return { ok: false, reason };
}
