import { PeriodicJob } from './periodic-job';

/** A run the test finishes by hand, so nothing depends on how fast the machine is. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { done, open };
}

describe('PeriodicJob', () => {
  afterEach(() => jest.useRealTimers());

  it('runs every interval and never starts a run while the last one is going', async () => {
    jest.useFakeTimers();
    const runs: Array<ReturnType<typeof gate>> = [];
    const job = new PeriodicJob({ name: 't', intervalMs: 1_000, onError: () => undefined, run: () => (runs.push(gate()), runs[runs.length - 1].done) });
    job.start();
    expect(runs).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(runs).toHaveLength(1);
    runs[0].open();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(2);
    runs[1].open();
    await job.stop();
  });

  it('runs at start when asked, and runNow joins the run in progress', async () => {
    const g = gate();
    let calls = 0;
    const job = new PeriodicJob({ name: 't', intervalMs: 60_000, runAtStart: true, onError: () => undefined, run: () => ((calls += 1), g.done) });
    job.start();
    const joined = job.runNow();
    expect(calls).toBe(0); // the run starts on the next microtask
    await Promise.resolve();
    expect(calls).toBe(1);
    g.open();
    await joined;
    expect(calls).toBe(1);
    await job.stop();
  });

  it('reports a failed run and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const job = new PeriodicJob({
      name: 't',
      intervalMs: 60_000,
      onError: (error) => errors.push(error),
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database away');
      },
    });
    await job.runNow();
    await job.runNow();
    expect(errors).toEqual([new Error('database away')]);
    expect(calls).toBe(2);
  });

  it('stop aborts the run in progress, waits for it, and starts no more', async () => {
    const seen: boolean[] = [];
    const job = new PeriodicJob({
      name: 't',
      intervalMs: 60_000,
      onError: () => undefined,
      run: (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => (seen.push(signal.aborted), resolve()))),
    });
    const running = job.runNow();
    await Promise.resolve();
    await job.stop();
    await running;
    expect(seen).toEqual([true]);
    await job.runNow();
    expect(seen).toEqual([true]);
  });

  it('refuses an interval that is not positive', () => {
    expect(() => new PeriodicJob({ name: 'retention', intervalMs: 0, onError: () => undefined, run: async () => undefined })).toThrow(/interval of retention/);
  });
});
