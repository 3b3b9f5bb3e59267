// The gateway instances sharing one deliveries stream, counted so that a target's rate limit holds for the
// whole deployment and not once per process. Each instance announces itself on a core NATS subject every
// HEARTBEAT_MS (and says goodbye when it stops); a target's budget is divided by the instances heard from
// lately. A work-queue consumer hands its tasks out about evenly, so an instance's share of a limit is close
// to its share of the traffic; where it is not, the target gets less than its limit, never more. Core NATS
// is enough: a lost heartbeat only makes the count lag by one period.
import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

export const HEARTBEAT_MS = 2000;
/** An instance not heard from for this long is no longer counted (it crashed, or its heartbeats are lost). */
const EXPIRES_MS = 3 * HEARTBEAT_MS;

const decoder = new TextDecoder();

interface Beat {
  id: string;
  bye?: true;
}

export function peersSubject(deliveriesStream: string): string {
  return `ceg.control.instances.${deliveriesStream}`;
}

export class Peers {
  readonly id = randomUUID();
  readonly #seen = new Map<string, number>();
  #sub?: Subscription;
  #timer?: NodeJS.Timeout;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly opts: { now?: () => number; observe?: (count: number) => void } = {},
  ) {}

  start(): void {
    this.#sub = this.nc.subscribe(this.subject, {
      callback: (err, msg) => {
        if (!err) this.#heard(msg.data);
      },
    });
    this.#beat({ id: this.id });
    this.#timer = setInterval(() => {
      this.#beat({ id: this.id });
      this.opts.observe?.(this.count());
    }, HEARTBEAT_MS);
    this.#timer.unref();
    this.opts.observe?.(1);
  }

  /** The instances sharing the work, this one included. */
  count(): number {
    const cutoff = this.#now() - EXPIRES_MS;
    for (const [id, at] of this.#seen) if (at < cutoff) this.#seen.delete(id);
    return this.#seen.size + 1;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#sub?.unsubscribe();
    this.#beat({ id: this.id, bye: true });
  }

  #beat(beat: Beat): void {
    // a closed or draining connection refuses publishes: the others will stop counting this one at expiry
    if (this.nc.isClosed() || this.nc.isDraining()) return;
    try {
      this.nc.publish(this.subject, JSON.stringify(beat));
    } catch {
      // the connection closed in between: same as above
    }
  }

  #heard(data: Uint8Array): void {
    let beat: Partial<Beat>;
    try {
      beat = JSON.parse(decoder.decode(data)) as Partial<Beat>;
    } catch {
      return; // not one of ours: the subject is the gateway's own, nothing to answer
    }
    if (typeof beat.id !== 'string' || beat.id === this.id) return;
    if (beat.bye) {
      this.#seen.delete(beat.id);
    } else {
      // a newcomer hears back at once instead of taking whole limits until the next heartbeats
      if (!this.#seen.has(beat.id)) this.#beat({ id: this.id });
      this.#seen.set(beat.id, this.#now());
    }
    this.opts.observe?.(this.count());
  }

  #now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
