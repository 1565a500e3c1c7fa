import { createHash } from 'node:crypto';
import { LEAVES, ROOTS } from './__fixtures__/rfc6962-vectors';
import { emptyRoot, leafHash } from './hashing';
import { MerkleTree } from './merkle-tree';
import { NodeTree, appendSiblings, nodesCompletedBy, treeNodes, type NodeKey, type TreeNode } from './node-tree';
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

/** A deterministic generator (xorshift32) so a failure reproduces. */
function random(seed: number): (below: number) => number {
  let x = seed || 1;
  return (below) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % below;
  };
}

const leavesOf = (n: number, salt = 'leaf'): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(createHash('sha256').update(`${salt}-${i}`).digest()));

/** A store's table: the nodes completed append by append, as `TransparencyLog.append` writes them. */
function appendAll(leaves: readonly Buffer[]): Map<string, TreeNode> {
  const table = new Map<string, TreeNode>();
  leaves.forEach((hash, index) => {
    const siblings = appendSiblings(index);
    const completed = nodesCompletedBy(index, hash, (level, i) => {
      expect(siblings).toContainEqual({ level, index: i });
      const node = table.get(`${level}/${i}`);
      if (!node) throw new Error(`missing sibling ${level}/${i}`);
      return node.hash;
    });
    for (const node of completed) {
      expect(table.has(`${node.level}/${node.index}`)).toBe(false);
      table.set(`${node.level}/${node.index}`, node);
    }
  });
  return table;
}

/** Only the nodes `keys` names, the way the store loads them. */
const loaded = (table: Map<string, TreeNode>, size: number, keys: NodeKey[]): NodeTree =>
  new NodeTree(
    size,
    keys.map((k) => {
      const node = table.get(`${k.level}/${k.index}`);
      if (!node) throw new Error(`asked for ${k.level}/${k.index}, which is not complete at size ${size}`);
      return node;
    }),
  );

describe('NodeTree (roots and proofs from stored subtree nodes)', () => {
  it('answers the reference roots of the RFC 6962 vectors', () => {
    const tree = NodeTree.fromLeaves(LEAVES.map(leafHash));
    expect(tree.root(0)).toEqual(emptyRoot());
    ROOTS.forEach((root, i) => expect(tree.root(i + 1)).toEqual(root));
  });

  it('writes amortised two nodes per append, the same nodes a one-pass build makes', () => {
    const leaves = leavesOf(1000);
    const table = appendAll(leaves);
    expect(table.size).toBe(1000 + 500 + 250 + 125 + 62 + 31 + 15 + 7 + 3 + 1);
    const built = treeNodes(leaves);
    expect(built).toHaveLength(table.size);
    for (const node of built) expect(table.get(`${node.level}/${node.index}`)?.hash).toEqual(node.hash);
    expect(appendSiblings(0)).toEqual([]);
    expect(appendSiblings(7)).toEqual([
      { level: 0, index: 6 },
      { level: 1, index: 2 },
      { level: 2, index: 0 },
    ]);
  });

  it('equals MerkleTree for random sizes: roots, inclusion and consistency proofs, which verify', () => {
    const next = random(0x5eed);
    const all = leavesOf(400);
    const table = appendAll(all);
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 400];
    for (let i = 0; i < 25; i++) sizes.push(1 + next(400));
    for (const size of sizes) {
      const reference = new MerkleTree(all.slice(0, size));
      const root = reference.root();
      // Reads of a tree of `size` never need a node past it: the table may hold more leaves.
      expect(loaded(table, size, NodeTree.keysForRoot(size)).root()).toEqual(root);
      const indexes = size <= 40 ? [...Array(size).keys()] : [0, size - 1, ...Array.from({ length: 8 }, () => next(size))];
      for (const index of indexes) {
        const keys = [...NodeTree.keysForRoot(size), ...NodeTree.keysForInclusion(index, size)];
        expect(keys.length).toBeLessThanOrEqual(4 * Math.ceil(Math.log2(size) + 1));
        const tree = loaded(table, size, keys);
        const proof = tree.inclusionProof(index, size);
        expect(proof).toEqual(reference.inclusionProof(index, size));
        expect(tree.root(size)).toEqual(root);
        expect(() => verifyInclusion(all[index], index, size, proof, root)).not.toThrow();
      }
      const olds = size <= 40 ? [...Array(size + 1).keys()] : [0, 1, size, ...Array.from({ length: 8 }, () => 1 + next(size))];
      for (const old of olds) {
        const keys = [...NodeTree.keysForRoot(old), ...NodeTree.keysForConsistency(old, size)];
        const tree = loaded(table, size, keys);
        const proof = tree.consistencyProof(old, size);
        expect(proof).toEqual(reference.consistencyProof(old, size));
        if (old > 0) expect(() => verifyConsistency(old, size, reference.root(old), root, proof)).not.toThrow();
      }
    }
  });

  it('refuses positions outside the tree and says when a node was not loaded', () => {
    const tree = NodeTree.fromLeaves(LEAVES.map(leafHash));
    expect(codeOf(() => tree.root(9))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => tree.inclusionProof(8))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => tree.consistencyProof(9))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => NodeTree.keysForInclusion(3, 3))).toBe(TlogErrorCode.IndexOutOfRange);
    expect(codeOf(() => new NodeTree(8, []).root())).toBe(TlogErrorCode.InvalidInput);
    expect(codeOf(() => nodesCompletedBy(1, Buffer.alloc(31), () => Buffer.alloc(32)))).toBe(TlogErrorCode.InvalidInput);
  });
});
