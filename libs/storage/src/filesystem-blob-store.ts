import { randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { BlobMeter } from './blob-meter';
import { blobReadStream } from './blob-read-stream';
import type { BlobRef, BlobSource, BlobStore, GetBlobOptions, PutBlobOptions } from './blob-store';
import { keyToHex, keyToIntegrity, toBlobKey } from './integrity';
import { StorageError, StorageErrorCode, toStorageError } from './storage-error';

export interface FileSystemBlobStoreOptions {
  /** Directory owning the store; created on first write. Temp files live in `<root>/tmp` so publishing is a same-filesystem link. */
  root: string;
}

/**
 * Blobs as files at `<root>/sha512/<ab>/<cd>/<hex>` (two shard levels keep directories small).
 * A put writes `<root>/tmp/<uuid>` while hashing, fsyncs it, then hard-links it into place, so a
 * reader sees either nothing or the complete, verified file.
 */
export class FileSystemBlobStore implements BlobStore {
  readonly #root: string;

  constructor(options: FileSystemBlobStoreOptions) {
    this.#root = options.root;
  }

  async put(source: BlobSource, options?: PutBlobOptions): Promise<BlobRef> {
    const meter = new BlobMeter(options);
    const tempPath = join(this.#root, 'tmp', `${randomUUID()}.partial`);
    let file: FileHandle | null = null;
    try {
      await mkdir(dirname(tempPath), { recursive: true });
      // read-only from birth: stored blobs are immutable; this handle can still write
      file = await open(tempPath, 'wx', 0o444);
      for await (const chunk of meter.read(source)) await writeFully(file, chunk);
      const ref = meter.finish();
      await file.sync();
      await file.close();
      file = null;
      await this.#publish(tempPath, this.#path(ref.key));
      return ref;
    } catch (e: unknown) {
      throw toStorageError(e, StorageErrorCode.BackendFailed, 'storing the blob failed');
    } finally {
      await file?.close().catch(() => undefined);
      await rm(tempPath, { force: true }).catch(() => undefined);
    }
  }

  async get(keyOrIntegrity: string, options: GetBlobOptions = {}): Promise<Readable> {
    const key = toBlobKey(keyOrIntegrity);
    let file: FileHandle;
    try {
      // open before returning, so a missing blob rejects here instead of failing the stream later
      file = await open(this.#path(key), 'r');
    } catch (e: unknown) {
      throw this.#failure(e, key, 'opening');
    }
    return blobReadStream(file.createReadStream(), key, options.verify === true);
  }

  async stat(keyOrIntegrity: string): Promise<BlobRef | null> {
    const key = toBlobKey(keyOrIntegrity);
    try {
      const stats = await stat(this.#path(key));
      return { key, integrity: keyToIntegrity(key), size: stats.size };
    } catch (e: unknown) {
      if (errnoCode(e) === 'ENOENT') return null;
      throw this.#failure(e, key, 'inspecting');
    }
  }

  async has(keyOrIntegrity: string): Promise<boolean> {
    return (await this.stat(keyOrIntegrity)) !== null;
  }

  async delete(keyOrIntegrity: string): Promise<void> {
    const key = toBlobKey(keyOrIntegrity);
    try {
      await rm(this.#path(key), { force: true });
    } catch (e: unknown) {
      throw this.#failure(e, key, 'deleting');
    }
  }

  /** Hard-linking never replaces an existing file, so a blob already present keeps its bytes (and inode). */
  async #publish(tempPath: string, finalPath: string): Promise<void> {
    const shard = dirname(finalPath);
    await mkdir(shard, { recursive: true });
    try {
      await link(tempPath, finalPath);
    } catch (e: unknown) {
      const code = errnoCode(e);
      if (code === 'EEXIST') return;
      // filesystems without hard links: rename is atomic too, it merely may replace identical bytes
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
      await rename(tempPath, finalPath);
    }
    await syncDirectory(shard);
    await unlink(tempPath).catch(() => undefined);
  }

  #path(key: string): string {
    const hex = keyToHex(key);
    return join(this.#root, 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex);
  }

  #failure(e: unknown, key: string, action: string): StorageError {
    if (errnoCode(e) === 'ENOENT') return new StorageError(StorageErrorCode.NotFound, `blob ${key} not found`, { cause: e });
    return toStorageError(e, StorageErrorCode.BackendFailed, `${action} blob ${key} failed`);
  }
}

async function writeFully(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Makes the new directory entry durable, not only the file's bytes. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
