import { CONSISTENCY_PROOFS, EMPTY_TREE_ROOT, INCLUSION_PROOFS, LEAVES, ROOTS } from './__fixtures__/rfc6962-vectors';
import { largestPowerOfTwoBelow, leafHash, nodeHash, rootHash } from './hashing';
import { consistencyProof, inclusionProof } from './proofs';
import { TlogErrorCode, isTransparencyLogError } from './tlog-error';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify';

const SOME_HASH = Buffer.from('abacaba000000000000000000000000000000000000000000060061e00123456', 'hex');
const LEAF_HASHES = LEAVES.map(leafHash);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (e: unknown) {
    if (isTransparencyLogError(e)) return e.code;
    throw e;
  }
}

const flipBit = (b: Buffer, bit = 3): Buffer => {
  const copy = Buffer.from(b);
  copy[0] ^= 1 << bit;
  return copy;
};

function leaves(n: number, salt = ''): Buffer[] {
  return Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry-${i}${salt}`)));
}

describe('known vectors (transparency-dev/merkle)', () => {
  it.each(INCLUSION_PROOFS)('inclusion of leaf $index in a tree of $size', ({ index, size, proof }) => {
    expect(inclusionProof(LEAF_HASHES, index, size)).toEqual(proof);
    expect(rootFromInclusionProof(LEAF_HASHES[index], index, size, proof)).toEqual(ROOTS[size - 1]);
    expect(() => verifyInclusion(LEAF_HASHES[index], index, size, proof, ROOTS[size - 1])).not.toThrow();
  });

  it.each(CONSISTENCY_PROOFS)('consistency $oldSize -> $newSize', ({ oldSize, newSize, proof }) => {
    expect(consistencyProof(LEAF_HASHES, oldSize, newSize)).toEqual(proof);
    expect(() => verifyConsistency(oldSize, newSize, ROOTS[oldSize - 1], ROOTS[newSize - 1], proof)).not.toThrow();
  });

  // The corruptions of the Go suite's corruptInclusionProof, all of which must be refused.
  it.each(INCLUSION_PROOFS.filter((v) => v.proof.length > 0))('refuses corrupted inclusion $index/$size', ({ index, size, proof }) => {
    const root = ROOTS[size - 1];
    const leaf = LEAF_HASHES[index];
    const probes: [number, number, Buffer, readonly Buffer[], Buffer][] = [
      [index - 1, size, leaf, proof, root],
      [index + 1, size, leaf, proof, root],
      [index ^ 2, size, leaf, proof, root],
      [index, size * 2, leaf, proof, root],
      [index, Math.floor(size / 2), leaf, proof, root],
      [index, size, Buffer.from('WrongLeaf'), proof, root],
      [index, size, leafHash(Buffer.from('WrongLeaf')), proof, root],
      [index, size, leaf, proof, EMPTY_TREE_ROOT],
      [index, size, leaf, proof, SOME_HASH],
      [index, size, leaf, [...proof, Buffer.alloc(0)], root],
      [index, size, leaf, [...proof, root], root],
      [index, size, leaf, [Buffer.alloc(0), ...proof], root],
      [index, size, leaf, [root, ...proof], root],
      [index, size, leaf, proof.slice(0, -1), root],
      ...proof.map((_, i): [number, number, Buffer, Buffer[], Buffer] => [index, size, leaf, proof.map((p, j) => (i === j ? flipBit(p) : p)), root]),
    ];
    if (proof.length > 1) probes.push([index, size, leaf, [proof[0], SOME_HASH, ...proof.slice(1)], root]);
    for (const [i, s, l, p, r] of probes) {
      expect(codeOf(() => verifyInclusion(l, i, s, p, r))).toBe(TlogErrorCode.InclusionProofInvalid);
    }
  });

  it.each(CONSISTENCY_PROOFS.filter((v) => v.proof.length > 0))('refuses corrupted consistency $oldSize -> $newSize', ({ oldSize, newSize, proof }) => {
    const [r1, r2] = [ROOTS[oldSize - 1], ROOTS[newSize - 1]];
    const probes: [number, number, Buffer, Buffer, readonly Buffer[]][] = [
      [oldSize - 1, newSize, r1, r2, proof],
      [oldSize + 1, newSize, r1, r2, proof],
      [oldSize ^ 2, newSize, r1, r2, proof],
      [oldSize, newSize * 2, r1, r2, proof],
      [oldSize, Math.floor(newSize / 2), r1, r2, proof],
      [oldSize, newSize, Buffer.from('WrongRoot'), r2, proof],
      [oldSize, newSize, r1, Buffer.from('WrongRoot'), proof],
      [oldSize, newSize, SOME_HASH, r2, proof],
      [oldSize, newSize, r1, SOME_HASH, proof],
      [oldSize, newSize, r2, r1, proof],
      [oldSize, newSize, r1, r2, []],
      [oldSize, newSize, r1, r2, [...proof, Buffer.alloc(0)]],
      [oldSize, newSize, r1, r2, [...proof, r1]],
      [oldSize, newSize, r1, r2, [...proof, r2]],
      [oldSize, newSize, r1, r2, [Buffer.alloc(0), ...proof]],
      [oldSize, newSize, r1, r2, [r1, ...proof]],
      [oldSize, newSize, r1, r2, [r2, ...proof]],
      [oldSize, newSize, r1, r2, [proof[0], ...proof]],
      [oldSize, newSize, r1, r2, proof.slice(0, -1)],
      ...proof.map((_, i): [number, number, Buffer, Buffer, Buffer[]] => [oldSize, newSize, r1, r2, proof.map((p, j) => (i === j ? flipBit(p, 4) : p))]),
    ];
    for (const [s1, s2, a, b, p] of probes) {
      expect(codeOf(() => verifyConsistency(s1, s2, a, b, p))).toBe(TlogErrorCode.ConsistencyProofInvalid);
    }
  });
});

describe('inclusion proofs for every leaf of trees of 1..64 leaves', () => {
  const all = leaves(64);

  it('verify, and fail when a node, the index, the size, the leaf or the root is altered', () => {
    let checked = 0;
    for (let size = 1; size <= 64; size++) {
      const root = rootHash(all.slice(0, size));
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(all, index, size);
        const leaf = all[index];
        verifyInclusion(leaf, index, size, proof, root);
        const bad = (run: () => void): void => expect(codeOf(run)).toBe(TlogErrorCode.InclusionProofInvalid);
        proof.forEach((_, i) => bad(() => verifyInclusion(leaf, index, size, proof.map((p, j) => (i === j ? flipBit(p, i % 8) : p)), root)));
        for (const otherIndex of [index - 1, index + 1, index ^ 1, size]) {
          if (otherIndex !== index) bad(() => verifyInclusion(leaf, otherIndex, size, proof, root));
        }
        // As in the Go suite: sizes that change the path's shape. (5 vs 6 leaves can share a shape for
        // leaf 0; such a proof then shows the same leaf under the same root, which is not a forgery.)
        for (const otherSize of [size * 2, Math.floor(size / 2)]) {
          bad(() => verifyInclusion(leaf, index, otherSize, proof, root));
        }
        bad(() => verifyInclusion(flipBit(leaf), index, size, proof, root));
        bad(() => verifyInclusion(leaf, index, size, proof, flipBit(root)));
        bad(() => verifyInclusion(leaf, index, size, [...proof, root], root));
        if (proof.length > 0) bad(() => verifyInclusion(leaf, index, size, proof.slice(1), root));
        checked++;
      }
    }
    expect(checked).toBe((64 * 65) / 2);
  });

  it('have the RFC path length, no more', () => {
    const more = leaves(65);
    expect(inclusionProof(more, 0, 1)).toHaveLength(0);
    expect(inclusionProof(more, 63, 64)).toHaveLength(6);
    expect(inclusionProof(more, 64, 65)).toHaveLength(1);
    expect(inclusionProof(more, 0, 65)).toHaveLength(7);
    expect(inclusionProof(more, 40, 41)).toHaveLength(2);
  });

  it('refuse to build a proof outside the tree', () => {
    expect(codeOf(() => inclusionProof(all, 5, 5))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => inclusionProof(all, -1, 5))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => inclusionProof(all, 0, 65))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => inclusionProof(all, 0.5, 5))).toBe(TlogErrorCode.IndexOutOfRange);
  });

  it('refuse to compute a root from a path longer or shorter than the tree allows', () => {
    const proof = inclusionProof(all, 5, 13);
    expect(codeOf(() => rootFromInclusionProof(all[5], 5, 13, [...proof, all[0]]))).toBe(TlogErrorCode.InclusionProofInvalid);
    expect(codeOf(() => rootFromInclusionProof(all[5], 5, 13, proof.slice(0, -1)))).toBe(TlogErrorCode.InclusionProofInvalid);
    expect(rootFromInclusionProof(all[5], 5, 13, proof)).toEqual(rootHash(all.slice(0, 13)));
  });

  it('refuse verification inputs that cannot describe a leaf', () => {
    const root = rootHash(all.slice(0, 4));
    expect(codeOf(() => verifyInclusion(all[0], 0, 0, [], root))).toBe(TlogErrorCode.InclusionProofInvalid);
    expect(codeOf(() => verifyInclusion(all[0], -1, 4, [], root))).toBe(TlogErrorCode.InclusionProofInvalid);
    expect(codeOf(() => verifyInclusion(Buffer.alloc(0), 0, 1, [], Buffer.alloc(0)))).toBe(TlogErrorCode.InclusionProofInvalid);
    // A one-leaf tree's root is its leaf hash and the proof is empty.
    expect(codeOf(() => verifyInclusion(all[0], 0, 1, [], all[0]))).toBeUndefined();
  });
});

describe('consistency proofs between all sizes up to 40', () => {
  const honest = leaves(40);

  it('verify for every 0 <= old <= new <= 40', () => {
    for (let newSize = 0; newSize <= 40; newSize++) {
      const newRoot = rootHash(honest.slice(0, newSize));
      for (let oldSize = 0; oldSize <= newSize; oldSize++) {
        const proof = consistencyProof(honest, oldSize, newSize);
        expect(codeOf(() => verifyConsistency(oldSize, newSize, rootHash(honest.slice(0, oldSize)), newRoot, proof))).toBeUndefined();
      }
    }
  });

  it('fail against a log that rewrote an earlier entry, whichever proof it serves', () => {
    for (let changed = 0; changed < 39; changed++) {
      const rewritten = honest.map((h, i) => (i === changed ? leafHash(Buffer.from(`forged-${i}`)) : h));
      for (let oldSize = changed + 1; oldSize < 40; oldSize++) {
        const oldRoot = rootHash(honest.slice(0, oldSize)); // what a client saw before the rewrite
        for (const newSize of [oldSize + 1, 40]) {
          const newRoot = rootHash(rewritten.slice(0, newSize));
          for (const proof of [consistencyProof(rewritten, oldSize, newSize), consistencyProof(honest, oldSize, newSize)]) {
            expect(codeOf(() => verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof))).toBe(TlogErrorCode.ConsistencyProofInvalid);
          }
        }
      }
    }
  });

  it('fail when any proof node is flipped', () => {
    for (let newSize = 2; newSize <= 40; newSize++) {
      for (let oldSize = 1; oldSize < newSize; oldSize++) {
        const proof = consistencyProof(honest, oldSize, newSize);
        const [r1, r2] = [rootHash(honest.slice(0, oldSize)), rootHash(honest.slice(0, newSize))];
        proof.forEach((_, i) => {
          const tampered = proof.map((p, j) => (i === j ? flipBit(p, 0) : p));
          expect(codeOf(() => verifyConsistency(oldSize, newSize, r1, r2, tampered))).toBe(TlogErrorCode.ConsistencyProofInvalid);
        });
      }
    }
  });

  it('stop at the top of the tree instead of hashing extra nodes in', () => {
    const proof = consistencyProof(honest, 6, 13);
    const [r1, r2] = [rootHash(honest.slice(0, 6)), rootHash(honest.slice(0, 13))];
    expect(() => verifyConsistency(6, 13, r1, r2, [...proof, r2])).toThrow(/longer than the path/);
    expect(() => verifyConsistency(6, 13, r1, r2, proof.slice(0, -1))).toThrow(/shorter than the path/);
  });

  it('handle the edges: equal sizes, the empty tree, shrinking', () => {
    const r5 = rootHash(honest.slice(0, 5));
    const r6 = rootHash(honest.slice(0, 6));
    const bad = (run: () => void): void => expect(codeOf(run)).toBe(TlogErrorCode.ConsistencyProofInvalid);
    expect(codeOf(() => verifyConsistency(5, 5, r5, r5, []))).toBeUndefined();
    bad(() => verifyConsistency(5, 5, r5, r6, []));
    bad(() => verifyConsistency(5, 5, r5, r5, [EMPTY_TREE_ROOT]));
    expect(codeOf(() => verifyConsistency(0, 6, EMPTY_TREE_ROOT, r6, []))).toBeUndefined();
    expect(codeOf(() => verifyConsistency(0, 0, EMPTY_TREE_ROOT, EMPTY_TREE_ROOT, []))).toBeUndefined();
    bad(() => verifyConsistency(0, 6, SOME_HASH, r6, []));
    bad(() => verifyConsistency(0, 6, EMPTY_TREE_ROOT, r6, [EMPTY_TREE_ROOT]));
    bad(() => verifyConsistency(6, 5, r6, r5, consistencyProof(honest, 5, 6)));
    bad(() => verifyConsistency(1, 2, SOME_HASH, SOME_HASH, []));
    expect(codeOf(() => consistencyProof(honest, 6, 5))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => consistencyProof(honest, 1, 41))).toBe(TlogErrorCode.IndexOutOfRange);
  });
});

describe('sizes beyond 32-bit arithmetic', () => {
  // A tree whose leaves are all the same hash has O(log n) distinct subtree roots, so proofs for a
  // 2^40-leaf tree can be built here; `>>` on such sizes would silently truncate to 32 bits.
  const L = leafHash(Buffer.from('same'));
  const memo = new Map<number, Buffer>();
  const uniformRoot = (n: number): Buffer => {
    if (n === 1) return L;
    const cached = memo.get(n);
    if (cached) return cached;
    const k = largestPowerOfTwoBelow(n);
    const root = nodeHash(uniformRoot(k), uniformRoot(n - k));
    memo.set(n, root);
    return root;
  };
  const path = (m: number, n: number): Buffer[] => {
    if (n <= 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k ? [...path(m, k), uniformRoot(n - k)] : [...path(m - k, n - k), uniformRoot(k)];
  };
  const subproof = (m: number, n: number, complete: boolean): Buffer[] => {
    if (m === n) return complete ? [] : [uniformRoot(n)];
    const k = largestPowerOfTwoBelow(n);
    return m <= k ? [...subproof(m, k, complete), uniformRoot(n - k)] : [...subproof(m - k, n - k, false), uniformRoot(k)];
  };

  it('verifies inclusion and consistency in a tree of 2^40 + 3 leaves', () => {
    const size = 2 ** 40 + 3;
    const index = 2 ** 40 + 1;
    const proof = path(index, size);
    expect(codeOf(() => verifyInclusion(L, index, size, proof, uniformRoot(size)))).toBeUndefined();
    expect(codeOf(() => verifyInclusion(L, index, size, proof.slice(1), uniformRoot(size)))).toBe(TlogErrorCode.InclusionProofInvalid);
    const oldSize = 2 ** 33 + 7;
    const cproof = subproof(oldSize, size, true);
    expect(codeOf(() => verifyConsistency(oldSize, size, uniformRoot(oldSize), uniformRoot(size), cproof))).toBeUndefined();
    expect(codeOf(() => verifyConsistency(oldSize, size, uniformRoot(oldSize), uniformRoot(size), cproof.slice(0, -1)))).toBe(
      TlogErrorCode.ConsistencyProofInvalid,
    );
  });
});
