import { spawn, SpawnOptions } from 'node:child_process';
import { TestingError } from '../errors';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildHandle {
  readonly pid: number;
  /** Complete lines seen so far; grows while the child runs. */
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** Resolves once the child has exited (never rejects). */
  readonly exited: Promise<ChildExit>;
  /** Whether the child has not exited yet. */
  isRunning(): boolean;
  /**
   * Sends `signal` (default SIGTERM) and resolves when the child has exited. `group` signals the
   * whole process group instead (only for children spawned with `detached: true`, e.g. servers
   * that fork workers which must die with them).
   */
  kill(signal?: NodeJS.Signals, options?: { group?: boolean }): Promise<ChildExit>;
  /**
   * Resolves with the first line on stdout or stderr (already seen or still to come) that matches.
   * Rejects when the child exits first or the timeout passes, with the output tail in the message.
   */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export type SpawnChildOptions = Pick<SpawnOptions, 'cwd' | 'env' | 'uid' | 'gid' | 'detached'>;

const TAIL_LINES = 20;

/** Starts a process with captured, line-split output. Spawn failures reject `exited` the same way an exit does. */
export function spawnChild(command: string, args: readonly string[], options: SpawnChildOptions = {}): ChildHandle {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let exit: ChildExit | undefined;
  let spawnError: Error | undefined;

  const collect = (stream: NodeJS.ReadableStream | null, lines: string[]): Promise<void> =>
    new Promise((resolve) => {
      if (stream === null) return resolve();
      let partial = '';
      const push = (line: string): void => {
        lines.push(line);
        for (const watch of watchers) watch(line);
      };
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split(/\r?\n/);
        partial = parts.pop() ?? '';
        parts.forEach(push);
      });
      stream.on('end', () => {
        if (partial !== '') push(partial);
        resolve();
      });
      stream.on('error', () => resolve());
    });
  const streamsDone = Promise.all([collect(child.stdout, stdout), collect(child.stderr, stderr)]);

  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (e: Error) => {
      // 'error' without 'exit' means the process never started (missing binary, EACCES).
      spawnError = e;
      if (child.pid === undefined) {
        exit = { code: null, signal: null };
        resolve(exit);
      }
    });
    child.once('exit', (code, signal) => {
      // Wait for the pipes so the last lines are visible to whoever awaited the exit.
      void streamsDone.then(() => {
        exit = { code, signal };
        resolve(exit);
      });
    });
  });

  const describe = (): string => {
    const tail = [...stdout, ...stderr].slice(-TAIL_LINES).join('\n');
    const why = spawnError !== undefined ? `failed to start: ${spawnError.message}` : `exited ${JSON.stringify(exit)}`;
    return `${command} ${why}; output tail:\n${tail}`;
  };

  const waitForLine = (pattern: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const seen = [...stdout, ...stderr].find((line) => pattern.test(line));
      if (seen !== undefined) return resolve(seen);
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        watchers.delete(watch);
        fn();
      };
      const watch = (line: string): void => {
        if (pattern.test(line)) finish(() => resolve(line));
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new TestingError('TESTING_WAIT_TIMEOUT', `no line matching ${pattern} within ${timeoutMs} ms from ${describe()}`)),
          ),
        timeoutMs,
      );
      watchers.add(watch);
      void exited.then(() =>
        finish(() => reject(new TestingError('TESTING_PROCESS_EXITED', `no line matching ${pattern}: ${describe()}`))),
      );
    });

  const kill = (signal: NodeJS.Signals = 'SIGTERM', { group = false } = {}): Promise<ChildExit> => {
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
    stdout,
    stderr,
    exited,
    isRunning: () => exit === undefined,
    kill,
    waitForLine,
  };
}

export interface TerminateOptions {
  graceMs?: number;
  /** SIGKILL the whole process group when the grace period runs out (detached children). */
  killGroup?: boolean;
}

/** Sends `signal` to the child, and SIGKILL if it is still running after `graceMs`. */
export async function terminate(
  child: ChildHandle,
  signal: NodeJS.Signals,
  { graceMs = 10_000, killGroup = false }: TerminateOptions = {},
): Promise<ChildExit> {
  const stopping = child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const first = await Promise.race([stopping, grace]);
  clearTimeout(timer);
  return first === 'timeout' ? child.kill('SIGKILL', { group: killGroup }) : first;
}
