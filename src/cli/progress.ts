// A live progress line on stderr (done/total, rate) for long CLI work (replay, bench), so a long run shows
// it is alive; stdout stays for results.

const TTY_EVERY_MS = 200;
// without a terminal a redrawn line is noise in logs: a plain line now and then instead
const LOG_EVERY_MS = 5000;

export class Progress {
  readonly #started = performance.now();
  #done = 0;
  #timer: NodeJS.Timeout;

  constructor(
    readonly phase: string,
    public total: number,
    readonly unit = 'events',
  ) {
    const tty = process.stderr.isTTY;
    this.#timer = setInterval(() => this.#draw(tty ? '\r' : '', tty ? '' : '\n'), tty ? TTY_EVERY_MS : LOG_EVERY_MS);
    this.#timer.unref();
  }

  set(done: number): void {
    this.#done = done;
  }

  add(n = 1): void {
    this.#done += n;
  }

  /** Final line for the phase, with an optional note (e.g. "timed out"). */
  end(note = ''): void {
    clearInterval(this.#timer);
    this.#draw(process.stderr.isTTY ? '\r' : '', `${note ? ` ${note}` : ''}\n`);
  }

  #draw(lead: string, tail: string): void {
    const elapsed = performance.now() - this.#started;
    const rate = elapsed > 0 ? (this.#done * 1000) / elapsed : 0;
    const line = `[${this.phase}] ${this.#done}/${this.total} ${this.unit}, ${rate.toFixed(0)}/s`;
    process.stderr.write(`${lead}${line.padEnd(72)}${tail}`);
  }
}
