import { assertHashes, rootHash } from './hashing';
import { consistencyProof, inclusionProof } from './proofs';
import { TlogErrorCode, TransparencyLogError } from './tlog-error';

/**
 * An append-only list of leaf hashes with the RFC 9162 views over it. It holds hashes, not entries:
 * a store loads what it persisted (`new MerkleTree(rows.map(r => r.leafHash))`) and appends as it
 * writes. Every method is O(size) at worst; `size` arguments default to the current size so proofs
 * against an older checkpoint come from the same object. It is the reference a store's `NodeTree`
 * (O(log size) stored subtree nodes per answer) is tested against.
 */
export class MerkleTree {
  readonly #leaves: Buffer[];

  constructor(leafHashes: readonly Uint8Array[] = []) {
    assertHashes(leafHashes, 'leaf hash');
    this.#leaves = leafHashes.map((h) => Buffer.from(h));
  }

  get size(): number {
    return this.#leaves.length;
  }

  /** Appends one leaf hash (see `leafHash(data)`) and returns its index. */
  append(leafHash: Uint8Array): number {
    assertHashes([leafHash], 'leaf hash');
    this.#leaves.push(Buffer.from(leafHash));
    return this.#leaves.length - 1;
  }

  leafHash(index: number): Buffer {
    this.#assertIndex(index);
    return Buffer.from(this.#leaves[index]);
  }

  /** The root of the first `treeSize` leaves (the whole tree by default). */
  root(treeSize: number = this.size): Buffer {
    this.#assertSize(treeSize);
    return rootHash(this.#leaves.slice(0, treeSize));
  }

  inclusionProof(index: number, treeSize: number = this.size): Buffer[] {
    return inclusionProof(this.#leaves, index, treeSize);
  }

  consistencyProof(oldSize: number, newSize: number = this.size): Buffer[] {
    return consistencyProof(this.#leaves, oldSize, newSize);
  }

  #assertIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new TransparencyLogError(TlogErrorCode.IndexOutOfRange, `leaf index ${index} is not in a tree of size ${this.size}`);
    }
  }

  #assertSize(treeSize: number): void {
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > this.size) {
      throw new TransparencyLogError(TlogErrorCode.IndexOutOfRange, `tree size ${treeSize} is not within 0..${this.size}`);
    }
  }
}
