/** A FIFO async mutex: `run` waits for every earlier holder to finish. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work, work);
    // The chain continues whether `work` succeeds or fails.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
