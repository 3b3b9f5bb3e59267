// Write-behind buffer: callers push without waiting, rows go out in batches when enough are queued or a
// short delay has passed, and on flush(). A batch the database refused stays queued (in order) and is
// retried later, so an outage delays rows instead of losing them, up to `maxBuffered`.
import type { Logger } from 'pino';

export interface BatcherOptions<T> {
  write(batch: T[]): Promise<void>;
  logger: Logger;
  /** rows per write */
  maxBatch?: number;
  /** longest a row waits before a write is started */
  maxDelayMs?: number;
  /** beyond this many queued rows (database down for long) the oldest are dropped, with an error log */
  maxBuffered?: number;
  /** wait before retrying after a failed background write */
  retryDelayMs?: number;
}

export class Batcher<T> {
  readonly #opts: Required<BatcherOptions<T>>;
  #queue: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(opts: BatcherOptions<T>) {
    this.#opts = { maxBatch: 500, maxDelayMs: 200, maxBuffered: 100_000, retryDelayMs: 1000, ...opts };
  }

  push(row: T): void {
    this.#queue.push(row);
    const over = this.#queue.length - this.#opts.maxBuffered;
    if (over > 0) {
      this.#queue.splice(0, over);
      this.#opts.logger.error({ dropped: over }, 'attempt buffer full while the store is failing: dropped the oldest rows');
    }
    if (this.#queue.length >= this.#opts.maxBatch) this.#background(0);
    else this.#background(this.#opts.maxDelayMs);
  }

  /** Resolves once every row queued before the call is written. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = this.#chain.then(() => this.#drain());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #background(delayMs: number): void {
    if (this.#timer && delayMs > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((err: unknown) => {
        this.#opts.logger.warn({ err, pending: this.#queue.length }, 'buffered attempt write failed; will retry');
        this.#background(this.#opts.retryDelayMs);
      });
    }, delayMs);
    this.#timer.unref();
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#opts.maxBatch);
      try {
        await this.#opts.write(batch);
      } catch (err) {
        this.#queue.unshift(...batch);
        throw err;
      }
    }
  }
}
