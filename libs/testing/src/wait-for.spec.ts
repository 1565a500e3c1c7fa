import { isPalisadeError } from '@palisade/errors';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves once the predicate holds, treating throws as "not yet"', async () => {
    let calls = 0;
    await waitFor(
      () => {
        calls += 1;
        if (calls === 1) throw new Error('still starting');
        return calls >= 3;
      },
      { timeoutMs: 1_000, intervalMs: 1 },
    );
    expect(calls).toBe(3);
  });

  it('throws the given message with the last predicate error as cause on timeout', async () => {
    const cause = new Error('connection refused');
    const failure: unknown = await waitFor(
      async () => {
        throw cause;
      },
      { timeoutMs: 30, intervalMs: 5, message: 'db never came up' },
    ).catch((e: unknown) => e);
    expect(isPalisadeError(failure) && failure.code).toBe('TESTING_WAIT_TIMEOUT');
    expect((failure as Error).message).toBe('db never came up (after 30 ms)');
    expect((failure as Error).cause).toBe(cause);
  });
});
