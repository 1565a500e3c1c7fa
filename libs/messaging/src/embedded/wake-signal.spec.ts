import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const settled = async (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  };

  it('sleeps the whole time when nobody wakes it', async () => {
    const signal = new WakeSignal();
    const sleeping = signal.sleep(5_000);
    jest.advanceTimersByTime(4_999);
    expect(await settled(sleeping)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(sleeping)).toBe(true);
  });

  it('ends a sleep when woken', async () => {
    const signal = new WakeSignal();
    const sleeping = signal.sleep(5_000);
    signal.wake();
    expect(await settled(sleeping)).toBe(true);
  });

  it('keeps a wake-up that came while the loop was busy, until the loop resets', async () => {
    const signal = new WakeSignal();
    signal.reset();
    signal.wake(); // a publish while the loop was draining
    expect(await settled(signal.sleep(5_000))).toBe(true);
    signal.reset();
    expect(await settled(signal.sleep(5_000))).toBe(false);
  });
});
