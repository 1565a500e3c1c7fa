import { lstat } from 'node:fs/promises';

// Structural, not `instanceof Error`: under Jest, errors from Node's fs come from another realm.
export function hasCode(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes(String((e as { code?: unknown }).code));
}

export function messageOf(e: unknown): string {
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(e);
}

/** Whether anything (a dangling symlink too) is at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e: unknown) {
    if (hasCode(e, 'ENOENT')) return false;
    throw e;
  }
}
