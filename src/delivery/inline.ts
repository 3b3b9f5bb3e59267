// Inline first attempts. Most deliveries succeed at the first try, and for those the deliveries stream is
// pure overhead: a publish, a pull, an ack and a task decode per delivery, on the gateway and on the server.
// So the ingest loop tries the first attempt of a fresh, unordered delivery itself, holding its event
// unacked meanwhile, and the deliveries stream carries only what needs it: retries (published with the
// time they are due) and attempts that outlive the hand-off limit (published so that a crash cannot strand
// them, while the attempt itself runs on).
//
// The event stays unacked while its inline attempts run, but it holds none of the ingest loop's slots, so a
// slow endpoint does not slow the intake; it holds at most its own budget of inline slots. A target whose
// inline attempt failed or had to be handed off cools down: its deliveries take the stream for a while, so a
// dead endpoint costs the inline path one time-out, not one per event. Slowness below the hand-off limit is
// no reason to cool down: what the gateway measures under load includes its own queueing, and moving work
// to the costlier path would make exactly that worse.

/** How long a target whose inline attempt failed or was handed off takes the deliveries stream instead. */
const COOL_DOWN_MS = 30_000;
/** Past the attempt's own time-out before a hand-off task may run, so it finds the attempt recorded. */
export const HANDOFF_MARGIN_MS = 1000;

export class InlineHealth {
  readonly #coolingUntil = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** whether the target may take an inline attempt now */
  ok(key: string): boolean {
    const until = this.#coolingUntil.get(key);
    if (until === undefined) return true;
    if (until > this.now()) return false;
    this.#coolingUntil.delete(key);
    return true;
  }

  coolDown(key: string): void {
    this.#coolingUntil.set(key, this.now() + COOL_DOWN_MS);
  }
}
