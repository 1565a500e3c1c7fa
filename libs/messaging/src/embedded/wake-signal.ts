/**
 * Lets a polling loop sleep until it is woken, without losing a wake-up that arrives while it is
 * busy: the loop `reset`s before it looks for work, and a `wake` since then makes its next
 * `sleep` return at once (the work it looked for may have arrived after it looked).
 */
export class WakeSignal {
  private woken = false;
  private wakeSleeper?: () => void;

  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  reset(): void {
    this.woken = false;
  }

  /** Resolves after `ms`, or as soon as woken (at once when woken since the last reset). */
  sleep(ms: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }
}
