import { assertHashes, largestPowerOfTwoBelow, subtreeRoot } from './hashing';
import { TlogErrorCode, TransparencyLogError } from './tlog-error';

/** MTH(D[lo:hi]) for hi > lo, however the caller holds the tree (leaf list, stored subtree nodes). */
export type RangeHasher = (lo: number, hi: number) => Buffer;

/**
 * The audit path PATH(index, D[0:treeSize]) of RFC 9162 §2.1.3.1, ordered from the leaf up. Only the
 * first `treeSize` leaf hashes are read, so a proof against an older checkpoint comes from the same list.
 * Cost is O(treeSize): the subtrees it hashes are disjoint.
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, treeSize: number): Buffer[] {
  assertSize(treeSize, leafHashes.length);
  assertIndex(index, treeSize);
  assertHashes(leafHashes.slice(0, treeSize), 'leaf hash');
  return inclusionPath((lo, hi) => subtreeRoot(leafHashes, lo, hi), index, treeSize);
}

/**
 * The consistency proof PROOF(oldSize, D[0:newSize]) of RFC 9162 §2.1.4.1: the fewest hashes that let
 * a holder of the old root recompute both roots. Empty when oldSize is 0 or equals newSize.
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number, newSize: number): Buffer[] {
  assertSize(newSize, leafHashes.length);
  assertOldSize(oldSize, newSize);
  assertHashes(leafHashes.slice(0, newSize), 'leaf hash');
  return consistencyPath((lo, hi) => subtreeRoot(leafHashes, lo, hi), oldSize, newSize);
}

/** PATH(index, D[0:treeSize]) with subtree roots from `hash`; the caller has checked the range. */
export function inclusionPath(hash: RangeHasher, index: number, treeSize: number): Buffer[] {
  const proof: Buffer[] = [];
  path(hash, index, 0, treeSize, proof);
  return proof;
}

/** PROOF(oldSize, D[0:newSize]) with subtree roots from `hash`; the caller has checked the range. */
export function consistencyPath(hash: RangeHasher, oldSize: number, newSize: number): Buffer[] {
  const proof: Buffer[] = [];
  if (oldSize > 0 && oldSize < newSize) subproof(hash, oldSize, 0, newSize, true, proof);
  return proof;
}

export function assertSize(size: number, available: number): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > available) {
    throw new TransparencyLogError(TlogErrorCode.IndexOutOfRange, `tree size ${size} is not within 0..${available}`);
  }
}

export function assertIndex(index: number, treeSize: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) {
    throw new TransparencyLogError(TlogErrorCode.IndexOutOfRange, `leaf index ${index} is not in a tree of size ${treeSize}`);
  }
}

export function assertOldSize(oldSize: number, newSize: number): void {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) {
    throw new TransparencyLogError(TlogErrorCode.IndexOutOfRange, `old size ${oldSize} is not within 0..${newSize}`);
  }
}

/** PATH(m, D[lo:hi]); appends bottom-up because the recursion returns before it pushes. */
function path(hash: RangeHasher, m: number, lo: number, hi: number, out: Buffer[]): void {
  const n = hi - lo;
  if (n <= 1) return;
  const k = largestPowerOfTwoBelow(n);
  if (m < k) {
    path(hash, m, lo, lo + k, out);
    out.push(hash(lo + k, hi));
  } else {
    path(hash, m - k, lo + k, hi, out);
    out.push(hash(lo, lo + k));
  }
}

/** SUBPROOF(m, D[lo:hi], b); `complete` is RFC 9162's b: whether D[lo:lo+m] is the whole old tree. */
function subproof(hash: RangeHasher, m: number, lo: number, hi: number, complete: boolean, out: Buffer[]): void {
  const n = hi - lo;
  if (m === n) {
    if (!complete) out.push(hash(lo, hi));
    return;
  }
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) {
    subproof(hash, m, lo, lo + k, complete, out);
    out.push(hash(lo + k, hi));
  } else {
    subproof(hash, m - k, lo + k, hi, false, out);
    out.push(hash(lo, lo + k));
  }
}
