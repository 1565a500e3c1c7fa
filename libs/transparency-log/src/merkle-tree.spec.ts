import { LEAVES, ROOTS } from './__fixtures__/rfc6962-vectors';
import { emptyRoot, leafHash } from './hashing';
import { MerkleTree } from './merkle-tree';
import { TlogErrorCode, isTransparencyLogError } from './tlog-error';
import { verifyConsistency, verifyInclusion } from './verify';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (e: unknown) {
    return isTransparencyLogError(e) ? e.code : 'not a tlog error';
  }
}

describe('MerkleTree', () => {
  it('grows by append and reports the reference roots at every size', () => {
    const tree = new MerkleTree();
    expect(tree.size).toBe(0);
    expect(tree.root()).toEqual(emptyRoot());
    LEAVES.forEach((data, i) => {
      expect(tree.append(leafHash(data))).toBe(i);
      expect(tree.root()).toEqual(ROOTS[i]);
    });
    expect(tree.size).toBe(8);
    expect(tree.root(3)).toEqual(ROOTS[2]);
    expect(tree.leafHash(5)).toEqual(leafHash(LEAVES[5]));
  });

  it('loads the leaf hashes a store kept and answers the same proofs as one built by appends', () => {
    const hashes = LEAVES.map(leafHash);
    const loaded = new MerkleTree(hashes);
    const appended = new MerkleTree();
    hashes.forEach((h) => appended.append(h));
    expect(loaded.inclusionProof(6)).toEqual(appended.inclusionProof(6));
    expect(loaded.consistencyProof(3)).toEqual(appended.consistencyProof(3));
    expect(loaded.root()).toEqual(ROOTS[7]);
  });

  it('proves against an older size so old checkpoints stay usable', () => {
    const tree = new MerkleTree(LEAVES.map(leafHash));
    const proof = tree.inclusionProof(2, 5);
    expect(() => verifyInclusion(tree.leafHash(2), 2, 5, proof, ROOTS[4])).not.toThrow();
    const consistency = tree.consistencyProof(2, 6);
    expect(() => verifyConsistency(2, 6, ROOTS[1], ROOTS[5], consistency)).not.toThrow();
  });

  it('is not changed by the caller mutating what it passed in or got back', () => {
    const hashes = LEAVES.map(leafHash);
    const tree = new MerkleTree(hashes);
    hashes[0][0] ^= 1;
    hashes.push(leafHash(Buffer.from('sneaked in')));
    tree.leafHash(1)[0] ^= 1;
    expect(tree.size).toBe(8);
    expect(tree.root()).toEqual(ROOTS[7]);
  });

  it('refuses hashes of the wrong size and positions outside the tree', () => {
    const tree = new MerkleTree(LEAVES.map(leafHash));
    expect(codeOf(() => new MerkleTree([Buffer.alloc(20)]))).toBe(TlogErrorCode.InvalidInput);
    expect(codeOf(() => tree.append(Buffer.alloc(33)))).toBe(TlogErrorCode.InvalidInput);
    expect(codeOf(() => tree.leafHash(8))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => tree.root(9))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => tree.inclusionProof(8))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => tree.inclusionProof(3, 3))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => tree.consistencyProof(9))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(tree.size).toBe(8);
  });
});
