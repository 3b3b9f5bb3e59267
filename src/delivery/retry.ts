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
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
