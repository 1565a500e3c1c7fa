import type { ConsumerSpec } from './bus';
import { classifyFailure } from './retry-classifier';

export type FailureOutcome =
  | { kind: 'retry'; delayMs: number; transient: boolean }
  | { kind: 'dead-letter'; reason: string };

/** Longest wait between two attempts at a message that keeps failing transiently. */
export const TRANSIENT_BACKOFF_CAP_MS = 60_000;

/**
 * What to do with a delivery whose handler failed.
 * - A transient failure (database or bus away, timeout; see `classifyFailure`) is retried with
 *   capped exponential backoff for as long as it lasts, and never dead-lettered.
 * - A permanent failure is dead-lettered at once.
 * - Any other failure is retried with the consumer's backoff until `maxDeliver` such failures,
 *   then dead-lettered. `failures` counts only those: attempts that failed transiently do not.
 * Both adapters share this rule.
 */
export function decideAfterFailure(spec: Pick<ConsumerSpec, 'maxDeliver' | 'backoffMs'>, failures: number, error: unknown, attempt = failures): FailureOutcome {
  const kind = classifyFailure(error);
  if (kind === 'permanent') return { kind: 'dead-letter', reason: 'permanent error' };
  if (kind === 'transient') return { kind: 'retry', delayMs: transientBackoff(spec.backoffMs, attempt), transient: true };
  if (failures >= spec.maxDeliver) return { kind: 'dead-letter', reason: `failed ${failures} of ${spec.maxDeliver} attempts` };
  return { kind: 'retry', delayMs: backoffDelay(spec.backoffMs, failures), transient: false };
}

/** Delay before the delivery that follows the `attempt`-th one; the last step repeats. */
export function backoffDelay(steps: readonly number[], attempt: number): number {
  if (steps.length === 0) return 0;
  return steps[Math.min(attempt, steps.length) - 1] ?? 0;
}

/**
 * Backoff for transient failures: the consumer's steps, then doubling the last one, never above
 * `capMs` (an outage of hours costs one attempt a minute per message, and recovery is noticed
 * within a minute).
 */
export function transientBackoff(steps: readonly number[], attempt: number, capMs = TRANSIENT_BACKOFF_CAP_MS): number {
  const base = Math.max(backoffDelay(steps, attempt), 100);
  const beyond = Math.max(0, attempt - steps.length);
  return Math.min(capMs, base * 2 ** Math.min(beyond, 20));
}

/**
 * A delivery beyond the limit means earlier attempts died with their process (no failure
 * recorded). `attempt` is the delivery count; attempts known to have failed transiently are not
 * evidence of a dying handler and do not count.
 */
export function isBeyondLimit(spec: Pick<ConsumerSpec, 'maxDeliver'>, attempt: number, transientFailures = 0): boolean {
  return attempt - transientFailures > spec.maxDeliver;
}

export function describeError(error: unknown): { code: string; message: string } {
  if (typeof error === 'object' && error !== null) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'HANDLER_FAILED';
    const message = 'message' in error && typeof error.message === 'string' ? error.message : String(error);
    return { code, message };
  }
  return { code: 'HANDLER_FAILED', message: String(error) };
}
