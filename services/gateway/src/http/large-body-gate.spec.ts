import { LargeBodyGate } from './large-body-gate';
import { RegistryHttpError } from './registry-errors';

describe('LargeBodyGate', () => {
  it('lets `slots` bodies in, queues the next ones in order and refuses beyond the queue with 503 and Retry-After', async () => {
    const gate = new LargeBodyGate(1, 1);
    const first = await gate.enter();
    const entered: string[] = [];
    const second = gate.enter().then((release) => {
      entered.push('second');
      return release;
    });
    const refused = await gate.enter().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(RegistryHttpError);
    expect(refused).toMatchObject({ code: 'PAL_ERR_UNAVAILABLE', status: 503, headers: { 'retry-after': '1' } });
    expect(entered).toEqual([]);
    expect(gate.waiting).toBe(1);

    first();
    first(); // a second release of the same slot changes nothing
    const releaseSecond = await second;
    expect(entered).toEqual(['second']);
    expect(gate.active).toBe(1);
    releaseSecond();
    expect(gate.active).toBe(0);
  });
});
