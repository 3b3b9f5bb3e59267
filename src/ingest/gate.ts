// Keeps per-key order across gateway processes. Several processes pull the ingest stream; an event bound
// for an ordered subscription may only be enqueued once every earlier stream message is either acked
// (the consumer's ack floor) or held by this process (whose sequencer enqueues in stream order anyway).
// Otherwise a later event of a key could overtake an earlier one another process (or a crashed one,
// until redelivery) still holds. In the common single-process case nothing is asked of the server.
import type { Consumer, JsMsg } from '@nats-io/jetstream';

/** how often the ack floor is read from the server while an event waits */
const POLL_MS = 20;
/** the floor is also refreshed this often, so the record of our own messages stays small */
const REFRESH_EVERY_MS = 1000;

export class OrderGate {
  #floor = 0;
  /**
   * stream sequences this process received in stream order and has not seen below the floor yet; a
   * redelivery arriving after later messages is not counted: the sequencer puts it behind them
   */
  readonly #mine = new Set<number>();
  #maxSeen = 0;
  /** everything in (floor, #run] is ours: advanced as messages arrive, so a check is O(1) amortized */
  #run = 0;
  #refreshing?: Promise<void>;
  #refreshedAt = 0;

  constructor(private readonly consumer: Consumer) {}

  /** Records a message this process took from the stream. */
  received(seq: number): void {
    if (seq > this.#maxSeen) {
      this.#maxSeen = seq;
      if (seq > this.#floor) this.#mine.add(seq);
    }
    if (Date.now() - this.#refreshedAt > REFRESH_EVERY_MS) void this.#refresh().catch(() => {});
  }

  /**
   * Resolves true once everything before `m` is acked or ours; false after `maxWaitMs` (the caller hands
   * the message back, freeing its slot for the redelivery it may be waiting for).
   */
  async pass(m: JsMsg, maxWaitMs: number): Promise<boolean> {
    const deadline = Date.now() + maxWaitMs;
    while (!this.#clear(m.seq)) {
      if (Date.now() > deadline) return false;
      await this.#refresh();
      if (this.#clear(m.seq)) break;
      m.working();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return true;
  }

  #clear(seq: number): boolean {
    this.#run = Math.max(this.#run, this.#floor);
    while (this.#run < seq - 1 && this.#mine.has(this.#run + 1)) this.#run++;
    return this.#run >= seq - 1;
  }

  #refresh(): Promise<void> {
    this.#refreshedAt = Date.now();
    this.#refreshing ??= this.consumer
      .info()
      .then((info) => {
        this.#floor = Math.max(this.#floor, info.ack_floor.stream_seq);
        for (const s of this.#mine) if (s <= this.#floor) this.#mine.delete(s);
      })
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }
}
