import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('shares one run among concurrent callers of the same key, and runs again afterwards', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const work = async () => {
      runs += 1;
      await gate;
      return runs;
    };
    const callers = Array.from({ length: 50 }, () => flight.run('a', work));
    const other = flight.run('b', work);
    release();
    expect(new Set(await Promise.all(callers)).size).toBe(1);
    await other;
    expect(runs).toBe(2);
    expect(flight.size).toBe(0);
    await flight.run('a', work);
    expect(runs).toBe(3);
  });

  it('lets the next caller retry after a failure', async () => {
    const flight = new SingleFlight<string>();
    await expect(flight.run('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(flight.run('k', () => Promise.resolve('up'))).resolves.toBe('up');
  });
});
