import { PalisadeError, PermanentError, RetryableError, isPalisadeError, isRetryable, toPalisadeError } from './index';

describe('PalisadeError', () => {
  it('keeps its code, name and cause', () => {
    const cause = new Error('low level');
    const error = new PalisadeError('X_FAILED', 'x failed', { cause });
    expect(error.code).toBe('X_FAILED');
    expect(error.name).toBe('PalisadeError');
    expect(error.cause).toBe(cause);
    expect(isPalisadeError(error)).toBe(true);
    expect(isPalisadeError(new Error('plain'))).toBe(false);
  });

  it('wraps foreign values with a code and keeps the original', () => {
    const wrapped = toPalisadeError('boom');
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.message).toBe('boom');
    const own = new RetryableError('DB_DOWN', 'db down');
    expect(toPalisadeError(own)).toBe(own);
  });

  it('says which failures are worth retrying', () => {
    expect(isRetryable(new RetryableError('A', 'a'))).toBe(true);
    expect(isRetryable(new PermanentError('B', 'b'))).toBe(false);
    expect(isRetryable(new Error('unknown'))).toBe(true);
  });
});
