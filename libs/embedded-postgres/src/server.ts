import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PostgresBinaries, postgresBinaries } from './binaries';
import { EmbeddedPostgresError } from './errors';
import { hasCode, messageOf } from './fs-errors';
import { SUPERUSER, initdb } from './initdb';
import { RunAs, postgresRunAs } from './os-user';
import { postgresEnv } from './postgres-env';
import { OutputStream, PostgresProcess, PostgresSpawner, spawnPostgresProcess } from './postgres-process';
import { probeReadiness } from './readiness';
import { firstBlockedFolder } from './reachability';
import { clearStaleServer } from './stale-server';
import { startWatchdog } from './watchdog';

export interface EmbeddedPostgresOptions {
  /** The cluster's folder: initialised when missing or empty, reused (same password) when it holds one. */
  dataDir: string;
  /** Loopback port; the server listens on 127.0.0.1 only and has no Unix socket. */
  port: number;
  /** Password of the `postgres` role; must match the one an existing `dataDir` was created with. */
  password: string;
  /** Off only for throwaway data (tests): then a machine crash, not just a PostgreSQL one, loses commits. */
  fsync?: boolean;
  /** Every line initdb and the server print. */
  onLog?: (line: string, stream: OutputStream) => void;
  startTimeoutMs?: number;
  /** Off only in tests that need an orphaned server: the process that stops PostgreSQL once this one is gone. */
  watchdog?: boolean;
  /** How long a fast shutdown may take before the server is killed (by `stop()`, and by the watchdog once the app is gone). */
  stopTimeoutMs?: number;
}

export interface EmbeddedPostgresServer<P extends PostgresProcess = PostgresProcess> {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  /** Absolute path of the cluster's folder. */
  readonly dataDir: string;
  /** The postmaster (its pid, recent output, exit). */
  readonly process: P;
  /** Fast shutdown (SIGINT: abort sessions, checkpoint, exit); resolves once it has exited. SIGKILL after `stopTimeoutMs`. */
  stop(): Promise<void>;
  /** Crash: SIGKILL the postmaster and its workers; the next start runs crash recovery. */
  kill(): Promise<void>;
}

interface Launch {
  bin: PostgresBinaries;
  args: string[];
  cwd: string;
  url: string;
  runAs: RunAs | undefined;
  spawn: PostgresSpawner;
  onLine: EmbeddedPostgresOptions['onLog'];
  timeoutMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

const tail = (child: PostgresProcess): string => child.stderr.slice(-20).join('\n');

function validate({ dataDir, port, password }: EmbeddedPostgresOptions): void {
  const problems: string[] = [];
  if (dataDir.trim() === '') problems.push('dataDir is empty');
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`port ${port} is not a TCP port`);
  // initdb reads the first line of a file: a password must be one non-empty line.
  if (password === '' || /[\r\n]/.test(password)) problems.push('password must be one non-empty line');
  if (problems.length > 0) throw new EmbeddedPostgresError('EMBEDDED_POSTGRES_BAD_OPTIONS', `embedded PostgreSQL: ${problems.join('; ')}`);
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await stat(join(dataDir, 'PG_VERSION'));
    return true;
  } catch (e: unknown) {
    if (hasCode(e, 'ENOENT')) return false;
    throw e;
  }
}

/** Creates the folder; before initdb it must belong to PostgreSQL's user and be private (PostgreSQL checks). */
async function prepareDataDir(dataDir: string, runAs: RunAs | undefined): Promise<boolean> {
  try {
    await mkdir(dataDir, { recursive: true });
    if (await isInitialised(dataDir)) return true;
    if (runAs !== undefined) await chown(dataDir, runAs.uid, runAs.gid);
    await chmod(dataDir, 0o700);
    return false;
  } catch (e: unknown) {
    throw new EmbeddedPostgresError(
      'EMBEDDED_POSTGRES_DATA_DIR_UNREACHABLE',
      `cannot create or prepare the PostgreSQL data folder ${dataDir} (${messageOf(e)}); use a data folder on a local disk this process can write`,
      { cause: e },
    );
  }
}

/**
 * Where the programs find the data dir. PostgreSQL opens `-D` by path, which its OS user must be
 * able to walk: a checkout under /root is not. Then it gets the folder as its working directory
 * instead (Node enters it while still root, before switching user) and `-D /proc/self/cwd`, which
 * names the working directory of whichever process looks, and every forked worker inherits it. No
 * folder of anybody's is opened up for this.
 */
async function dataDirArgument(dataDir: string, runAs: RunAs | undefined): Promise<string> {
  if (runAs === undefined) return dataDir;
  return (await firstBlockedFolder(dataDir, runAs)) === undefined ? dataDir : '/proc/self/cwd';
}

