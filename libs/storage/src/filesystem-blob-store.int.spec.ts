import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as ssri from 'ssri';
import { isRetryable } from '@palisade/errors';
import { describeBlobStoreContract, expectStorageError, rejectionOf, streamOf } from './blob-store.contract';
import { FileSystemBlobStore } from './filesystem-blob-store';
import { StorageErrorCode } from './storage-error';

async function listFiles(root: string, directory = root): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  const files = await Promise.all(
    entries.map((entry) => {
      const path = join(directory, entry.name);
      return entry.isDirectory() ? listFiles(root, path) : Promise.resolve([relative(root, path)]);
    }),
  );
  return files.flat().sort();
}

function blobPath(root: string, key: string): string {
  const hex = key.slice('sha512/'.length);
  return join(root, 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex);
}

describeBlobStoreContract('FileSystemBlobStore', async () => {
  const root = await mkdtemp(join(tmpdir(), 'palisade-blobs-'));
  return {
    store: new FileSystemBlobStore({ root }),
    listEntries: () => listFiles(root),
    tamper: async (key, bytes) => {
      const path = blobPath(root, key);
      await chmod(path, 0o644);
      await writeFile(path, bytes);
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

describe('FileSystemBlobStore on disk', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'palisade-blobs-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lays blobs out as read-only files under sha512/<ab>/<cd>/<hex>', async () => {
    const data = randomBytes(3000);
    const ref = await new FileSystemBlobStore({ root }).put(streamOf(data, 100));

    const hex = ssri.fromData(data).hexDigest();
    expect(await listFiles(root)).toEqual([join('sha512', hex.slice(0, 2), hex.slice(2, 4), hex)]);
    const stats = await stat(blobPath(root, ref.key));
    expect(stats.size).toBe(3000);
    expect(stats.mode & 0o777).toBe(0o444);
  });

  it('leaves the file of an already-present blob untouched on re-put', async () => {
    const store = new FileSystemBlobStore({ root });
    const data = randomBytes(5000);
    const ref = await store.put(data);
    const before = await stat(blobPath(root, ref.key));

    await store.put(streamOf(data, 999));

    const after = await stat(blobPath(root, ref.key));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('reports a root it cannot write to as a retryable backend failure', async () => {
    const notADirectory = join(root, 'file');
    await writeFile(notADirectory, 'x');

    const error = await rejectionOf(new FileSystemBlobStore({ root: notADirectory }).put(randomBytes(10)));

    expectStorageError(error, StorageErrorCode.BackendFailed);
    expect(isRetryable(error)).toBe(true);
  });
});
