import { TestingError } from './errors';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Becomes the error message on timeout: say what was awaited, not just "timed out". */
  message?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `predicate` until it returns true. A predicate that throws counts as "not yet" (a server
 * that is still starting refuses connections); the last such error becomes the timeout's cause.
 */
export async function waitFor(
  predicate: () => Promise<boolean> | boolean,
  { timeoutMs = 10_000, intervalMs = 100, message = 'condition not met' }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch (e: unknown) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      throw new TestingError('TESTING_WAIT_TIMEOUT', `${message} (after ${timeoutMs} ms)`, { cause: lastError });
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}
