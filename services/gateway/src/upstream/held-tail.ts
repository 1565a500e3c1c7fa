import { Readable } from 'node:stream';

/**
 * A readable that passes bytes on as they come but always keeps the latest chunk back until
 * `release()`; `abort(error)` ends it with an error instead, so the reader never holds the whole
 * of bytes that failed verification (npm then sees a broken download, never a complete bad one).
 */
export class HeldTail extends Readable {
  #held: Buffer | null = null;
  #ended = false;
  #released = false;

  override _read(): void {
    // Pushed by `write`; nothing to pull.
  }

  write(chunk: Buffer): void {
    if (this.#ended || this.destroyed) return;
    if (this.#held) this.push(this.#held);
    this.#held = chunk;
  }

  /** The source ended: the last chunk waits for `release` or `abort`. */
  end(): void {
    this.#ended = true;
    if (this.#released) this.#flush();
  }

  release(): void {
    this.#released = true;
    if (this.#ended) this.#flush();
  }

  abort(error: Error): void {
    this.#held = null;
    this.destroy(error);
  }

  #flush(): void {
    if (this.destroyed) return;
    if (this.#held) this.push(this.#held);
    this.#held = null;
    this.push(null);
  }
}
