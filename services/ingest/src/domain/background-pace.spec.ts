import { backgroundPace, busyShare } from './background-pace';

describe('busyShare', () => {
  it('is the busy part of the CPU time that passed between two readings', () => {
    expect(busyShare({ idle: 1_000, total: 2_000 }, { idle: 1_250, total: 3_000 })).toBeCloseTo(0.75);
    expect(busyShare({ idle: 1_000, total: 2_000 }, { idle: 2_000, total: 3_000 })).toBe(0);
  });

  it('is 0 when no time passed, and stays within 0–1 when counters move oddly', () => {
    expect(busyShare({ idle: 5, total: 10 }, { idle: 5, total: 10 })).toBe(0);
    expect(busyShare({ idle: 5, total: 10 }, { idle: 30, total: 20 })).toBe(0);
  });
});

describe('backgroundPace', () => {
  const idle = { rate: 2, credit: 0, tickMs: 250, clientWaiting: false, hostBusy: 0.1, maxHostBusy: 0.5 };

  it('releases rate × time on an idle host, a whole version at a time', () => {
    expect(backgroundPace(idle)).toEqual({ due: 0, credit: 0.5 });
    expect(backgroundPace({ ...idle, credit: 0.5 })).toEqual({ due: 1, credit: 1 });
  });

  it('caps the credit at one second of the rate, so a pause is never made up in a burst', () => {
    expect(backgroundPace({ ...idle, credit: 10 })).toEqual({ due: 2, credit: 2 });
    expect(backgroundPace({ ...idle, rate: 0.5, credit: 3 })).toEqual({ due: 1, credit: 1 });
  });

  it('waits while a client asks for versions, earning nothing', () => {
    expect(backgroundPace({ ...idle, credit: 0.5, clientWaiting: true })).toEqual({ due: 0, credit: 0.5 });
  });

  it('slows to a tenth of the rate while the host is busier than allowed, never to nothing', () => {
    const busy = { ...idle, hostBusy: 0.8 };
    expect(backgroundPace({ ...busy, credit: 0.5 })).toEqual({ due: 0, credit: 0.55 });
    let credit = 0;
    let released = 0;
    // 20 s of ticks at 2/s on a busy host: 4 versions, one at a time.
    for (let tick = 0; tick < 80; tick += 1) {
      const pace = backgroundPace({ ...busy, credit });
      released += pace.due;
      credit = pace.credit - pace.due;
      expect(pace.due).toBeLessThanOrEqual(1);
    }
    expect(released).toBe(4);
    expect(backgroundPace({ ...busy, credit: 0.5, maxHostBusy: 1 })).toEqual({ due: 1, credit: 1 });
  });

  it('releases nothing at rate 0', () => {
    expect(backgroundPace({ ...idle, rate: 0, credit: 5 })).toEqual({ due: 0, credit: 5 });
  });
});
