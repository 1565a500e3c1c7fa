import type { Checkpoint } from './checkpoint';
import { detectRewrite } from './detect-rewrite';
import { emptyRoot, leafHash } from './hashing';
import { MerkleTree } from './merkle-tree';

const ORIGIN = 'palisade.test/log';
const entries = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`attestation ${i}`)));
const head = (tree: MerkleTree, size = tree.size, origin = ORIGIN): Checkpoint => ({
  origin,
  treeSize: size,
  rootHash: tree.root(size).toString('base64'),
});

describe('detectRewrite', () => {
  const honest = new MerkleTree(entries(20));

  it('accepts a log that only appended', () => {
    for (const [oldSize, newSize] of [[0, 20], [1, 20], [7, 13], [16, 20], [20, 20]]) {
      const verdict = detectRewrite(head(honest, oldSize), head(honest, newSize), honest.consistencyProof(oldSize, newSize));
      expect(verdict).toEqual({ kind: 'extends' });
    }
  });

  it('catches an early entry rewritten, whatever proof the log serves', () => {
    const forged = entries(20);
    forged[2] = leafHash(Buffer.from('attestation 2, edited'));
    const rewritten = new MerkleTree(forged);
    const before = head(honest, 10); // what a client kept from an earlier visit
    for (const proof of [rewritten.consistencyProof(10, 20), honest.consistencyProof(10, 20), []]) {
      const verdict = detectRewrite(before, head(rewritten), proof);
      expect(verdict).toMatchObject({ kind: 'rewritten', reason: 'proof-invalid' });
    }
  });

  it('catches a fork, a truncation and a swapped log', () => {
    const fork = new MerkleTree([...entries(19), leafHash(Buffer.from('other'))]);
    expect(detectRewrite(head(honest), head(fork), [])).toMatchObject({ kind: 'rewritten', reason: 'root-changed' });
    expect(detectRewrite(head(honest), head(honest, 12), honest.consistencyProof(12))).toMatchObject({
      kind: 'rewritten',
      reason: 'tree-shrank',
    });
    expect(detectRewrite(head(honest, 5), head(honest, 20, 'elsewhere.test/log'), honest.consistencyProof(5))).toMatchObject({
      kind: 'rewritten',
      reason: 'origin-changed',
    });
  });

  it('does not take a non-empty root for the empty tree', () => {
    const bogus: Checkpoint = { origin: ORIGIN, treeSize: 0, rootHash: honest.root(1).toString('base64') };
    expect(detectRewrite(bogus, head(honest), [])).toMatchObject({ kind: 'rewritten', reason: 'proof-invalid' });
    expect(head(honest, 0).rootHash).toBe(emptyRoot().toString('base64'));
  });
});
