import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddedPostgresServer, PostgresSpawner, startEmbeddedPostgresServer } from '@palisade/embedded-postgres';
import { registerCleanup, tempDir } from '../cleanup';
import { freePort } from '../free-port';
import { ChildHandle, spawnChild } from '../process/child-handle';

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

// Tests get the whole log and `waitForLine` (ChildHandle); nothing here uses `onLog`.
const spawnWithFullLog: PostgresSpawner<ChildHandle> = (command, args, { onLine: _onLine, ...options }) => spawnChild(command, args, options);

async function freshDataDir(): Promise<string> {
  const base = await tempDir('palisade-pg-');
  // Let PostgreSQL's OS user (when we are root) walk in by path, so `show data_directory` is the real one.
  await chmod(base, 0o711);
  return join(base, 'data');
}

/**
 * Starts a private PostgreSQL (@palisade/embedded-postgres) on a loopback port, so a test can
 * stop, crash and restart it without touching the shared server. Test settings: fsync off (a
 * killed process loses nothing the OS already has), the whole log kept, stopped by `runCleanups`.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresHandle> {
  const { password = 'postgres', startTimeoutMs = 30_000 } = options;
  const dataDir = options.dataDir ?? (await freshDataDir());
  const port = options.port ?? (await freePort());
  const start = (): Promise<EmbeddedPostgresServer<ChildHandle>> =>
    startEmbeddedPostgresServer({
      dataDir,
      port,
      password,
      fsync: false,
      startTimeoutMs,
      stopTimeoutMs: 10_000,
      spawn: spawnWithFullLog,
    });
  let server = await start();
  const stop = (): Promise<void> => server.stop();
  registerCleanup(stop);

  return {
    url: server.url,
    port,
    dataDir: server.dataDir,
    process: () => server.process,
    stop,
    kill: () => server.kill(),
    restart: async () => {
      await server.stop();
      server = await start();
    },
  };
}