/** Starts the postmaster and waits until it answers queries with our password. */
async function launch(settings: Launch): Promise<PostgresProcess> {
  const { bin, args, cwd, url, runAs, spawn, onLine, timeoutMs } = settings;
  const deadline = Date.now() + timeoutMs;
  // Right after a crash (kill()), the dead server's workers can hold its shared memory a moment.
  const retryUntil = Math.min(deadline, Date.now() + 5_000);
  for (;;) {
    // Own process group, so kill() takes the workers down with the postmaster, like a crash, and a
    // Ctrl-C in the terminal reaches only the app, which stops its services before the database.
    const child = spawn(bin.postgres, args, { cwd, env: postgresEnv(), ...runAs, detached: true, onLine });
    for (;;) {
      if (!child.isRunning()) break;
      const readiness = await probeReadiness(url);
      if (readiness === 'ready') return child;
      if (readiness === 'password-refused') {
        await child.kill('SIGKILL', { group: true });
        throw new EmbeddedPostgresError(
          'EMBEDDED_POSTGRES_AUTH_FAILED',
          `PostgreSQL in ${cwd} refuses the password it was given: the folder was initialised with another one`,
        );
      }
      if (Date.now() >= deadline) {
        await child.kill('SIGKILL', { group: true });
        throw new EmbeddedPostgresError('EMBEDDED_POSTGRES_START_FAILED', `PostgreSQL in ${cwd} did not accept queries within ${timeoutMs} ms:\n${tail(child)}`);
      }
      await sleep(100);
    }
    await child.exited;
    const log = child.stderr.join('\n');
    if (/shared memory block|lock file/.test(log) && Date.now() < retryUntil) {
      await sleep(250);
      continue;
    }
    const other = /another postmaster \(PID (\d+)\)/.exec(log);
    const hint = other === null ? '' : ` (another PostgreSQL, PID ${other[1]}, still serves this folder: stop it with kill -INT ${other[1]})`;
    throw new EmbeddedPostgresError('EMBEDDED_POSTGRES_START_FAILED', `PostgreSQL in ${cwd} exited during start-up${hint}:\n${tail(child)}`);
  }
}

/**
 * If the app dies without stopping the server (an uncaught error), ask it for a fast shutdown
 * rather than leave it running, holding the port and the data dir against the next start.
 */
function stopWithApp(child: PostgresProcess): void {
  const onExit = (): void => {
    try {
      process.kill(child.pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', onExit);
  void child.exited.then(() => process.off('exit', onExit));
}

export function startEmbeddedPostgresServer(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer>;
export function startEmbeddedPostgresServer<P extends PostgresProcess>(
  options: EmbeddedPostgresOptions & { spawn: PostgresSpawner<P> },
): Promise<EmbeddedPostgresServer<P>>;
/**
 * Starts a PostgreSQL of our own (the `@embedded-postgres/<platform>` binaries) on 127.0.0.1:`port`
 * with its data in `dataDir`, initialising the folder when empty. As root it runs as the `postgres`
 * OS user (created if missing); binaries and data dir may sit under folders that user cannot enter.
 */
export async function startEmbeddedPostgresServer(
  options: EmbeddedPostgresOptions & { spawn?: PostgresSpawner },
): Promise<EmbeddedPostgresServer> {
  validate(options);
  const { port, password, fsync = true, onLog, startTimeoutMs = 60_000, stopTimeoutMs = 60_000, spawn = spawnPostgresProcess } = options;
  const dataDir = resolve(options.dataDir);
  const runAs = postgresRunAs();
  const bin = await postgresBinaries(runAs);
  const initialised = await prepareDataDir(dataDir, runAs);
  const dataDirArg = await dataDirArgument(dataDir, runAs);
  if (!initialised) await initdb({ bin, dataDirArg, cwd: dataDir, password, fsync, runAs, spawn, onLine: onLog });
  else await clearStaleServer(dataDir, (line) => onLog?.(line, 'stderr'));

  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const args = ['-D', dataDirArg, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  if (!fsync) args.push('-c', 'fsync=off');
  const child = await launch({ bin, args, cwd: dataDir, url, runAs, spawn, onLine: onLog, timeoutMs: startTimeoutMs });
  stopWithApp(child);
  // The exit handler above does not run on SIGKILL or a fatal signal: the watchdog does.
  if (options.watchdog !== false) startWatchdog(child.pid, stopTimeoutMs);

  return {
    url,
    port,
    dataDir,
    process: child,
    stop: async () => {
      if (!child.isRunning()) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((done) => {
        timer = setTimeout(() => done('late'), stopTimeoutMs);
      });
      const outcome = await Promise.race([child.kill('SIGINT'), late]);
      clearTimeout(timer);
      if (outcome === 'late') await child.kill('SIGKILL', { group: true });
    },
    kill: async () => {
      await child.kill('SIGKILL', { group: true });
    },
  };
}
