// Lets work run concurrently while one step of it happens in arrival order. The ingest consumer prepares
// events in parallel (validation, store writes) but must publish their delivery tasks in stream order,
// or events of one ordering key could overtake each other.

export interface Turn {
  /** resolves when every earlier turn is done */
  wait: Promise<void>;
  done(): void;
}

export class Sequencer {
  #tail: Promise<void> = Promise.resolve();

  next(): Turn {
    const wait = this.#tail;
    let done!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      done = resolve;
    });
    return { wait, done };
  }
}
