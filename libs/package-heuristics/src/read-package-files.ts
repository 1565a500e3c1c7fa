import { Parser, type ReadEntry } from 'tar';
import { HeuristicsError, HeuristicsErrorCode } from './heuristics-error';
import type { PackageFile } from './types';

export interface ReadLimits {
  /** Most regular files accepted (default 20 000). */
  maxFiles?: number;
  /** Most unpacked bytes accepted over all files (default 256 MiB). */
  maxBytes?: number;
}

const DEFAULT_MAX_FILES = 20_000;
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Gunzips and untars a package tarball into memory: regular files only (links and directories
 * carry no code), paths as in the archive (`package/index.js`). Throws `HeuristicsError` with a
 * stable code when the archive is unreadable or exceeds the limits; the ingest service has already
 * refused unsafe archives, so these limits are only a memory guard.
 */
export async function readPackageFiles(tarball: Buffer, limits: ReadLimits = {}): Promise<PackageFile[]> {
  const maxFiles = limits.maxFiles ?? DEFAULT_MAX_FILES;
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const files: PackageFile[] = [];
  let total = 0;
  let failure: HeuristicsError | undefined;

  const parser = new Parser({ strict: true });
  parser.on('entry', (entry: ReadEntry) => {
    if (failure || !FILE_TYPES.has(entry.type)) {
      entry.resume();
      return;
    }
    if (files.length + 1 > maxFiles) {
      failure ??= new HeuristicsError(HeuristicsErrorCode.TooLarge, `the tarball has more than ${maxFiles} files`);
      entry.resume();
      return;
    }
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) failure ??= new HeuristicsError(HeuristicsErrorCode.TooLarge, `the tarball unpacks to more than ${maxBytes} bytes`);
      else chunks.push(chunk);
    });
    entry.on('end', () => {
      if (!failure) files.push({ path: entry.path, bytes: Buffer.concat(chunks) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    parser.on('error', (error: unknown) => reject(new HeuristicsError(HeuristicsErrorCode.Unreadable, `unreadable tarball: ${error instanceof Error ? error.message : String(error)}`, { cause: error })));
    parser.on('end', () => resolve());
    parser.end(tarball);
  });
  if (failure) throw failure;
  return files;
}
