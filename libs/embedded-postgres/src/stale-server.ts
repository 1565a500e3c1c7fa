import { readFileSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { hasCode } from './fs-errors';

export type StaleServerOutcome =
  /** No postmaster.pid: nothing to do. */
  | 'none'
  /** postmaster.pid named a process that is gone (or is no PostgreSQL): the file was removed. */
  | 'removed-pid-file'
  /** A PostgreSQL whose app is gone still served the folder: it was shut down (fast shutdown). */
  | 'stopped-orphan'
  /** A PostgreSQL whose parent still runs serves the folder: left alone (the start will say so). */
  | 'in-use';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Alive and not a zombie (a zombie holds nothing: no port, no lock, no shared memory). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e: unknown) {
    if (!hasCode(e, 'EPERM')) return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

function procText(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  const stat = procText(pid, 'stat');
  if (stat === undefined) return undefined;
  // Fields after the command (which may contain spaces and parentheses): state, ppid, …
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
}

function isPostgres(pid: number): boolean {
  const comm = procText(pid, 'comm')?.trim();
  // Without /proc (not Linux) assume it is: never remove the lock of a server that may be live.
  return comm === undefined ? process.platform !== 'linux' : comm === 'postgres' || comm === 'postmaster';
}

/**
 * Whether the process that started the postmaster is gone: it was re-parented to init (or to a
 * subreaper, which is not a Node process: Palisade is one).
 */
function isOrphan(pid: number): boolean {
  const parent = parentOf(pid);
  if (parent === undefined) return false;
  if (parent <= 1) return true;
  const comm = procText(parent, 'comm')?.trim() ?? '';
  return !/node|npm|jest|palisade/i.test(comm);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(100);
  }
  return !isProcessAlive(pid);
}

/**
 * Before a start on `dataDir`: a PostgreSQL left running by a Palisade that was killed (SIGKILL,
 * a crash before its watchdog ran) is shut down the safe way (SIGINT: fast shutdown, which
 * checkpoints; SIGQUIT, then SIGKILL, only if it hangs: the next start then runs crash recovery,
 * which loses nothing committed). A postmaster.pid of a process that is gone is removed.
 */
export async function clearStaleServer(dataDir: string, log: (line: string) => void = () => undefined, stopTimeoutMs = 15_000): Promise<StaleServerOutcome> {
  const pidFile = join(dataDir, 'postmaster.pid');
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch (e: unknown) {
    if (hasCode(e, 'ENOENT')) return 'none';
    throw e;
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid) || !isPostgres(pid)) {
    await unlink(pidFile).catch((e: unknown) => {
      if (!hasCode(e, 'ENOENT')) throw e;
    });
    log(`removed the stale ${pidFile} (process ${text.split('\n')[0]} is gone)`);
    return 'removed-pid-file';
  }
  if (!isOrphan(pid)) return 'in-use';
  log(`PostgreSQL ${pid} still serves ${dataDir} though the Palisade that started it is gone: shutting it down`);
  for (const [signal, timeoutMs] of [
    ['SIGINT', stopTimeoutMs],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      // The postmaster leads its own process group: a SIGKILL takes its workers too.
      if (signal === 'SIGKILL') process.kill(-pid, signal);
      else process.kill(pid, signal);
    } catch (e: unknown) {
      if (!hasCode(e, 'ESRCH')) throw e;
    }
    if (await waitForExit(pid, timeoutMs)) return 'stopped-orphan';
  }
  return 'stopped-orphan';
}
