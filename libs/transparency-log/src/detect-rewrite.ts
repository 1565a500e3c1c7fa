import { type Checkpoint, decodeRootHash } from './checkpoint';
import { TlogErrorCode, isTransparencyLogError } from './tlog-error';
import { verifyConsistency } from './verify';

export type RewriteReason =
  /** The two checkpoints are not from the same log. */
  | 'origin-changed'
  /** The newer checkpoint has fewer entries: history was truncated. */
  | 'tree-shrank'
  /** Same size, different root: a fork, the same positions hold other entries. */
  | 'root-changed'
  /** The log could not prove the new tree extends the old one. */
  | 'proof-invalid';

export type RewriteVerdict =
  | { readonly kind: 'extends' }
  | { readonly kind: 'rewritten'; readonly reason: RewriteReason; readonly message: string };

/**
 * Says whether `newer` is an append-only extension of `older`. Pass checkpoints that already passed
 * `verifyCheckpoint`: this checks history, not signatures. A proof that does not verify counts as a
 * rewrite, because an honest log can always produce a valid one.
 */
export function detectRewrite(older: Checkpoint, newer: Checkpoint, consistencyProof: readonly Uint8Array[]): RewriteVerdict {
  const rewritten = (reason: RewriteReason, message: string): RewriteVerdict => ({ kind: 'rewritten', reason, message });
  if (older.origin !== newer.origin) {
    return rewritten('origin-changed', `checkpoints come from different logs (${older.origin} vs ${newer.origin})`);
  }
  if (newer.treeSize < older.treeSize) {
    return rewritten('tree-shrank', `the log shrank from ${older.treeSize} to ${newer.treeSize} entries`);
  }
  const oldRoot = decodeRootHash(older.rootHash);
  const newRoot = decodeRootHash(newer.rootHash);
  if (newer.treeSize === older.treeSize && !oldRoot.equals(newRoot)) {
    return rewritten('root-changed', `two different roots for the same ${older.treeSize} entries`);
  }
  try {
    verifyConsistency(older.treeSize, newer.treeSize, oldRoot, newRoot, consistencyProof);
    return { kind: 'extends' };
  } catch (e: unknown) {
    if (!isTransparencyLogError(e, TlogErrorCode.ConsistencyProofInvalid)) throw e;
    return rewritten('proof-invalid', e.message);
  }
}
