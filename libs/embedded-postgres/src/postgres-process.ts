import { spawn } from 'node:child_process';
import { messageOf } from './fs-errors';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type OutputStream = 'stdout' | 'stderr';

/** A running PostgreSQL program (initdb or the postmaster), as the launcher needs it. */
export interface PostgresProcess {
  readonly pid: number;
  /** Recent output lines, for error messages (the default spawner keeps the last few hundred). */
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** Resolves once the process has exited (never rejects; a failed spawn is an exit too). */
  readonly exited: Promise<ProcessExit>;
  isRunning(): boolean;
  /** Sends `signal` (to the whole process group with `group`, for detached processes); resolves on exit. */
  kill(signal?: NodeJS.Signals, options?: { group?: boolean }): Promise<ProcessExit>;
}

export interface PostgresSpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  detached: boolean;
  onLine?: (line: string, stream: OutputStream) => void;
}

/** Starts a program; lets tests substitute a spawner that keeps the whole log. */
export type PostgresSpawner<P extends PostgresProcess = PostgresProcess> = (
  command: string,
  args: readonly string[],
  options: PostgresSpawnOptions,
) => P;

const KEPT_LINES = 200;

/** The default spawner: line-split output, a bounded tail of it (a server runs for weeks), and `onLine`. */
export const spawnPostgresProcess: PostgresSpawner = (command, args, { onLine, ...options }) => {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<OutputStream, string[]> = { stdout: [], stderr: [] };
  let exit: ProcessExit | undefined;

  const push = (stream: OutputStream, line: string): void => {
    const kept = lines[stream];
    kept.push(line);
    if (kept.length > KEPT_LINES) kept.splice(0, kept.length - KEPT_LINES);
    try {
      onLine?.(line, stream);
    } catch {
      // A failing log sink must not take the database down with it.
    }
  };
  const collect = (stream: NodeJS.ReadableStream | null, name: OutputStream): Promise<void> =>
    new Promise((resolve) => {
      if (stream === null) return resolve();
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split(/\r?\n/);
        partial = parts.pop() ?? '';
        for (const line of parts) push(name, line);
      });
      stream.on('end', () => {
        if (partial !== '') push(name, partial);
        resolve();
      });
      stream.on('error', () => resolve());
    });
  const streamsDone = Promise.all([collect(child.stdout, 'stdout'), collect(child.stderr, 'stderr')]);

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (e: Error) => {
      // 'error' without a pid: the program never started (missing binary, EACCES, cwd unusable).
      if (child.pid !== undefined) return;
      push('stderr', `could not start ${command}: ${messageOf(e)}`);
      exit = { code: null, signal: null };
      resolve(exit);
    });
    child.once('exit', (code, signal) => {
      // Wait for the pipes, so whoever awaited the exit sees the last lines.
      void streamsDone.then(() => {
        exit = { code, signal };
        resolve(exit);
      });
    });
  });

  const kill = (signal: NodeJS.Signals = 'SIGTERM', { group = false } = {}): Promise<ProcessExit> => {
    if (exit === undefined && child.pid !== undefined) {
      try {
        if (group) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch (e: unknown) {
        // ESRCH: it exited between our check and the signal; `exited` settles anyway.
        if ((e as { code?: unknown } | null)?.code !== 'ESRCH') throw e;
      }
    }
    return exited;
  };

  return {
    pid: child.pid ?? -1,
    stdout: lines.stdout,
    stderr: lines.stderr,
    exited,
    isRunning: () => exit === undefined,
    kill,
  };
};
