// Retry timing: a schedule of delays (the first attempt's is usually 0) with ± jitter, and a server's
// Retry-After honoured within bounds so a misbehaving one cannot park a delivery for days.
import type { RetryPolicy } from '../config/types.js';

const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** Delay before attempt `next` (1-based), or undefined when the schedule is exhausted. */
export function nextDelay(policy: RetryPolicy, next: number, random = Math.random): number | undefined {
  const base = policy.scheduleMs[next - 1];
  if (base === undefined) return undefined;
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), clamped; undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  // all three HTTP-date forms open with a day name; without this test Date.parse reads "1.5" or "-5" as dates.
  // The asctime form names no zone but means GMT, which Date.parse would otherwise take as local time.
  else if (/^(mon|tue|wed|thu|fri|sat|sun)/i.test(v)) ms = Date.parse(/gmt$/i.test(v) ? v : `${v} GMT`) - now;
  else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
