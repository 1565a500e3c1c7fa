import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PermanentError, RetryableError } from '@palisade/errors';

/** A data source given by configuration or an admin: an http(s) URL or a local path. */
export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/**
 * A local path for `source`: the path itself, or a URL downloaded into a temporary file that
 * `release()` deletes. Large feeds (the npm OSV zip is hundreds of MB) never sit in memory.
 */
export async function localCopy(source: string): Promise<{ path: string; release(): Promise<void> }> {
  if (!isUrl(source)) {
    await stat(source).catch(() => {
      throw new PermanentError('SCANNING_SOURCE_NOT_FOUND', `no such file or folder: ${source}`);
    });
    return { path: source, release: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), 'palisade-feed-'));
  const path = join(dir, 'download');
  try {
    const response = await fetch(source, { redirect: 'follow' });
    if (!response.ok || !response.body) throw new RetryableError('SCANNING_SOURCE_UNAVAILABLE', `GET ${source} answered ${response.status}`);
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(path));
  } catch (error: unknown) {
    await rm(dir, { recursive: true, force: true });
    if (error instanceof RetryableError) throw error;
    throw new RetryableError('SCANNING_SOURCE_UNAVAILABLE', `could not download ${source}: ${(error as Error).message}`);
  }
  return { path, release: () => rm(dir, { recursive: true, force: true }) };
}

/** The first bytes of a file, to tell a zip (`PK\3\4`) or gzip (`1f 8b`) from plain text. */
export async function magicBytes(path: string, length = 4): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export const isZip = (magic: Buffer) => magic.length >= 4 && magic.readUInt32LE(0) === 0x04034b50;
export const isGzip = (magic: Buffer) => magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
