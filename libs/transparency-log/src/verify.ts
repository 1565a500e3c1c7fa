import { emptyRoot, isHash, nodeHash } from './hashing';
import { TlogErrorCode, TransparencyLogError } from './tlog-error';

// The two verifiers below follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step (step numbers in the
// comments). Shifts are done with arithmetic, not `>>`, which would truncate sizes past 2^31.

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1-5, minus the final comparison).
 * Throws TLOG_INCLUSION_PROOF_INVALID when the proof cannot belong to (index, treeSize) at all.
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
): Buffer {
  const fail = (why: string): never => {
    throw new TransparencyLogError(TlogErrorCode.InclusionProofInvalid, `inclusion proof for leaf ${index} of ${treeSize}: ${why}`);
  };
  if (!isSize(index) || !isSize(treeSize)) fail('index and size must be non-negative integers');
  // 1. leaf_index >= tree_size fails.
  if (index >= treeSize) fail('index is not below the tree size');
  if (!isHash(leafHash)) fail('leaf hash is not 32 bytes');
  // 2-3.
  let fn = index;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  // 4.
  for (const p of proof) {
    if (!isHash(p)) fail('a proof node is not 32 bytes');
    // 4a. More nodes than levels.
    if (sn === 0) fail('proof is longer than the path');
    // 4b.
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // Climb past the levels where this node has no right sibling (the right border).
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    // 4c.
    fn = half(fn);
    sn = half(sn);
  }
  // 5. (first half) sn must have reached 0, else the proof is too short.
  if (sn !== 0) fail('proof is shorter than the path');
  return r;
}

/** Throws TLOG_INCLUSION_PROOF_INVALID unless `leafHash` is leaf `index` of the tree (treeSize, root). */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const computed = rootFromInclusionProof(leafHash, index, treeSize, proof);
  // 5. (second half)
  if (!isHash(root) || !computed.equals(root)) {
    throw new TransparencyLogError(TlogErrorCode.InclusionProofInvalid, `inclusion proof for leaf ${index} of ${treeSize} does not lead to the root`);
  }
}

/**
 * Throws TLOG_CONSISTENCY_PROOF_INVALID unless the tree (newSize, newRoot) is an append-only
 * extension of (oldSize, oldRoot). RFC 9162 §2.1.4.2 covers 0 < oldSize < newSize; the edges follow
 * from the definition: equal sizes need equal roots and an empty proof; every tree extends the empty
 * tree, whose root is fixed (SHA-256 of nothing), so oldSize 0 needs that root and an empty proof.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  const fail = (why: string): never => {
    throw new TransparencyLogError(TlogErrorCode.ConsistencyProofInvalid, `consistency proof ${oldSize} -> ${newSize}: ${why}`);
  };
  if (!isSize(oldSize) || !isSize(newSize)) fail('sizes must be non-negative integers');
  if (!isHash(oldRoot) || !isHash(newRoot)) fail('roots must be 32-byte hashes');
  if (oldSize > newSize) fail('the new tree is smaller than the old one');
  if (proof.some((c) => !isHash(c))) fail('a proof node is not 32 bytes');
  if (oldSize === newSize) {
    if (proof.length !== 0) fail('equal sizes take an empty proof');
    if (!Buffer.from(oldRoot).equals(newRoot)) fail('same size, different roots');
    return;
  }
  if (oldSize === 0) {
    if (proof.length !== 0) fail('a proof from the empty tree must be empty');
    if (!emptyRoot().equals(oldRoot)) fail('the empty tree has another root');
    return;
  }

  // 1.
  if (proof.length === 0) fail('empty proof');
  // 2.
  const path: readonly Uint8Array[] = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  // 3.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // 4.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  // 6.
  for (const c of path.slice(1)) {
    // 6a.
    if (sn === 0) fail('proof is longer than the path');
    // 6b.
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    // 6c.
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  if (sn !== 0) fail('proof is shorter than the path');
  if (!fr.equals(oldRoot)) fail('proof does not lead to the old root');
  if (!sr.equals(newRoot)) fail('proof does not lead to the new root');
}

function isSize(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0;
}

function isPowerOfTwo(x: number): boolean {
  let v = x;
  while (v > 1 && v % 2 === 0) v /= 2;
  return v === 1;
}
