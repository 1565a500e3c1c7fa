import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PostgresBinaries } from './binaries';
import { EmbeddedPostgresError } from './errors';
import type { RunAs } from './os-user';
import { postgresEnv } from './postgres-env';
import type { OutputStream, PostgresSpawner } from './postgres-process';
import { firstBlockedFolder } from './reachability';

export const SUPERUSER = 'postgres';

export interface InitdbOptions {
  bin: PostgresBinaries;
  /** What `-D` says: the data dir's path, or `/proc/self/cwd` when only its working directory reaches it. */
  dataDirArg: string;
  cwd: string;
  password: string;
  fsync: boolean;
  runAs: RunAs | undefined;
  spawn: PostgresSpawner;
  onLine?: (line: string, stream: OutputStream) => void;
}

/** initdb reads the password from a file; it lives in a private folder of its own only while initdb runs. */
async function writePasswordFile(password: string, runAs: RunAs | undefined): Promise<string> {
  const secrets = await mkdtemp(join(tmpdir(), 'palisade-pg-init-'));
  const pwfile = join(secrets, 'pw');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs === undefined) return secrets;
  await chown(secrets, runAs.uid, runAs.gid);
  await chown(pwfile, runAs.uid, runAs.gid);
  const blocked = await firstBlockedFolder(secrets, runAs);
  if (blocked !== undefined) {
    await rm(secrets, { recursive: true, force: true });
    throw new EmbeddedPostgresError(
      'EMBEDDED_POSTGRES_DATA_DIR_UNREACHABLE',
      `initdb (running as the postgres OS user) cannot enter ${blocked} to read its password file; set TMPDIR to a folder that user can enter (such as /tmp)`,
    );
  }
  return secrets;
}

/**
 * Creates the cluster: superuser `postgres` with `password`, scram-sha-256 over TCP (the only way
 * in: the server listens on loopback and has no Unix socket), trust for local connections.
 */
export async function initdb(options: InitdbOptions): Promise<void> {
  const { bin, dataDirArg, cwd, password, fsync, runAs, spawn, onLine } = options;
  const secrets = await writePasswordFile(password, runAs);
  try {
    const args = [
      '-D',
      dataDirArg,
      '-U',
      SUPERUSER,
      `--pwfile=${join(secrets, 'pw')}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-instructions',
      ...(fsync ? [] : ['--no-sync']),
    ];
    const child = spawn(bin.initdb, args, { cwd, env: postgresEnv(), ...runAs, detached: false, onLine });
    const { code, signal } = await child.exited;
    if (code !== 0) {
      throw new EmbeddedPostgresError(
        'EMBEDDED_POSTGRES_INIT_FAILED',
        `initdb of ${cwd} failed (code ${code}, signal ${signal}):\n${child.stderr.slice(-20).join('\n')}`,
      );
    }
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}
