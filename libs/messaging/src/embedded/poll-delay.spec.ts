import { pollDelay, type PollState } from './poll-delay';

const idle: PollState = { now: 10_000, inFlight: 0, reachable: true, retryDueAt: undefined, pollMs: 250, idlePollMs: 2_000 };

describe('pollDelay', () => {
  it('sleeps the idle poll when nothing is in hand or due', () => {
    expect(pollDelay(idle)).toBe(2_000);
  });

  it('polls short while a delivery is in its handler (its lease may run out) or the database is away', () => {
    expect(pollDelay({ ...idle, inFlight: 1 })).toBe(250);
    expect(pollDelay({ ...idle, reachable: false })).toBe(250);
  });

  it('wakes when a scheduled retry falls due, never sooner than the short poll', () => {
    expect(pollDelay({ ...idle, retryDueAt: 10_700 })).toBe(700);
    expect(pollDelay({ ...idle, retryDueAt: 10_100 })).toBe(250);
    expect(pollDelay({ ...idle, retryDueAt: 60_000 })).toBe(2_000);
  });

  it('polls short once a retry is overdue (the drain that found nothing may have run just before it fell due)', () => {
    expect(pollDelay({ ...idle, retryDueAt: 9_000 })).toBe(250);
  });
});
