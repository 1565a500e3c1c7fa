export { HASH_SIZE, emptyRoot, leafHash, nodeHash, rootHash } from './hashing';
export { consistencyProof, inclusionProof } from './proofs';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify';
export { MerkleTree } from './merkle-tree';
export { NodeTree, appendSiblings, nodesCompletedBy, subtreeHash, treeNodes } from './node-tree';
export type { NodeKey, NodeLookup, TreeNode } from './node-tree';
export { formatSignedNote, parseSignedNote } from './signed-note';
export type { NoteSignature, SignedNote } from './signed-note';
export {
  checkpointKeyId,
  checkpointVerifierKey,
  decodeRootHash,
  formatCheckpointBody,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from './checkpoint';
export type { Checkpoint, CheckpointSigner, ParsedCheckpoint } from './checkpoint';
export { createKeyObjectSigner } from './local-signer';
export { detectRewrite } from './detect-rewrite';
export type { RewriteReason, RewriteVerdict } from './detect-rewrite';
export { createInclusionReceipt, verifyInclusionReceipt } from './inclusion-receipt';
export type { InclusionReceipt, ReceiptTree } from './inclusion-receipt';
export { TlogErrorCode, TransparencyLogError, isTransparencyLogError } from './tlog-error';
