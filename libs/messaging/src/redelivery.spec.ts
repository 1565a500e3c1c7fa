import { PermanentError, RetryableError } from '@palisade/errors';
import { TRANSIENT_BACKOFF_CAP_MS, backoffDelay, decideAfterFailure, describeError, isBeyondLimit, transientBackoff } from './redelivery';

const spec = { maxDeliver: 3, backoffMs: [100, 500] };
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('decideAfterFailure', () => {
  it('retries an unknown failure with growing backoff until the limit, then dead-letters', () => {
    expect(decideAfterFailure(spec, 1, new Error('x'))).toEqual({ kind: 'retry', delayMs: 100, transient: false });
    expect(decideAfterFailure(spec, 2, new Error('x'))).toEqual({ kind: 'retry', delayMs: 500, transient: false });
    expect(decideAfterFailure(spec, 3, new Error('x'))).toEqual({ kind: 'dead-letter', reason: 'failed 3 of 3 attempts' });
  });

  it('dead-letters a permanent error at once', () => {
    expect(decideAfterFailure(spec, 1, new PermanentError('BAD', 'bad payload'))).toEqual({ kind: 'dead-letter', reason: 'permanent error' });
  });

  it('never dead-letters a transient failure, however many attempts it took', () => {
    for (const attempt of [1, 3, 4, 50, 10_000]) {
      for (const error of [new RetryableError('DB', 'x'), refused, Object.assign(new Error('x'), { code: '57P01' })]) {
        const outcome = decideAfterFailure(spec, attempt, error);
        expect(outcome).toMatchObject({ kind: 'retry', transient: true });
      }
    }
  });

  it('counts only failures that are not known to be transient against maxDeliver', () => {
    // Attempt 10: seven transient failures before, so this is the third unknown failure.
    expect(decideAfterFailure(spec, 2, new Error('x'), 9)).toEqual({ kind: 'retry', delayMs: 500, transient: false });
    expect(decideAfterFailure(spec, 3, new Error('x'), 10)).toEqual({ kind: 'dead-letter', reason: 'failed 3 of 3 attempts' });
  });

  it('backs transient failures off exponentially up to the cap', () => {
    expect(decideAfterFailure(spec, 1, refused)).toEqual({ kind: 'retry', delayMs: 100, transient: true });
    expect(decideAfterFailure(spec, 2, refused)).toEqual({ kind: 'retry', delayMs: 500, transient: true });
    expect(decideAfterFailure(spec, 3, refused)).toEqual({ kind: 'retry', delayMs: 1_000, transient: true });
    expect(decideAfterFailure(spec, 4, refused)).toEqual({ kind: 'retry', delayMs: 2_000, transient: true });
    expect(decideAfterFailure(spec, 500, refused)).toEqual({ kind: 'retry', delayMs: TRANSIENT_BACKOFF_CAP_MS, transient: true });
  });
});

describe('backoff', () => {
  it('repeats the last backoff step and treats an empty list as no delay', () => {
    expect(backoffDelay([100, 500], 7)).toBe(500);
    expect(backoffDelay([], 2)).toBe(0);
  });

  it('caps transient backoff, doubling the last step from a floor of 100 ms', () => {
    expect(transientBackoff([200, 1_000, 5_000, 15_000], 4)).toBe(15_000);
    expect(transientBackoff([200, 1_000, 5_000, 15_000], 5)).toBe(30_000);
    expect(transientBackoff([200, 1_000, 5_000, 15_000], 6)).toBe(60_000);
    expect(transientBackoff([200, 1_000, 5_000, 15_000], 7)).toBe(60_000);
    expect(transientBackoff([], 1)).toBe(200);
    expect(transientBackoff([], 1_000_000)).toBe(60_000);
    expect(transientBackoff([10], 3, 1_000)).toBe(400);
  });
});

describe('isBeyondLimit', () => {
  it('flags deliveries past the limit', () => {
    expect(isBeyondLimit(spec, 3)).toBe(false);
    expect(isBeyondLimit(spec, 4)).toBe(true);
  });

  it('does not count deliveries that failed transiently as a dying handler', () => {
    expect(isBeyondLimit(spec, 40, 37)).toBe(false);
    expect(isBeyondLimit(spec, 40, 36)).toBe(true);
  });
});

describe('describeError', () => {
  it('describes typed and foreign errors', () => {
    expect(describeError(new PermanentError('BAD', 'bad payload'))).toEqual({ code: 'BAD', message: 'bad payload' });
    expect(describeError(new Error('plain'))).toEqual({ code: 'HANDLER_FAILED', message: 'plain' });
    expect(describeError('text')).toEqual({ code: 'HANDLER_FAILED', message: 'text' });
  });
});
