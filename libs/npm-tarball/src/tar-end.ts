import { Header } from 'tar';
import { TarballError, TarballErrorCode } from './tarball-error';

const BLOCK = 512;

/**
 * Finds the end of a tar archive (two zero blocks) in the inflated stream, in linear time, so the
 * parser is never fed what follows: node-tar keeps every byte written after its end marker and
 * concatenates the growing remainder on each write, which made a small tarball with data after
 * the end cost minutes. What follows the end may only be zero padding (tar pads to whole
 * records); anything else is refused, since no extractor would ever look at it.
 *
 * Entry sizes come from the ustar headers. A pax `size` overriding them would desynchronise this
 * count from the parser, so the walker refuses entries whose pax size differs from their header.
 */
export class TarEndTracker {
  #pending: Buffer = Buffer.alloc(0);
  /** Bytes of entry data (with padding) still to pass before the next header. */
  #body = 0;
  #zeroBlocks = 0;
  #ended = false;

  /** True once both end blocks were seen. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The part of `chunk` that belongs to the archive (end blocks included); throws on non-zero data after it. */
  take(chunk: Buffer): Buffer {
    if (this.#ended) {
      refuseTrailing(chunk);
      return chunk.subarray(0, 0);
    }
    let at = 0;
    while (at < chunk.length && !this.#ended) {
      if (this.#body > 0) {
        const skip = Math.min(this.#body, chunk.length - at);
        this.#body -= skip;
        at += skip;
        continue;
      }
      const need = BLOCK - this.#pending.length;
      const piece = chunk.subarray(at, at + need);
      at += piece.length;
      this.#pending = this.#pending.length === 0 && piece.length === BLOCK ? piece : Buffer.concat([this.#pending, piece]);
      if (this.#pending.length < BLOCK) break;
      const block = this.#pending;
      this.#pending = Buffer.alloc(0);
      this.#header(block);
    }
    if (this.#ended) refuseTrailing(chunk.subarray(at));
    return chunk.subarray(0, at);
  }

  #header(block: Buffer): void {
    if (isZero(block)) {
      this.#zeroBlocks += 1;
      if (this.#zeroBlocks >= 2) this.#ended = true;
      return;
    }
    this.#zeroBlocks = 0;
    let size = 0;
    try {
      size = new Header(block).size ?? 0;
    } catch {
      // The parser refuses a broken header itself.
      size = 0;
    }
    if (!Number.isSafeInteger(size) || size < 0) size = 0;
    this.#body = Math.ceil(size / BLOCK) * BLOCK;
  }
}

function isZero(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i += 1) if (bytes[i] !== 0) return false;
  return true;
}

function refuseTrailing(bytes: Buffer): void {
  if (!isZero(bytes)) {
    throw new TarballError(TarballErrorCode.TrailingData, 'the tarball has data after the end of its tar archive, which no installer would read');
  }
}
