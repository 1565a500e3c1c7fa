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

/** `/proc/<pid>/stat` fields after the command name; undefined once the process is gone. */
async function statFields(pid: number | string): Promise<string[] | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.split(') ')[1]?.split(' ');
}

/** CPU seconds (user + system) a process has used so far. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const fields = await statFields(pid);
  if (!fields) throw new Error(`process ${pid} is not running`);
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** `/proc/<pid>/stat` fields after the command name, of every process now running. */
async function processStats(): Promise<Map<number, string[]>> {
  const stats = new Map<number, string[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await statFields(entry);
    if (fields) stats.set(Number(entry), fields);
  }
  return stats;
}

/** `root` and every process below it that is alive in `stats` (`root` itself even when it is not). */
function treeOf(root: number, stats: ReadonlyMap<number, string[]>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, fields] of stats) children.set(Number(fields[1]), [...(children.get(Number(fields[1])) ?? []), pid]);
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * CPU seconds used so far by a process and all its descendants (an embedded PostgreSQL and its
 * backends included): live processes' own time plus what each has reaped from children that
 * exited (a pool's backends come and go), so the figure only grows.
 */
export async function treeCpuSecondsOf(root: number): Promise<number> {
  const stats = await processStats();
  let ticks = 0;
  for (const pid of treeOf(root, stats)) {
    const fields = stats.get(pid);
    // utime, stime, cutime, cstime
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / 100;
}

export interface TreeMemory {
  /** VmRSS added up: pages several processes share (PostgreSQL's shared buffers) count once per process. */
  rssBytes: number;
  /** Proportional set size added up: a shared page counts once over the tree, the tree's real footprint. */
  pssBytes: number;
}

/** Memory of a process and all its descendants, in bytes; 0 when none is running. */
export async function treeMemoryOf(root: number): Promise<TreeMemory> {
  const memory = { rssBytes: 0, pssBytes: 0 };
  for (const pid of treeOf(root, await processStats())) {
    // Gone between the listing and this read (a backend that exited): it holds no memory.
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    memory.rssBytes += kibOf(rollup, 'Rss') * 1024;
    memory.pssBytes += kibOf(rollup, 'Pss') * 1024;
  }
  return memory;
}

const kibOf = (rollup: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(rollup)?.[1] ?? 0);

/** Requests answered and the seconds they took in all, per `route status`, from a Palisade gateway's /metrics text. */
export type RouteTimes = Map<string, { count: number; seconds: number }>;

export function routeTimesOf(metricsText: string): RouteTimes {
  const times: RouteTimes = new Map();
  const line = /^palisade_gateway_http_request_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/;
  for (const text of metricsText.split('\n')) {
    const match = line.exec(text);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const key = `${labels.route} ${labels.status}`;
    const entry = times.get(key) ?? { count: 0, seconds: 0 };
    if (match[1] === 'count') entry.count += Number(match[3]);
    else entry.seconds += Number(match[3]);
    times.set(key, entry);
  }
  return times;
}

/** What `after` added to `before`, keeping only routes that answered in between. */
export function routeTimesBetween(before: RouteTimes, after: RouteTimes): RouteTimes {
  const added: RouteTimes = new Map();
  for (const [key, { count, seconds }] of after) {
    const was = before.get(key) ?? { count: 0, seconds: 0 };
    if (count > was.count) added.set(key, { count: count - was.count, seconds: seconds - was.seconds });
  }
  return added;
}
