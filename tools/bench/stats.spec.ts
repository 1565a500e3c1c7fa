import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { percentile, treeCpuSecondsOf } from './stats';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([5, 1, 3], 100)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('treeCpuSecondsOf', () => {
  it('keeps the CPU time of a child that has exited (a pool backend that came and went)', async () => {
    const before = await treeCpuSecondsOf(process.pid);
    // A child that spins for 300 ms of CPU, then exits and is reaped by this process.
    const child = spawn(process.execPath, ['-e', 'const end = process.cpuUsage().user + 300_000; while (process.cpuUsage().user < end);']);
    await once(child, 'exit');
    const after = await treeCpuSecondsOf(process.pid);
    expect(after - before).toBeGreaterThanOrEqual(0.25);
  });
});
