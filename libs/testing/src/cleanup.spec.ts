import { stat } from 'node:fs/promises';
import { isPalisadeError } from '@palisade/errors';
import { registerCleanup, runCleanups, tempDir } from './cleanup';

describe('cleanup registry', () => {
  it('runs cleanups newest first, once, and removes temp dirs', async () => {
    const order: string[] = [];
    const dir = await tempDir('cleanup-spec-');
    registerCleanup(() => {
      order.push('first');
    });
    registerCleanup(async () => {
      order.push('second');
    });
    const unregister = registerCleanup(() => {
      order.push('withdrawn');
    });
    unregister();
    await runCleanups();
    expect(order).toEqual(['second', 'first']);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
    await runCleanups();
    expect(order).toHaveLength(2);
  });

  it('runs every cleanup even when some fail, then reports them together', async () => {
    let ran = false;
    registerCleanup(() => {
      ran = true;
    });
    registerCleanup(() => {
      throw new Error('first failure');
    });
    const failure: unknown = await runCleanups().catch((e: unknown) => e);
    expect(ran).toBe(true);
    expect(isPalisadeError(failure) && failure.code).toBe('TESTING_CLEANUP_FAILED');
    expect(((failure as Error).cause as AggregateError).errors).toHaveLength(1);
  });
});
