import { readdir, readFile } from 'node:fs/promises';

/** Percentile by nearest rank over a sorted copy. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

/** CPU seconds (user + system) a process has used so far. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by a process and all its descendants (an embedded PostgreSQL and its
 * backends included): live processes' own time plus what each has reaped from children that
 * exited (a pool's backends come and go), so the figure only grows.
 */
export async function treeCpuSecondsOf(root: number): Promise<number> {
  const stats = new Map<number, string[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.split(') ')[1]?.split(' ');
    if (fields) stats.set(Number(entry), fields);
  }
  const children = new Map<number, number[]>();
  for (const [pid, fields] of stats) children.set(Number(fields[1]), [...(children.get(Number(fields[1])) ?? []), pid]);
  let ticks = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    const fields = stats.get(pid);
    // utime, stime, cutime, cstime
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks / 100;
}
