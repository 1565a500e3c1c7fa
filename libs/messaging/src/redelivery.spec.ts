import { PermanentError, RetryableError } from '@palisade/errors';
import { backoffDelay, decideAfterFailure, describeError, isBeyondLimit } from './redelivery';

const spec = { maxDeliver: 3, backoffMs: [100, 500] };

describe('decideAfterFailure', () => {
  it('retries with growing backoff until the limit, then dead-letters', () => {
    expect(decideAfterFailure(spec, 1, new Error('x'))).toEqual({ kind: 'retry', delayMs: 100 });
    expect(decideAfterFailure(spec, 2, new RetryableError('DB', 'x'))).toEqual({ kind: 'retry', delayMs: 500 });
    expect(decideAfterFailure(spec, 3, new Error('x'))).toEqual({ kind: 'dead-letter', reason: 'failed 3 of 3 attempts' });
  });

  it('dead-letters a permanent error at once', () => {
    expect(decideAfterFailure(spec, 1, new PermanentError('BAD', 'bad payload'))).toEqual({ kind: 'dead-letter', reason: 'permanent error' });
  });

  it('repeats the last backoff step and treats an empty list as no delay', () => {
    expect(backoffDelay([100, 500], 7)).toBe(500);
    expect(backoffDelay([], 2)).toBe(0);
  });

  it('flags deliveries past the limit', () => {
    expect(isBeyondLimit(spec, 3)).toBe(false);
    expect(isBeyondLimit(spec, 4)).toBe(true);
  });

  it('describes typed and foreign errors', () => {
    expect(describeError(new PermanentError('BAD', 'bad payload'))).toEqual({ code: 'BAD', message: 'bad payload' });
    expect(describeError(new Error('plain'))).toEqual({ code: 'HANDLER_FAILED', message: 'plain' });
    expect(describeError('text')).toEqual({ code: 'HANDLER_FAILED', message: 'text' });
  });
});
