import { PalisadeError, type PalisadeErrorOptions } from '@palisade/errors';

/** Why an attestation did not verify; callers switch on the code, people read the message. */
export type AttestationErrorCode =
  | 'ATTESTATION_MALFORMED'
  | 'ATTESTATION_SIGNATURE_INVALID'
  | 'ATTESTATION_UNKNOWN_KEY'
  | 'ATTESTATION_SUBJECT_MISMATCH'
  | 'ATTESTATION_LOG_INCLUSION_INVALID';

/** What an ATTESTATION_SUBJECT_MISMATCH compared, so a client can word it its own way. */
export interface SubjectMismatch {
  /** `purl`: no subject names the version; `sha512`: the named subject's digest is other bytes. */
  readonly field: 'purl' | 'sha512';
  readonly expected: string;
  /** What the statement signed (subject names joined by `, `, or the digest; `(none)` when absent). */
  readonly signed: string;
}

export interface AttestationErrorOptions extends PalisadeErrorOptions {
  mismatch?: SubjectMismatch;
}

export class AttestationError extends PalisadeError<AttestationErrorCode> {
  readonly mismatch?: SubjectMismatch;

  constructor(code: AttestationErrorCode, message: string, options: AttestationErrorOptions = {}) {
    super(code, message, { cause: options.cause });
    if (options.mismatch) this.mismatch = options.mismatch;
  }
}
