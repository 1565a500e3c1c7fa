export { PalisadeError, isPalisadeError, toPalisadeError } from './palisade-error';
export type { PalisadeErrorOptions } from './palisade-error';
export { RetryableError, PermanentError, isRetryable } from './handler-errors';
