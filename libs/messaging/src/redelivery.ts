import { isRetryable } from '@palisade/errors';
import type { ConsumerSpec } from './bus';

export type FailureOutcome =
  | { kind: 'retry'; delayMs: number }
  | { kind: 'dead-letter'; reason: string };

/**
 * What to do with a delivery whose handler failed: retry later with backoff, or dead-letter it
 * (a permanent error, or the delivery limit is reached). Both adapters share this rule.
 */
export function decideAfterFailure(spec: Pick<ConsumerSpec, 'maxDeliver' | 'backoffMs'>, attempt: number, error: unknown): FailureOutcome {
  if (!isRetryable(error)) return { kind: 'dead-letter', reason: 'permanent error' };
  if (attempt >= spec.maxDeliver) return { kind: 'dead-letter', reason: `failed ${attempt} of ${spec.maxDeliver} attempts` };
  return { kind: 'retry', delayMs: backoffDelay(spec.backoffMs, attempt) };
}

/** Delay before the delivery that follows the `attempt`-th one; the last step repeats. */
export function backoffDelay(steps: readonly number[], attempt: number): number {
  if (steps.length === 0) return 0;
  return steps[Math.min(attempt, steps.length) - 1] ?? 0;
}

/** A delivery beyond the limit means earlier attempts died with their process (no failure recorded). */
export function isBeyondLimit(spec: Pick<ConsumerSpec, 'maxDeliver'>, attempt: number): boolean {
  return attempt > spec.maxDeliver;
}

export function describeError(error: unknown): { code: string; message: string } {
  if (typeof error === 'object' && error !== null) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'HANDLER_FAILED';
    const message = 'message' in error && typeof error.message === 'string' ? error.message : String(error);
    return { code, message };
  }
  return { code: 'HANDLER_FAILED', message: String(error) };
}
