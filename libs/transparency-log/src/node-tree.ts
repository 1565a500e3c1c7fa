import { HASH_SIZE, assertHashes, emptyRoot, largestPowerOfTwoBelow, nodeHash } from './hashing';
import { type RangeHasher, assertIndex, assertOldSize, assertSize, consistencyPath, inclusionPath } from './proofs';
import { TlogErrorCode, TransparencyLogError } from './tlog-error';

/**
 * A perfect subtree of the log: node (level, index) is MTH(D[index·2^level : (index+1)·2^level]),
 * so level 0 holds the leaf hashes. A node exists once its last leaf is appended and never changes.
 */
export interface NodeKey {
  readonly level: number;
  readonly index: number;
}

export interface TreeNode extends NodeKey {
  readonly hash: Buffer;
}

/** Reads a stored node; it must be complete (its range within the tree). */
export type NodeLookup = (level: number, index: number) => Uint8Array;

/**
 * MTH(D[lo:hi]) (RFC 9162 §2.1.1) from stored nodes: an aligned power-of-two range is one node,
 * anything else splits at the largest power of two below its length, as the RFC's recursion does.
 * Reads O(log(hi - lo)) nodes.
 */
export function subtreeHash(node: NodeLookup, lo: number, hi: number): Buffer {
  const n = hi - lo;
  const level = powerOfTwoExponent(n);
  if (level !== undefined && lo % n === 0) return Buffer.from(node(level, lo / n));
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(subtreeHash(node, lo, lo + k), subtreeHash(node, lo + k, hi));
}

/** The nodes that appending leaf `index` needs besides its own hash: the left siblings it completes. */
export function appendSiblings(index: number): NodeKey[] {
  assertIndex(index, Number.MAX_SAFE_INTEGER);
  const keys: NodeKey[] = [];
  for (let level = 0, i = index; i % 2 === 1; level++, i = (i - 1) / 2) keys.push({ level, index: i - 1 });
  return keys;
}

/**
 * The nodes that appending leaf `index` completes, bottom-up: the leaf itself (level 0), then,
 * while the node is a right child, its parent with the left sibling read from `sibling` (see
 * `appendSiblings`). Amortised two nodes per append.
 */
export function nodesCompletedBy(index: number, leafHash: Uint8Array, sibling: NodeLookup): TreeNode[] {
  assertIndex(index, Number.MAX_SAFE_INTEGER);
  assertHashes([leafHash], 'leaf hash');
  let node: TreeNode = { level: 0, index, hash: Buffer.from(leafHash) };
  const nodes = [node];
  while (node.index % 2 === 1) {
    const left = sibling(node.level, node.index - 1);
    assertHashes([left], `node ${node.level}/${node.index - 1}`);
    node = { level: node.level + 1, index: (node.index - 1) / 2, hash: nodeHash(left, node.hash) };
    nodes.push(node);
  }
  return nodes;
}

/** Every complete node over `leafHashes`, level by level (what a store backfills, or audits against). */
export function treeNodes(leafHashes: readonly Uint8Array[]): TreeNode[] {
  assertHashes(leafHashes, 'leaf hash');
  let level: Buffer[] = leafHashes.map((h) => Buffer.from(h));
  const nodes: TreeNode[] = [];
  for (let depth = 0; level.length > 0; depth++) {
    level.forEach((hash, index) => nodes.push({ level: depth, index, hash }));
    const parents: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) parents.push(nodeHash(level[i], level[i + 1]));
    level = parents;
  }
  return nodes;
}

/**
 * The RFC 9162 views of a log of `size` leaves computed from the stored nodes they need rather than
 * from every leaf: a root, an audit path or a consistency proof each reads O(log size) nodes. Ask
 * `NodeTree.keysFor*` which nodes to load (in one query), then build the tree from those. The
 * answers are byte for byte those of `MerkleTree` over the same leaves.
 */
export class NodeTree {
  readonly #nodes = new Map<string, Buffer>();

  constructor(
    readonly size: number,
    nodes: Iterable<TreeNode>,
  ) {
    assertSize(size, Number.MAX_SAFE_INTEGER);
    for (const node of nodes) {
      assertHashes([node.hash], `node ${node.level}/${node.index}`);
      this.#nodes.set(keyOf(node.level, node.index), Buffer.from(node.hash));
    }
  }

  /** The in-memory tree of `leafHashes` with every node (for tests and audits). */
  static fromLeaves(leafHashes: readonly Uint8Array[]): NodeTree {
    return new NodeTree(leafHashes.length, treeNodes(leafHashes));
  }

  static keysForRoot(treeSize: number): NodeKey[] {
    assertSize(treeSize, Number.MAX_SAFE_INTEGER);
    return recordKeys((hash) => treeSize > 0 && hash(0, treeSize));
  }

  static keysForInclusion(index: number, treeSize: number): NodeKey[] {
    assertSize(treeSize, Number.MAX_SAFE_INTEGER);
    assertIndex(index, treeSize);
    return recordKeys((hash) => inclusionPath(hash, index, treeSize));
  }

  static keysForConsistency(oldSize: number, newSize: number): NodeKey[] {
    assertSize(newSize, Number.MAX_SAFE_INTEGER);
    assertOldSize(oldSize, newSize);
    return recordKeys((hash) => consistencyPath(hash, oldSize, newSize));
  }

  root(treeSize: number = this.size): Buffer {
    assertSize(treeSize, this.size);
    return treeSize === 0 ? emptyRoot() : this.#hash(0, treeSize);
  }

  inclusionProof(index: number, treeSize: number = this.size): Buffer[] {
    assertSize(treeSize, this.size);
    assertIndex(index, treeSize);
    return inclusionPath((lo, hi) => this.#hash(lo, hi), index, treeSize);
  }

  consistencyProof(oldSize: number, newSize: number = this.size): Buffer[] {
    assertSize(newSize, this.size);
    assertOldSize(oldSize, newSize);
    return consistencyPath((lo, hi) => this.#hash(lo, hi), oldSize, newSize);
  }

  #hash(lo: number, hi: number): Buffer {
    return subtreeHash((level, index) => {
      const hash = this.#nodes.get(keyOf(level, index));
      if (!hash) throw new TransparencyLogError(TlogErrorCode.InvalidInput, `node ${level}/${index} was not loaded`);
      return hash;
    }, lo, hi);
  }
}

function keyOf(level: number, index: number): string {
  return `${level}/${index}`;
}

/** The nodes `run` reads, found by running it over placeholder hashes. */
function recordKeys(run: (hash: RangeHasher) => unknown): NodeKey[] {
  const keys = new Map<string, NodeKey>();
  const placeholder = Buffer.alloc(HASH_SIZE);
  run((lo, hi) =>
    subtreeHash((level, index) => {
      keys.set(keyOf(level, index), { level, index });
      return placeholder;
    }, lo, hi),
  );
  return [...keys.values()];
}

/** log2(n) when n is a power of two (1, 2, 4, ...), else undefined. */
function powerOfTwoExponent(n: number): number | undefined {
  let level = 0;
  for (let p = 1; p <= n; p *= 2, level++) if (p === n) return level;
  return undefined;
}
