/** Background work a component must see finish before it stops; the work handles its own errors. */
export class InFlight {
  readonly #running = new Set<Promise<unknown>>();

  track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }

  /** resolves once everything tracked so far has settled */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }
}
