import { PalisadeError } from '@palisade/errors';

/** Why an attestation did not verify; callers switch on the code, people read the message. */
export type AttestationErrorCode =
  | 'ATTESTATION_MALFORMED'
  | 'ATTESTATION_SIGNATURE_INVALID'
  | 'ATTESTATION_UNKNOWN_KEY'
  | 'ATTESTATION_SUBJECT_MISMATCH'
  | 'ATTESTATION_LOG_INCLUSION_INVALID';

export class AttestationError extends PalisadeError<AttestationErrorCode> {}
