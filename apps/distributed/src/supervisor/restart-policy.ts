import { EXIT_CONFIG } from '@palisade/config';

/**
 * When a crashed service is started again. Pure rules, so the schedule is tested without waiting
 * for it: the delay doubles with each crash in a row up to a cap, and a service that stayed up
 * long enough starts over from the first delay.
 */
export interface RestartPolicy {
  /** Wait before the first restart after a crash. */
  initialDelayMs: number;
  /** Longest wait between two restarts. */
  maxDelayMs: number;
  /** A service up this long before it crashed is counted as healthy: the next restart is attempt 1 again. */
  stableAfterMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000 };


export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** How long the process ran. */
  uptimeMs: number;
}

export type RestartDecision =
  | { kind: 'restart'; attempt: number; delayMs: number }
  | { kind: 'give-up'; reason: string };

/** Wait before restart `attempt` (1 for the first restart of a run of crashes). */
export function restartDelay(policy: RestartPolicy, attempt: number): number {
  const doublings = Math.max(0, attempt - 1);
  // 2^doublings overflows to Infinity long after the cap applies; min() keeps it finite.
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(doublings, 52));
}

/** What to do after a service exited on its own; `previousAttempt` is the restart that started it (0: the first start). */
export function decideAfterExit(policy: RestartPolicy, exit: ServiceExit, previousAttempt: number): RestartDecision {
  // The same environment would fail the same way: restarting cannot help.
  if (exit.code === EXIT_CONFIG) return { kind: 'give-up', reason: `configuration error (exit code ${EXIT_CONFIG}); fix the environment and start again` };
  const attempt = exit.uptimeMs >= policy.stableAfterMs ? 1 : previousAttempt + 1;
  return { kind: 'restart', attempt, delayMs: restartDelay(policy, attempt) };
}

/** `code 1`, `signal SIGKILL`: how an exit is named in the supervisor's lines. */
export function describeExit(exit: Pick<ServiceExit, 'code' | 'signal'>): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? 'unknown'}`;
}
