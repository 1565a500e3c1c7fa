import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { waitFor } from '@palisade/testing';
import { spawnPostgresProcess } from './postgres-process';

// A zombie (killed, not yet reaped by init) counts as dead.
const isAlive = (pid: number): boolean => {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const options = { cwd: tmpdir(), env: { PATH: process.env.PATH }, detached: false };

describe('spawnPostgresProcess', () => {
  it('splits output into lines, hands each to onLine and keeps only a bounded tail', async () => {
    const seen: string[] = [];
    const child = spawnPostgresProcess('sh', ['-c', 'i=0; while [ $i -lt 250 ]; do echo "out $i"; i=$((i+1)); done; printf "err last" >&2; exit 3'], {
      ...options,
      onLine: (line, stream) => seen.push(`${stream}:${line}`),
    });
    expect(await child.exited).toEqual({ code: 3, signal: null });
    expect(child.isRunning()).toBe(false);
    expect(seen).toHaveLength(251);
    expect(seen[0]).toBe('stdout:out 0');
    expect(seen).toContain('stderr:err last');
    expect(child.stdout).toHaveLength(200);
    expect(child.stdout[0]).toBe('out 50');
    expect(child.stderr).toEqual(['err last']);
  });

  it('reports a program that cannot start as an exit, with the reason in stderr', async () => {
    const child = spawnPostgresProcess('/nonexistent/postgres', [], options);
    expect(await child.exited).toEqual({ code: null, signal: null });
    expect(child.stderr.join('\n')).toMatch(/could not start \/nonexistent\/postgres: .*ENOENT/);
  });

  it('signals the whole process group of a detached program', async () => {
    const child = spawnPostgresProcess('sh', ['-c', 'sleep 30 & echo "worker $!"; wait'], { ...options, detached: true });
    await waitFor(() => /worker \d+/.test(child.stdout.join('\n')), { message: 'the shell did not start its worker' });
    const worker = Number(/worker (\d+)/.exec(child.stdout.join('\n'))?.[1]);
    expect(worker).toBeGreaterThan(0);
    expect(await child.kill('SIGKILL', { group: true })).toEqual({ code: null, signal: 'SIGKILL' });
    // The orphaned worker is reaped by init a moment after it died.
    await waitFor(() => !isAlive(worker), { timeoutMs: 5_000, message: `worker ${worker} survived the group kill` });
  });
});
