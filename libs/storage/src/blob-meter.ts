import { createHash, type Hash } from 'node:crypto';
import type { BlobRef, BlobSource, PutBlobOptions } from './blob-store';
import { computedIntegrity, parseExpectedIntegrity, type ExpectedIntegrity } from './integrity';
import { StorageError, StorageErrorCode, isStorageError } from './storage-error';

/**
 * Hashes and counts the bytes of one `put` as they pass, and enforces its options. Backends only
 * move bytes; every accept/reject decision about them is made here, so all backends agree.
 */
export class BlobMeter {
  readonly #expected: ExpectedIntegrity | null;
  readonly #expectedSize: number | undefined;
  readonly #maxBytes: number;
  readonly #sha512: Hash = createHash('sha512');
  readonly #extra: Hash | null;
  #size = 0;

  /** Throws `STORAGE_INVALID_ARGUMENT` or `STORAGE_TOO_LARGE` before any byte is read. */
  constructor(options: PutBlobOptions = {}) {
    const { expectedIntegrity, expectedSize, maxBytes } = options;
    assertByteCount('expectedSize', expectedSize);
    assertByteCount('maxBytes', maxBytes);
    if (expectedSize !== undefined && maxBytes !== undefined && expectedSize > maxBytes) {
      throw new StorageError(StorageErrorCode.TooLarge, `expectedSize ${expectedSize} exceeds maxBytes ${maxBytes}`);
    }
    this.#expected = expectedIntegrity === undefined ? null : parseExpectedIntegrity(expectedIntegrity);
    this.#expectedSize = expectedSize;
    this.#maxBytes = maxBytes ?? Infinity;
    const algorithm = this.#expected?.algorithm;
    this.#extra = algorithm !== undefined && algorithm !== 'sha512' ? createHash(algorithm) : null;
  }

  /**
   * Yields the source's chunks after hashing them. Throws as soon as `maxBytes` (`STORAGE_TOO_LARGE`)
   * or `expectedSize` (`STORAGE_SIZE_MISMATCH`) is passed, which closes the source iterator and so
   * destroys a `Readable`; wraps source failures as `STORAGE_SOURCE_FAILED`.
   */
  async *read(source: BlobSource): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      for await (const chunk of asIterable(source)) {
        yield this.#count(chunk);
      }
    } catch (e: unknown) {
      if (isStorageError(e)) throw e;
      throw new StorageError(StorageErrorCode.SourceFailed, `reading the blob source failed: ${describe(e)}`, { cause: e });
    }
  }

  /** Call once the source is exhausted: checks size and integrity and returns the ref. */
  finish(): BlobRef {
    if (this.#expectedSize !== undefined && this.#size !== this.#expectedSize) {
      throw new StorageError(StorageErrorCode.SizeMismatch, `expected ${this.#expectedSize} bytes, got ${this.#size}`);
    }
    const sha512Hex = this.#sha512.digest('hex');
    const ref: BlobRef = {
      key: `sha512/${sha512Hex}`,
      integrity: computedIntegrity(sha512Hex).toString(),
      size: this.#size,
    };
    if (this.#expected) {
      const extra = this.#extra ? { algorithm: this.#expected.algorithm, hex: this.#extra.digest('hex') } : undefined;
      if (!this.#expected.sri.match(computedIntegrity(sha512Hex, extra))) {
        throw new StorageError(
          StorageErrorCode.IntegrityMismatch,
          `integrity mismatch: expected ${this.#expected.sri.toString()}, got ${ref.integrity}`,
        );
      }
    }
    return ref;
  }

  #count(chunk: unknown): Uint8Array {
    if (!(chunk instanceof Uint8Array)) {
      throw new StorageError(StorageErrorCode.InvalidArgument, 'blob sources must yield bytes (Uint8Array), not decoded strings');
    }
    this.#size += chunk.byteLength;
    if (this.#size > this.#maxBytes) {
      throw new StorageError(StorageErrorCode.TooLarge, `blob exceeds maxBytes ${this.#maxBytes}`);
    }
    if (this.#expectedSize !== undefined && this.#size > this.#expectedSize) {
      throw new StorageError(StorageErrorCode.SizeMismatch, `blob exceeds expectedSize ${this.#expectedSize}`);
    }
    this.#sha512.update(chunk);
    this.#extra?.update(chunk);
    return chunk;
  }
}

function asIterable(source: BlobSource): AsyncIterable<unknown> | Iterable<unknown> {
  return source instanceof Uint8Array ? [source] : source;
}

function assertByteCount(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new StorageError(StorageErrorCode.InvalidArgument, `${name} must be a non-negative integer, got ${value}`);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
