/**
 * Runs one `work` per key at a time: callers that arrive while it runs share its promise, so N
 * concurrent requests for the same uncached file cost one upstream request.
 */
export class SingleFlight<T> {
  readonly #running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.#running.get(key);
    if (running) return running;
    const started = (async () => {
      try {
        return await work();
      } finally {
        this.#running.delete(key);
      }
    })();
    this.#running.set(key, started);
    return started;
  }

  /** Keys with work in flight (for metrics and tests). */
  get size(): number {
    return this.#running.size;
  }
}
