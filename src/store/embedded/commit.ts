// Group commit. Every SQLite transaction rewrites the pages it touched into the WAL, and a delivery row
// touches the table and two indexes, so committing each small write on its own costs far more than the
// write. Writes issued during one turn of the event loop (many deliveries finish together) share one
// transaction instead; each still gets its own result or error.
import type { Database } from 'better-sqlite3';

interface Pending {
  op: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #commit: (batch: Pending[]) => Outcome[];

  constructor(db: Database) {
    this.#commit = db.transaction((batch: Pending[]) =>
      batch.map((w): Outcome => {
        // a failing statement is undone alone (SQLite statements are atomic); the others still commit
        try {
          return { ok: true, value: w.op() };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  run<T>(op: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // setImmediate, not a microtask: it gathers the writes of every I/O callback of this loop turn
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.#commit(batch);
    } catch (err) {
      // the commit itself failed (busy, disk): nothing of the batch was written
      for (const w of batch) w.reject(err);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? batch[i]!.resolve(o.value) : batch[i]!.reject(o.error)));
  }
}
