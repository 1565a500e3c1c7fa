import { RegistryHttpError } from './registry-errors';

/**
 * Bounds how many large request bodies are read and parsed at once. Each costs its size several
 * times over in memory (the bytes, the decoded text, the parsed document) and seconds of CPU;
 * unbounded, a few clients sending big bodies in a loop take the memory and the CPU every other
 * request needs. Requests beyond `slots` wait (their bytes stay in the kernel's socket buffers);
 * beyond `queue` waiting ones, they get 503 with Retry-After, which npm retries.
 */
export class LargeBodyGate {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    readonly slots: number,
    readonly queue: number,
  ) {}

  /** Resolves with the function that frees the slot (safe to call more than once). */
  async enter(): Promise<() => void> {
    if (this.#active >= this.slots) {
      if (this.#waiting.length >= this.queue) {
        throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'too many large request bodies are being received; retry shortly', { headers: { 'retry-after': '1' } });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter, so #active stays counted.
      if (next) next();
      else this.#active -= 1;
    };
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }
}
