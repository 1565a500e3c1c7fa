import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import * as ssri from 'ssri';
import type { BlobStore } from './blob-store';
import { integrityToKey, keyToIntegrity } from './integrity';
import { StorageError, StorageErrorCode } from './storage-error';

export interface BlobStoreFixture {
  readonly store: BlobStore;
  /**
   * Everything the backend holds for this store, as sorted names: files, objects (temp ones too) and
   * in-flight upload parts. A failed put must leave this list exactly as it was.
   */
  listEntries(): Promise<string[]>;
  /** Overwrites a stored blob's bytes behind the store's back. */
  tamper(key: string, bytes: Uint8Array): Promise<void>;
  dispose(): Promise<void>;
}

const MiB = 1024 * 1024;
// not a multiple of any part or chunk size, and over two 5 MiB S3 parts
const BIG = 12 * MiB + 123;
const bigData = randomBytes(BIG);
const otherData = randomBytes(BIG);

/** Registers the behaviour every BlobStore must have; backends differ only in the fixture. */
export function describeBlobStoreContract(name: string, createFixture: () => Promise<BlobStoreFixture>): void {
  describe(`${name} (BlobStore contract)`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;

    beforeEach(async () => {
      fixture = await createFixture();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.dispose();
    });

    it('round-trips a multi-MiB streamed blob and addresses it the way ssri does', async () => {
      const ref = await store.put(streamOf(bigData));

      const expected = ssri.fromData(bigData);
      expect(ref).toEqual({ key: `sha512/${expected.hexDigest()}`, integrity: expected.toString(), size: BIG });
      expect(keyToIntegrity(ref.key)).toBe(ref.integrity);
      expect(integrityToKey(ref.integrity)).toBe(ref.key);
      expect((await readAll(await store.get(ref.key))).equals(bigData)).toBe(true);
      expect((await readAll(await store.get(ref.integrity, { verify: true }))).equals(bigData)).toBe(true);
    });

    it('accepts bytes and async iterables, and an empty blob', async () => {
      const small = randomBytes(1000);
      const fromBytes = await store.put(new Uint8Array(small));
      const fromIterable = await store.put(chunksOf(small, 7));
      expect(fromIterable).toEqual(fromBytes);
      expect(fromBytes.integrity).toBe(ssri.fromData(small).toString());

      const empty = await store.put(new Uint8Array(0));
      expect(empty).toEqual({ key: `sha512/${ssri.fromData('').hexDigest()}`, integrity: ssri.fromData('').toString(), size: 0 });
      expect((await readAll(await store.get(empty.key))).length).toBe(0);
    });

    it('re-putting present content returns the same ref and stores nothing new', async () => {
      const first = await store.put(streamOf(bigData));
      const entries = await fixture.listEntries();

      const again = await store.put(Buffer.from(bigData), { expectedIntegrity: first.integrity, expectedSize: BIG });

      expect(again).toEqual(first);
      expect(await fixture.listEntries()).toEqual(entries);
      expect((await readAll(await store.get(first.key))).equals(bigData)).toBe(true);
    });

    it('accepts an expectedIntegrity that matches, whatever algorithms it lists', async () => {
      const small = randomBytes(4096);
      const sha512 = ssri.fromData(small).toString();
      const sha1Only = ssri.fromData(small, { algorithms: ['sha1'] }).toString();
      const mixed = `${sha512} ${sha1Only}`;

      for (const expectedIntegrity of [sha512, sha1Only, mixed]) {
        const ref = await store.put(small, { expectedIntegrity, expectedSize: small.length });
        expect(ref.integrity).toBe(sha512);
      }
    });

    it.each([
      ['a small', 4096],
      ['a multi-MiB', BIG],
    ])('rejects %s blob whose bytes do not match expectedIntegrity and leaves nothing behind', async (_label, size) => {
      const data = bigData.subarray(0, size);
      const before = await fixture.listEntries();

      const error = await rejectionOf(store.put(streamOf(data), { expectedIntegrity: ssri.fromData(otherData).toString() }));

      expectStorageError(error, StorageErrorCode.IntegrityMismatch);
      expect(await fixture.listEntries()).toEqual(before);
      expect(await store.has(ssri.fromData(data).toString())).toBe(false);
    });

    it('checks a sha1-only expectedIntegrity too', async () => {
      const before = await fixture.listEntries();
      const wrongSha1 = ssri.fromData(otherData, { algorithms: ['sha1'] }).toString();

      expectStorageError(await rejectionOf(store.put(bigData.subarray(0, 2048), { expectedIntegrity: wrongSha1 })), StorageErrorCode.IntegrityMismatch);
      expect(await fixture.listEntries()).toEqual(before);
    });

    it('stops reading past maxBytes, rejects and leaves nothing behind', async () => {
      const before = await fixture.listEntries();
      const source = streamOf(bigData);

      const error = await rejectionOf(store.put(source, { maxBytes: 7 * MiB }));

      expectStorageError(error, StorageErrorCode.TooLarge);
      expect(source.destroyed).toBe(true);
      expect(await fixture.listEntries()).toEqual(before);
    });

    it('refuses an expectedSize over maxBytes before reading anything', async () => {
      const source = streamOf(bigData);

      const error = await rejectionOf(store.put(source, { expectedSize: BIG, maxBytes: MiB }));

      expectStorageError(error, StorageErrorCode.TooLarge);
      expect(source.readableDidRead).toBe(false);
    });

    it.each([
      ['shorter', BIG + 1],
      ['longer', BIG - 1],
    ])('rejects a source %s than expectedSize and leaves nothing behind', async (_label, expectedSize) => {
      const before = await fixture.listEntries();

      const error = await rejectionOf(store.put(streamOf(bigData), { expectedSize }));

      expectStorageError(error, StorageErrorCode.SizeMismatch);
      expect(await fixture.listEntries()).toEqual(before);
    });

    it('reports a source that fails mid-stream and leaves nothing behind', async () => {
      const before = await fixture.listEntries();
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield bigData.subarray(0, 6 * MiB);
        yield bigData.subarray(6 * MiB, 11 * MiB);
        throw new Error('connection reset by upstream');
      }

      const error = await rejectionOf(store.put(failing()));

      expectStorageError(error, StorageErrorCode.SourceFailed);
      expect((error as StorageError).retryable).toBe(true);
      expect(await fixture.listEntries()).toEqual(before);
    });

    it('answers NOT_FOUND, null and false for an unknown blob, and deleting it is a no-op', async () => {
      const unknown = ssri.fromData(otherData);

      expectStorageError(await rejectionOf(store.get(`sha512/${unknown.hexDigest()}`)), StorageErrorCode.NotFound);
      expectStorageError(await rejectionOf(store.get(unknown.toString())), StorageErrorCode.NotFound);
      expect(await store.stat(unknown.toString())).toBeNull();
      expect(await store.has(`sha512/${unknown.hexDigest()}`)).toBe(false);
      await expect(store.delete(unknown.toString())).resolves.toBeUndefined();
    });

    it('stats, checks and deletes a stored blob by key or integrity; delete is idempotent', async () => {
      const before = await fixture.listEntries();
      const ref = await store.put(streamOf(bigData));

      expect(await store.stat(ref.key)).toEqual(ref);
      expect(await store.stat(ref.integrity)).toEqual(ref);
      expect(await store.has(ref.integrity)).toBe(true);

      await store.delete(ref.integrity);
      await store.delete(ref.key);

      expect(await store.has(ref.key)).toBe(false);
      expect(await store.stat(ref.key)).toBeNull();
      expectStorageError(await rejectionOf(store.get(ref.key)), StorageErrorCode.NotFound);
      expect(await fixture.listEntries()).toEqual(before);
    });

    it('rejects keys and integrities it cannot address', async () => {
      const sha256Only = ssri.fromData(bigData, { algorithms: ['sha256'] }).toString();
      for (const bad of ['sha512/xyz', `sha512/${'A'.repeat(128)}`, 'md5-abc', sha256Only, '']) {
        expectStorageError(await rejectionOf(store.get(bad)), StorageErrorCode.InvalidArgument);
        expectStorageError(await rejectionOf(store.stat(bad)), StorageErrorCode.InvalidArgument);
      }
      expectStorageError(await rejectionOf(store.put(bigData, { expectedIntegrity: 'not an sri' })), StorageErrorCode.InvalidArgument);
    });

    it('stores concurrent puts of the same content once, and both succeed', async () => {
      const data = bigData.subarray(0, 6 * MiB + 5);

      const refs = await Promise.all([store.put(streamOf(data)), store.put(streamOf(data)), store.put(Buffer.from(data))]);

      expect(refs[1]).toEqual(refs[0]);
      expect(refs[2]).toEqual(refs[0]);
      const entries = await fixture.listEntries();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toContain(ssri.fromData(data).hexDigest());
      expect((await readAll(await store.get(refs[0].key))).equals(data)).toBe(true);
    });

    it('with verify, fails the read stream when stored bytes no longer match their key', async () => {
      const ref = await store.put(bigData.subarray(0, 10_000));
      await fixture.tamper(ref.key, otherData.subarray(0, 10_000));

      // without verification the damage goes unnoticed: that is what the option is for
      expect((await readAll(await store.get(ref.key))).equals(otherData.subarray(0, 10_000))).toBe(true);
      expectStorageError(await rejectionOf(readAll(await store.get(ref.key, { verify: true }))), StorageErrorCode.IntegrityMismatch);
    });
  });
}

export function streamOf(data: Uint8Array, chunkSize = 64 * 1024): Readable {
  return Readable.from(chunksOf(data, chunkSize), { objectMode: false });
}

async function* chunksOf(data: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += chunkSize) {
    yield data.subarray(offset, offset + chunkSize);
  }
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e: unknown) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

export function expectStorageError(error: unknown, code: StorageErrorCode): void {
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe(code);
}
