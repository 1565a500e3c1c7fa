import { PalisadeError } from '@palisade/errors';

export type SigningErrorCode =
  | 'SIGNING_KEK_INVALID'
  | 'SIGNING_KEK_MISMATCH'
  | 'SIGNING_KEK_FILE_UNSAFE'
  | 'SIGNING_KEY_NOT_FOUND'
  | 'SIGNING_KEY_REVOKED'
  | 'SIGNING_KEY_ACTIVE'
  | 'SIGNING_NO_ACTIVE_KEY'
  | 'SIGNING_EVENT_INVALID'
  | 'SIGNING_LOG_RANGE';

/** A signing failure with a stable code (the admin API answers it as `{ code, message }`). */
export class SigningError extends PalisadeError<SigningErrorCode> {}
