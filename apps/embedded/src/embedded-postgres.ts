import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresError, startEmbeddedPostgresServer, type EmbeddedPostgresServer } from '@palisade/embedded-postgres';
import { PalisadeError, isPalisadeError } from '@palisade/errors';

export interface EmbeddedPostgresHandle {
  /** URL of the `palisade` database. */
  url: string;
  stop(): Promise<void>;
}

/** The cluster's password: made up at its creation, kept beside it (readable by us only) for every later start. */
async function clusterPassword(databaseDir: string, passwordFile: string): Promise<string> {
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    const password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
    await chmod(passwordFile, 0o600); // `mode` only applies when the file is new
    return password;
  }
  try {
    return (await readFile(passwordFile, 'utf8')).trim();
  } catch (error: unknown) {
    throw new PalisadeError('EMBEDDED_POSTGRES_PASSWORD_MISSING', `${databaseDir} holds a database but its password file ${passwordFile} cannot be read`, {
      cause: error,
    });
  }
}

async function createDatabaseIfMissing(serverUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

async function startServer(databaseDir: string, port: number, password: string, log: (line: string) => void): Promise<EmbeddedPostgresServer> {
  try {
    // A supervisor sends SIGTERM and SIGKILLs ~10 s later: the fast shutdown must fit well inside that.
    return await startEmbeddedPostgresServer({ dataDir: databaseDir, port, password, onLog: (line) => log(line), stopTimeoutMs: 5_000 });
  } catch (error: unknown) {
    if (isPalisadeError(error) && error.code === 'EMBEDDED_POSTGRES_DATA_DIR_UNREACHABLE') {
      throw new EmbeddedPostgresError(error.code, `${error.message}; set PALISADE_DATA_DIR to such a folder`, { cause: error });
    }
    throw error;
  }
}

/**
 * A real PostgreSQL (@palisade/embedded-postgres), its data under `dataDir`, listening on loopback
 * only, on a port of its own (never a PostgreSQL or NATS already on the machine), fsync on.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: (line: string) => void): Promise<EmbeddedPostgresHandle> {
  await mkdir(dataDir, { recursive: true });
  const databaseDir = join(dataDir, 'postgres');
  const password = await clusterPassword(databaseDir, join(dataDir, 'postgres.password'));
  const server = await startServer(databaseDir, port, password, log);
  const url = new URL(server.url);
  url.pathname = '/palisade';
  try {
    await createDatabaseIfMissing(server.url, 'palisade');
  } catch (error: unknown) {
    await server.stop();
    throw error;
  }
  return { url: url.toString(), stop: () => server.stop() };
}
