import { PalisadeError, isPalisadeError } from '@palisade/errors';

/** Stable codes of every failure this library raises; callers switch on them, never on messages. */
export const TlogErrorCode = {
  /** An inclusion proof does not lead from the leaf to the claimed root (or is the wrong shape). */
  InclusionProofInvalid: 'TLOG_INCLUSION_PROOF_INVALID',
  /** A consistency proof does not show that the newer tree extends the older one. */
  ConsistencyProofInvalid: 'TLOG_CONSISTENCY_PROOF_INVALID',
  /** No signature by the trusted key verifies, or one by the trusted key fails. */
  CheckpointSignatureInvalid: 'TLOG_CHECKPOINT_SIGNATURE_INVALID',
  /** The text is not a well-formed signed-note checkpoint (or a checkpoint to sign is unwritable). */
  CheckpointMalformed: 'TLOG_CHECKPOINT_MALFORMED',
  /** A caller asked for a proof or a root outside the tree (index >= size, size > leaves, ...). */
  IndexOutOfRange: 'TLOG_INDEX_OUT_OF_RANGE',
  /** A hash that is not 32 bytes, or a key that is not ECDSA P-256. */
  InvalidInput: 'TLOG_INVALID_INPUT',
} as const;

export type TlogErrorCode = (typeof TlogErrorCode)[keyof typeof TlogErrorCode];

export class TransparencyLogError extends PalisadeError<TlogErrorCode> {}

const CODES: ReadonlySet<string> = new Set(Object.values(TlogErrorCode));

export function isTransparencyLogError(value: unknown, code?: TlogErrorCode): value is TransparencyLogError {
  if (!isPalisadeError(value) || !CODES.has(value.code)) return false;
  return code === undefined || value.code === code;
}
