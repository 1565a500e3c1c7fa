import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestingError } from './errors';

type Cleanup = () => Promise<void> | void;

// One registry per module instance; Jest gives each test file its own, so `runCleanups` in an
// `afterAll` releases exactly what that file started.
const cleanups: Cleanup[] = [];

/** Registers work for `runCleanups`; returns a function that unregisters it (when done early). */
export function registerCleanup(cleanup: Cleanup): () => void {
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.lastIndexOf(cleanup);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

/**
 * Runs every registered cleanup, newest first (servers stop before their directories go), and
 * runs all of them even when some fail; the failures are reported together afterwards.
 */
export async function runCleanups(): Promise<void> {
  const failures: unknown[] = [];
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop() as Cleanup;
    try {
      await cleanup();
    } catch (e: unknown) {
      failures.push(e);
    }
  }
  if (failures.length > 0) {
    throw new TestingError('TESTING_CLEANUP_FAILED', `${failures.length} cleanup(s) failed`, {
      cause: new AggregateError(failures),
    });
  }
}

/** Creates a fresh directory under the OS temp dir that `runCleanups` deletes. */
export async function tempDir(prefix = 'palisade-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  registerCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
