import { createHash } from 'node:crypto';
import { TlogErrorCode, TransparencyLogError } from './tlog-error';

/** Every hash in the log is SHA-256. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** RFC 9162 §2.1.1: the distinct prefixes keep a leaf from ever being passed off as an inner node. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256 of the empty string. */
export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}

/**
 * MTH over leaves that are already leaf hashes (RFC 9162 §2.1.1), so a store can hand over what it
 * persisted without keeping the entries themselves.
 */
export function rootHash(leafHashes: readonly Uint8Array[]): Buffer {
  assertHashes(leafHashes, 'leaf hash');
  return leafHashes.length === 0 ? emptyRoot() : subtreeRoot(leafHashes, 0, leafHashes.length);
}

/** MTH(D[lo:hi]) for hi > lo, walking index ranges so no array is copied. */
export function subtreeRoot(leafHashes: readonly Uint8Array[], lo: number, hi: number): Buffer {
  const n = hi - lo;
  if (n === 1) return Buffer.from(leafHashes[lo]);
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(subtreeRoot(leafHashes, lo, lo + k), subtreeRoot(leafHashes, lo + k, hi));
}

/** The split point k of RFC 9162: the largest power of two strictly smaller than n (n > 1). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isHash(value: Uint8Array): boolean {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

export function assertHashes(values: readonly Uint8Array[], what: string): void {
  values.forEach((value, i) => {
    if (!isHash(value)) {
      throw new TransparencyLogError(TlogErrorCode.InvalidInput, `${what} ${i} is not a ${HASH_SIZE}-byte hash`);
    }
  });
}
