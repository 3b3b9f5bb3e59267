// Per-target budgets, so one slow or throttled endpoint cannot hold the worker's shared slots: a target
// gets at most `maxConcurrency` requests in flight and, with a rate limit, a token bucket of `perSecond`
// refilled continuously up to `burst`. A task over budget is handed back to JetStream with the wait. The
// limits are a target's for the whole deployment: each of the instances sharing the work (peers.ts) takes its
// part of them, at least one request at a time.

export interface TargetLimits {
  maxConcurrency: number;
  perSecond?: number;
  burst?: number;
}

/** How long a task over its target's concurrency budget waits before it is offered again. */
const BUSY_RETRY_MS = 250;

export class TargetBudgets {
  readonly #inFlight = new Map<string, number>();
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    /** how many instances share the limits, this one included */
    private readonly instances: () => number = () => 1,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the task may go now (a slot and a token are taken), else the ms to wait. */
  take(key: string, limits: TargetLimits): number {
    const share = this.instances();
    const busy = this.#inFlight.get(key) ?? 0;
    if (busy >= Math.max(1, Math.floor(limits.maxConcurrency / share))) return BUSY_RETRY_MS;
    if (limits.perSecond) {
      const rate = limits.perSecond / share;
      const burst = Math.max(1, (limits.burst ?? Math.max(1, limits.perSecond)) / share);
      const now = this.now();
      const b = this.#buckets.get(key) ?? { tokens: burst, at: now };
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
      this.#buckets.set(key, b);
      if (b.tokens < 1) return Math.ceil(((1 - b.tokens) / rate) * 1000);
      b.tokens -= 1;
    }
    this.#inFlight.set(key, busy + 1);
    return 0;
  }

  release(key: string): void {
    const busy = (this.#inFlight.get(key) ?? 1) - 1;
    if (busy <= 0) this.#inFlight.delete(key);
    else this.#inFlight.set(key, busy);
  }
}
