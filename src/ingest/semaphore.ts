/** Bounds concurrent work; `acquire` waits for a free slot. */
export class Semaphore {
  #free: number;
  /** FIFO; a waiter that may give up has `limits` (performance.now ms) */
  readonly #waiters: Array<{ take(ok: boolean): void; limits?: { since: number; until: number; stallMs: number } }> = [];
  #lastRelease = -Infinity;
  /** one timer for every waiter that may give up, not one each: under load nearly every acquisition waits */
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;

  constructor(size: number) {
    this.#free = size;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push({ take: () => resolve() }));
  }

  /**
   * Like `acquire`, but gives up (false) once the slots stop moving: no slot released for `stallMs`, or
   * `maxMs` gone by in all. Queueing behind holders that finish one after another costs only time; holders
   * that all hang (slow endpoints) would cost it for good.
   */
  acquireWhileMoving(stallMs: number, maxMs: number): Promise<boolean> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((take) => {
      const since = performance.now();
      const limits = { since, until: since + maxMs, stallMs };
      this.#waiters.push({ take, limits });
      if (this.#endOf(limits) < this.#timerAt) this.#arm();
    });
  }

  release(): void {
    this.#lastRelease = performance.now();
    const next = this.#waiters.shift();
    if (next) next.take(true);
    else this.#free++;
  }

  /** resolves when all slots are free again */
  async idle(size: number): Promise<void> {
    while (this.#free < size) await new Promise((r) => setTimeout(r, 10));
  }

  /** When a waiter gives up unless a slot comes: its bound, or `stallMs` after the last release (or its arrival). */
  #endOf(l: { since: number; until: number; stallMs: number }): number {
    return Math.min(l.until, Math.max(this.#lastRelease, l.since) + l.stallMs);
  }

  /** Lets go of the waiters whose wait is over, then waits for the next one's end. */
  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    for (let i = 0; i < this.#waiters.length; ) {
      const w = this.#waiters[i]!;
      if (w.limits && now >= this.#endOf(w.limits)) {
        this.#waiters.splice(i, 1);
        w.take(false);
      } else {
        i++;
      }
    }
    this.#arm();
  }

  /** (Re)sets the one timer to the earliest end among the waiters; a release since only moves ends later. */
  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    for (const w of this.#waiters) if (w.limits) this.#timerAt = Math.min(this.#timerAt, this.#endOf(w.limits));
    if (this.#timerAt === Infinity) return;
    this.#timer = setTimeout(() => this.#expire(), Math.max(1, this.#timerAt - performance.now()));
  }
}
