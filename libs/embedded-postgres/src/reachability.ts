import { realpath, stat } from 'node:fs/promises';
import { dirname, parse } from 'node:path';
import type { RunAs } from './os-user';

export interface DirOwnership {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Whether `who` may enter (search) a folder with this owner and mode. Permission bits only: an ACL
 * that grants more makes us think a folder is blocked (harmless: the server is then reached
 * through its working directory, see server.ts).
 */
export function canEnter(dir: DirOwnership, who: RunAs): boolean {
  if (who.uid === 0) return true;
  if (dir.uid === who.uid) return (dir.mode & 0o100) !== 0;
  // Only the primary group counts: Node drops supplementary groups when it switches user.
  if (dir.gid === who.gid) return (dir.mode & 0o010) !== 0;
  return (dir.mode & 0o001) !== 0;
}

/** `/a/b/c` → [`/`, `/a`, `/a/b`, `/a/b/c`]. */
export function foldersOnTheWay(path: string): string[] {
  const folders: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    folders.unshift(current);
    if (current === parse(current).root) return folders;
  }
}

/** The first folder from / down to `path` (an existing folder, symlinks resolved) that `who` cannot enter. */
export async function firstBlockedFolder(path: string, who: RunAs): Promise<string | undefined> {
  for (const folder of foldersOnTheWay(await realpath(path))) {
    if (!canEnter(await stat(folder), who)) return folder;
  }
  return undefined;
}
