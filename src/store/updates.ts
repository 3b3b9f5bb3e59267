// Attempt updates in flight. A delivery's new state is visible to every reader once the database has committed
// it, before its writer has the answer and appends the attempt's row to the log. A reader of attempts waits for
// the updates in flight and for what their writers do next, so a state it saw comes with the attempt behind it.
export class UpdatesInFlight {
  readonly #pending = new Set<Promise<unknown>>();

  /** Answers `update` itself, tracked until it settles. */
  track<T>(update: Promise<T>): Promise<T> {
    this.#pending.add(update);
    // runs once per attempt, so two unnamed closures rather than one bound to a name: the TypeScript loader
    // wraps each named closure in a name-keeping call (~1 % of the event loop at full load), and `finally`
    // would chain one more promise
    update.then(
      () => this.#pending.delete(update),
      () => this.#pending.delete(update),
    );
    return update;
  }

  /** Resolves once every update in flight now has settled and its writer's continuation has run. */
  async settled(): Promise<void> {
    if (this.#pending.size === 0) return;
    await Promise.allSettled([...this.#pending]);
    // a writer continues in microtasks of the turn its update settled in: the next turn comes after them
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
