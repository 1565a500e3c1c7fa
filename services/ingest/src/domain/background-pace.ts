/** Cumulative CPU time of the host, all cores together (ms, as the OS counts it since boot). */
export interface CpuTimes {
  idle: number;
  total: number;
}

/** Share (0–1) of the host's CPU time spent busy between two readings; 0 when no time passed. */
export function busyShare(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, 1 - (after.idle - before.idle) / total));
}

export interface PaceInput {
  /** Versions a second the background may hand to the pipeline. */
  rate: number;
  /** Credit left from earlier ticks (fractional rates accumulate). */
  credit: number;
  tickMs: number;
  /** A client asked for a version recently: clients first. */
  clientWaiting: boolean;
  /** Busy share of the host's CPU over the last reading, and the share above which the background waits. */
  hostBusy: number;
  maxHostBusy: number;
}

/**
 * The share of the rate the background keeps on a busy host: a registry that serves installs all
 * day must still judge, in time, the versions only views with a cooldown wait for.
 */
export const BUSY_HOST_RATE_SHARE = 0.1;

/**
 * How many versions the background may release this tick, and the credit it keeps. It works at
 * full rate only on a host with room to spare (an install going on must not share the CPU with
 * history nobody asked for), at a tenth of it on a busy one, and not at all while a client waits
 * for versions. Waiting earns no credit, so no burst follows.
 */
export function backgroundPace({ rate, credit, tickMs, clientWaiting, hostBusy, maxHostBusy }: PaceInput): { due: number; credit: number } {
  if (rate <= 0 || clientWaiting) return { due: 0, credit };
  const rateNow = hostBusy > maxHostBusy ? rate * BUSY_HOST_RATE_SHARE : rate;
  const earned = Math.min(credit + (rateNow * tickMs) / 1000, Math.max(1, rateNow));
  return { due: Math.floor(earned), credit: earned };
}
