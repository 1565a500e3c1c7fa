/** What a consumer's loop knows when a drain found nothing to hand out. */
export interface PollState {
  now: number;
  /** Deliveries of this consumer still in their handler: one may outlive its lease. */
  inFlight: number;
  /** Whether the last drain reached the database. */
  reachable: boolean;
  /** Earliest time a retry this process scheduled falls due (undefined: none pending). */
  retryDueAt: number | undefined;
  /** The short poll: while work is in hand, the database is away or a retry just fell due. */
  pollMs: number;
  /** The idle poll: only messages another process wrote (or leases it let lapse) need it. */
  idlePollMs: number;
}

/**
 * How long an idle consumer sleeps before it looks again. Every message this process publishes
 * wakes its consumers at once, so polling is only a safety net: short while something may become
 * due soon (a handler past its lease, a database coming back), at a retry's due time, and rare
 * otherwise, so that an idle registry costs next to nothing.
 */
export function pollDelay(state: PollState): number {
  if (state.inFlight > 0 || !state.reachable) return state.pollMs;
  if (state.retryDueAt === undefined) return state.idlePollMs;
  const left = state.retryDueAt - state.now;
  return left <= 0 ? state.pollMs : Math.min(state.idlePollMs, Math.max(state.pollMs, left));
}
