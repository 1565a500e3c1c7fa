import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { percentile, routeTimesBetween, routeTimesOf, treeCpuSecondsOf, treeMemoryOf } from './stats';

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

describe('treeMemoryOf', () => {
  const MiB = 1024 * 1024;

  it("adds the memory of every descendant to the root's, shared pages once in the proportional figure", async () => {
    const before = await treeMemoryOf(process.pid);
    // A child whose 160 MiB are resident (filled, so every page is touched), until it is told to go.
    const child = spawn(process.execPath, ['-e', 'globalThis.kept = Buffer.alloc(160 * 1024 * 1024, 1); console.log("ready"); setInterval(() => {}, 1000);']);
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      const own = await treeMemoryOf(child.pid as number);
      const tree = await treeMemoryOf(process.pid);
      expect(own.rssBytes).toBeGreaterThanOrEqual(160 * MiB);
      expect(own.rssBytes).toBeLessThan(400 * MiB);
      expect(own.pssBytes).toBeGreaterThanOrEqual(150 * MiB);
      expect(own.pssBytes).toBeLessThanOrEqual(own.rssBytes);
      expect(tree.rssBytes - before.rssBytes).toBeGreaterThanOrEqual(140 * MiB);
      expect(tree.pssBytes - before.pssBytes).toBeGreaterThanOrEqual(140 * MiB);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it('is 0 for a process that is not running', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    expect(await treeMemoryOf(child.pid as number)).toEqual({ rssBytes: 0, pssBytes: 0 });
  });
});

describe('routeTimesOf / routeTimesBetween', () => {
  const scrape = (tarballs: number, seconds: number) =>
    [
      '# HELP palisade_gateway_http_request_duration_seconds Registry requests',
      `palisade_gateway_http_request_duration_seconds_bucket{le="0.001",route="tarball",method="GET",status="200",service="gateway"} ${tarballs}`,
      `palisade_gateway_http_request_duration_seconds_sum{route="tarball",method="GET",status="200",service="gateway"} ${seconds}`,
      `palisade_gateway_http_request_duration_seconds_count{route="tarball",method="GET",status="200",service="gateway"} ${tarballs}`,
      'palisade_gateway_http_request_duration_seconds_sum{route="tarball",method="HEAD",status="200",service="gateway"} 0.5',
      'palisade_gateway_http_request_duration_seconds_count{route="tarball",method="HEAD",status="200",service="gateway"} 2',
      'palisade_gateway_http_request_duration_seconds_sum{route="packument",method="GET",status="304",service="gateway"} 0.25',
      'palisade_gateway_http_request_duration_seconds_count{route="packument",method="GET",status="304",service="gateway"} 5',
    ].join('\n');

  it('adds up methods per route and status, and answers what a run added', () => {
    const before = routeTimesOf(scrape(10, 1));
    expect(before.get('tarball 200')).toEqual({ count: 12, seconds: 1.5 });
    expect(before.get('packument 304')).toEqual({ count: 5, seconds: 0.25 });
    const added = routeTimesBetween(before, routeTimesOf(scrape(30, 3)));
    expect([...added]).toEqual([['tarball 200', { count: 20, seconds: 2 }]]);
  });
});
