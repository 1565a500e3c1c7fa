import { PalisadeError, isPalisadeError } from '@palisade/errors';

/** Stable machine codes; callers (gateway, ingest) switch on these, never on messages. */
export const StorageErrorCode = {
  /** The bytes do not hash to the expected SRI (on put), or stored bytes no longer match their key (verified get). */
  IntegrityMismatch: 'STORAGE_INTEGRITY_MISMATCH',
  /** The source had a byte count other than `expectedSize` (raised as soon as it runs over). */
  SizeMismatch: 'STORAGE_SIZE_MISMATCH',
  /** More than `maxBytes` arrived (or were announced by `expectedSize`); reading stopped there. */
  TooLarge: 'STORAGE_TOO_LARGE',
  NotFound: 'STORAGE_NOT_FOUND',
  /** A key, SRI string or option the store cannot use. */
  InvalidArgument: 'STORAGE_INVALID_ARGUMENT',
  /** The caller's source stream failed while it was being read. */
  SourceFailed: 'STORAGE_SOURCE_FAILED',
  /** The disk or the object store failed. */
  BackendFailed: 'STORAGE_BACKEND_FAILED',
} as const;

export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

// A broken source (an upstream fetch cut short) or a backend hiccup may pass on a new attempt;
// bad bytes, bad input and a missing blob will not.
const RETRYABLE: ReadonlySet<StorageErrorCode> = new Set<StorageErrorCode>([
  StorageErrorCode.SourceFailed,
  StorageErrorCode.BackendFailed,
]);

export class StorageError extends PalisadeError<StorageErrorCode> {
  /** Read by `isRetryable` from `@palisade/errors`. */
  readonly retryable: boolean;

  constructor(code: StorageErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.retryable = RETRYABLE.has(code);
  }
}

export function isStorageError(value: unknown, code?: StorageErrorCode): value is StorageError {
  if (!isPalisadeError(value) || !isStorageErrorCode(value.code)) return false;
  return code === undefined || value.code === code;
}

/** Keeps a `StorageError` as is and wraps anything else under `code`, keeping it as the cause. */
export function toStorageError(value: unknown, code: StorageErrorCode, message: string): StorageError {
  if (value instanceof StorageError) return value;
  if (isStorageError(value)) return new StorageError(value.code, value.message, { cause: value });
  const detail = value instanceof Error ? value.message : String(value);
  return new StorageError(code, `${message}: ${detail}`, { cause: value });
}

const CODES: ReadonlySet<string> = new Set(Object.values(StorageErrorCode));

function isStorageErrorCode(code: string): code is StorageErrorCode {
  return CODES.has(code);
}
