import { PalisadeError, isPalisadeError } from './palisade-error';

/**
 * A handler failure that may succeed later (a database or broker hiccup). The consumer naks it
 * with backoff until the delivery limit, then dead-letters it.
 */
export class RetryableError extends PalisadeError {
  readonly retryable = true as const;
}

/**
 * A handler failure that no retry can fix (a malformed message, a broken invariant). The consumer
 * dead-letters it at once instead of burning redeliveries.
 */
export class PermanentError extends PalisadeError {
  readonly retryable = false as const;
}

/** Unknown errors are treated as retryable: a transient fault must not lose a message. */
export function isRetryable(error: unknown): boolean {
  if (isPalisadeError(error) && 'retryable' in error) return (error as RetryableError | PermanentError).retryable;
  return true;
}
