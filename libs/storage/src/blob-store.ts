import type { Readable } from 'node:stream';

/** Bytes to store. A `Readable` is consumed once and destroyed if the store stops reading early. */
export type BlobSource = Readable | AsyncIterable<Uint8Array> | Uint8Array;

/** What a stored blob is known by. The same bytes always give the same ref, on every backend. */
export interface BlobRef {
  /** Stable content address, `sha512/<128 lowercase hex>`. */
  readonly key: string;
  /** The same digest as SRI, `sha512-<base64>`, as npm writes it in `dist.integrity`. */
  readonly integrity: string;
  readonly size: number;
}

export interface PutBlobOptions {
  /** SRI the bytes must match (any algorithm Node can hash; the strongest one listed is checked, as ssri does). */
  expectedIntegrity?: string;
  /** Exact byte count the source must have. */
  expectedSize?: number;
  /** Upper bound; reading stops as soon as the source goes past it. */
  maxBytes?: number;
}

export interface GetBlobOptions {
  /**
   * Hash the bytes while they are read; the stream then ends with a `STORAGE_INTEGRITY_MISMATCH`
   * error instead of `end` if they do not match the key. Only at the end: a consumer that must not act
   * on bad bytes has to buffer or spool them until the stream ends.
   */
  verify?: boolean;
}

/**
 * Content-addressed, immutable blob storage (npm tarballs). Every method that takes
 * `keyOrIntegrity` accepts a key (`sha512/<hex>`) or an SRI string holding one sha512 digest.
 * Failures are `StorageError`s with a stable `code`.
 */
export interface BlobStore {
  /**
   * Streams `source` in while hashing it. On any failure (integrity or size mismatch, too large, the
   * source or backend failing) nothing of this call is left behind. Storing bytes that are already
   * present resolves to the same ref and leaves the stored bytes alone.
   */
  put(source: BlobSource, options?: PutBlobOptions): Promise<BlobRef>;
  /** Rejects with `STORAGE_NOT_FOUND` when absent (never a stream that errors for that). */
  get(keyOrIntegrity: string, options?: GetBlobOptions): Promise<Readable>;
  stat(keyOrIntegrity: string): Promise<BlobRef | null>;
  has(keyOrIntegrity: string): Promise<boolean>;
  /** Removes the blob; removing an absent blob is not an error. For operations (recall, GC), not for publishing flows. */
  delete(keyOrIntegrity: string): Promise<void>;
}
