import { PermanentError, type PalisadeErrorOptions } from '@palisade/errors';

export type LockfileErrorCode =
  /** Not a format this library reads: npm v1 lockfiles, CycloneDX XML, unknown JSON/YAML, too large. */
  | 'LOCKFILE_UNSUPPORTED'
  /** A recognised format that does not parse or does not hold together (bad syntax, wrong types, bad entries). */
  | 'LOCKFILE_INVALID';

/** A deployment report's lockfile that cannot be read; no retry can fix it. */
export class LockfileError extends PermanentError {
  declare readonly code: LockfileErrorCode;

  constructor(code: LockfileErrorCode, message: string, options: PalisadeErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Shortens untrusted text (keys, values) quoted in error messages. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}

export function invalid(message: string, cause?: unknown): LockfileError {
  return new LockfileError('LOCKFILE_INVALID', message, cause === undefined ? {} : { cause });
}
