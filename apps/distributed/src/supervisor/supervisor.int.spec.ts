import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCleanups, spawnNode, tempDir, waitFor, type ChildHandle } from '@palisade/testing';
import type { SupervisedService, SupervisorOptions } from './supervisor';

// The supervisor of `start:distributed` as a real process, with real children that crash.
const fakeService = resolve(__dirname, '__fixtures__/fake-service.js');
const supervise = resolve(__dirname, '__fixtures__/supervise.ts');

interface Journal {
  starts: Array<{ pid: number; at: number }>;
  stopped: number[];
}

function journalOf(path: string): Journal {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  return {
    starts: lines.filter((l) => /^\d+ \d+$/.test(l)).map((l) => ({ pid: Number(l.split(' ')[0]), at: Number(l.split(' ')[1]) })),
    stopped: lines.filter((l) => l.startsWith('stopped ')).map((l) => Number(l.slice('stopped '.length))),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startSupervisor(children: Array<{ name: string; journal: string; crashes: number; mode?: string }>, options: SupervisorOptions): Promise<ChildHandle> {
  const services: SupervisedService[] = children.map((c) => ({ name: c.name, command: process.execPath, args: [fakeService, c.journal, String(c.crashes), c.mode ?? 'normal'] }));
  return spawnNode(supervise, { args: [JSON.stringify({ services, options })] });
}

afterAll(() => runCleanups());

describe('start:distributed supervision', () => {
  it('restarts a crashing service with doubling, capped delays, reports it up again, and leaves the others alone', async () => {
    const dir = await tempDir('supervisor-');
    const flaky = join(dir, 'flaky.journal');
    const steady = join(dir, 'steady.journal');
    const policy = { initialDelayMs: 200, maxDelayMs: 500, stableAfterMs: 60_000 };
    const supervisor = await startSupervisor(
      [
        { name: 'flaky', journal: flaky, crashes: 3 },
        { name: 'steady', journal: steady, crashes: 0 },
      ],
      { policy, stopGraceMs: 5_000 },
    );

    await supervisor.waitForLine(/palisade-flaky is up again after restart 3/, 30_000);
    const lines = supervisor.stderr.filter((l) => l.startsWith('[supervisor] palisade-'));
    expect(lines.filter((l) => l.includes('exited'))).toEqual([
      expect.stringMatching(/^\[supervisor\] palisade-flaky exited \(code 3\) after [\d.]+ s; restart 1 in 0\.2 s$/),
      expect.stringMatching(/^\[supervisor\] palisade-flaky exited \(code 3\) after [\d.]+ s; restart 2 in 0\.4 s$/),
      expect.stringMatching(/^\[supervisor\] palisade-flaky exited \(code 3\) after [\d.]+ s; restart 3 in 0\.5 s$/),
    ]);
    expect(lines.filter((l) => l.includes('restarted')).map((l) => l.replace(/pid \d+/, 'pid N'))).toEqual([1, 2, 3].map((n) => `[supervisor] palisade-flaky restarted (restart ${n}, pid N)`));

    // Each restart waited at least its announced delay after the crash before it (a loaded machine only adds to it).
    const starts = journalOf(flaky).starts;
    expect(starts).toHaveLength(4);
    const gaps = starts.slice(1).map((s, i) => s.at - starts[i].at);
    expect(gaps.map((gap, i) => gap >= [200, 400, 500][i])).toEqual([true, true, true]);
    expect(journalOf(steady).starts).toHaveLength(1);

    supervisor.kill('SIGTERM');
    expect(await supervisor.exited).toEqual({ code: 0, signal: null });
    expect(supervisor.stderr).toContain('[supervisor] SIGTERM: stopping 2 service(s) (SIGTERM, SIGKILL after 5 s)');
    expect(supervisor.stderr).toContain('[supervisor] all services stopped');
    // Both children stopped on their SIGTERM, and nothing was started again.
    expect(journalOf(flaky).stopped).toEqual([starts[3].pid]);
    expect(journalOf(steady).stopped).toEqual([journalOf(steady).starts[0].pid]);
    expect(journalOf(flaky).starts).toHaveLength(4);
  });

  it('SIGKILLs a service that does not stop within the grace period', async () => {
    const dir = await tempDir('supervisor-');
    const journal = join(dir, 'stubborn.journal');
    const supervisor = await startSupervisor([{ name: 'stubborn', journal, crashes: 0, mode: 'stubborn' }], { stopGraceMs: 500 });
    // The journal line is written in the same tick as the SIGTERM handler is installed.
    await waitFor(() => journalOf(journal).starts.length === 1, { timeoutMs: 15_000, message: 'the stubborn service did not start' });
    const [{ pid }] = journalOf(journal).starts;

    supervisor.kill('SIGINT');
    expect(await supervisor.exited).toEqual({ code: 0, signal: null });
    expect(supervisor.stderr).toContain('[supervisor] palisade-stubborn did not stop within 0.5 s; SIGKILL');
    expect(isAlive(pid)).toBe(false);
    expect(journalOf(journal).stopped).toEqual([]);
  });

  it('does not restart a service that exits with a configuration error: it stops the others and exits 78', async () => {
    const dir = await tempDir('supervisor-');
    const broken = join(dir, 'broken.journal');
    const steady = join(dir, 'steady.journal');
    const supervisor = await startSupervisor(
      [
        { name: 'steady', journal: steady, crashes: 0 },
        { name: 'broken', journal: broken, crashes: 0, mode: 'config' },
      ],
      { policy: { initialDelayMs: 50, maxDelayMs: 50, stableAfterMs: 60_000 } },
    );

    expect(await supervisor.exited).toEqual({ code: 78, signal: null });
    expect(supervisor.stderr).toContainEqual(expect.stringMatching(/^\[supervisor\] palisade-broken exited \(code 78\) after [\d.]+ s: configuration error \(exit code 78\); fix the environment and start again; not restarted, stopping the others$/));
    expect(journalOf(broken).starts).toHaveLength(1);
    // A started child stopped on its SIGTERM (one still booting dies of it before writing anything).
    expect(journalOf(steady).stopped).toHaveLength(journalOf(steady).starts.length);
    expect(journalOf(steady).starts.filter(({ pid }) => isAlive(pid))).toEqual([]);
  });
});
