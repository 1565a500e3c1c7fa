import type { KeyObject } from 'node:crypto';
import { decodeBase64Strict } from './base64';
import { type Checkpoint, decodeRootHash, parseCheckpoint, verifyCheckpoint } from './checkpoint';
import type { MerkleTree } from './merkle-tree';
import { TlogErrorCode, TransparencyLogError } from './tlog-error';
import { verifyInclusion } from './verify';

/**
 * What an attestation carries to prove it is in the log (the shape of Rekor's `inclusionProof`): the
 * audit path to a root, and the signed checkpoint that commits the log to that root.
 */
export interface InclusionReceipt {
  readonly logIndex: number;
  readonly treeSize: number;
  /** Standard base64 of the root the path leads to; equal to the checkpoint's. */
  readonly rootHash: string;
  /** Standard base64 audit path, leaf to root. */
  readonly hashes: readonly string[];
  /** The signed note of the checkpoint at `treeSize`. */
  readonly checkpoint: string;
}

/** What a receipt is built from: a `MerkleTree`, or a `NodeTree` loaded with the nodes the receipt needs. */
export type ReceiptTree = Pick<MerkleTree, 'size' | 'root' | 'inclusionProof'>;

/** Builds the receipt for leaf `logIndex` against a signed checkpoint of this tree. */
export function createInclusionReceipt(tree: ReceiptTree, logIndex: number, signedCheckpoint: string): InclusionReceipt {
  const { checkpoint } = parseCheckpoint(signedCheckpoint);
  if (checkpoint.treeSize > tree.size || !tree.root(checkpoint.treeSize).equals(decodeRootHash(checkpoint.rootHash))) {
    throw new TransparencyLogError(TlogErrorCode.InvalidInput, `checkpoint at size ${checkpoint.treeSize} is not a head of this tree`);
  }
  return {
    logIndex,
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash,
    hashes: tree.inclusionProof(logIndex, checkpoint.treeSize).map((h) => h.toString('base64')),
    checkpoint: signedCheckpoint,
  };
}

/**
 * Checks the checkpoint signature, that the receipt's root is the checkpoint's, and the inclusion of
 * `leafHash`; returns the verified checkpoint (keep it to check consistency with later ones).
 */
export function verifyInclusionReceipt(leafHash: Uint8Array, receipt: InclusionReceipt, publicKey: KeyObject, keyName: string): Checkpoint {
  const checkpoint = verifyCheckpoint(receipt.checkpoint, publicKey, keyName);
  const invalid = (why: string): never => {
    throw new TransparencyLogError(TlogErrorCode.InclusionProofInvalid, `inclusion receipt for entry ${receipt.logIndex}: ${why}`);
  };
  if (checkpoint.treeSize !== receipt.treeSize || checkpoint.rootHash !== receipt.rootHash) {
    invalid('its tree head is not the one the checkpoint signs');
  }
  if (!Array.isArray(receipt.hashes)) invalid('hashes is not a list');
  const proof = receipt.hashes.map((h) => decodeBase64Strict(h) ?? invalid('a proof hash is not base64'));
  verifyInclusion(leafHash, receipt.logIndex, receipt.treeSize, proof, decodeRootHash(checkpoint.rootHash));
  return checkpoint;
}
