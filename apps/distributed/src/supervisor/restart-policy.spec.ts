import { decideAfterExit, defaultRestartPolicy, describeExit, restartDelay, type RestartPolicy } from './restart-policy';

const policy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000 };
const crash = (uptimeMs: number) => ({ code: 1, signal: null, uptimeMs });

describe('restart policy', () => {
  it('doubles the wait from 1 s with each crash in a row, capped at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50, 5_000].map((attempt) => restartDelay(policy, attempt))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it('is the schedule start:distributed runs with', () => {
    expect(defaultRestartPolicy).toEqual(policy);
  });

  it('counts crashes in a row while the service dies before it was up for the stable period', () => {
    expect(decideAfterExit(policy, crash(500), 0)).toEqual({ kind: 'restart', attempt: 1, delayMs: 1_000 });
    expect(decideAfterExit(policy, crash(59_999), 3)).toEqual({ kind: 'restart', attempt: 4, delayMs: 8_000 });
  });

  it('starts over from the first delay after a service stayed up for the stable period', () => {
    expect(decideAfterExit(policy, crash(60_000), 6)).toEqual({ kind: 'restart', attempt: 1, delayMs: 1_000 });
  });

  it('restarts a service killed by a signal or exiting 0 on its own like any crash', () => {
    expect(decideAfterExit(policy, { code: null, signal: 'SIGKILL', uptimeMs: 10 }, 1)).toEqual({ kind: 'restart', attempt: 2, delayMs: 2_000 });
    expect(decideAfterExit(policy, { code: 0, signal: null, uptimeMs: 10 }, 0)).toMatchObject({ kind: 'restart', attempt: 1 });
  });

  it('gives up on a configuration error, which a restart cannot fix', () => {
    expect(decideAfterExit(policy, { code: 78, signal: null, uptimeMs: 100 }, 0)).toEqual({ kind: 'give-up', reason: expect.stringContaining('configuration error') });
  });

  it('names the exit by its signal, else its code', () => {
    expect([describeExit({ code: 1, signal: null }), describeExit({ code: null, signal: 'SIGSEGV' })]).toEqual(['code 1', 'signal SIGSEGV']);
  });
});
