import * as ssri from 'ssri';
import { isRetryable } from '@palisade/errors';
import { BlobMeter } from './blob-meter';
import { StorageError, StorageErrorCode } from './storage-error';

async function drain(meter: BlobMeter, source: AsyncIterable<Uint8Array> | Uint8Array): Promise<number> {
  let chunks = 0;
  for await (const _chunk of meter.read(source)) chunks += 1;
  return chunks;
}

async function* pieces(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e: unknown) {
    return e instanceof StorageError ? e.code : 'not a StorageError';
  }
  return undefined;
}

describe('BlobMeter', () => {
  it('hashes and counts what passes through', async () => {
    const meter = new BlobMeter();
    expect(await drain(meter, pieces('hello ', 'world'))).toBe(2);
    const expected = ssri.fromData('hello world');
    expect(meter.finish()).toEqual({ key: `sha512/${expected.hexDigest()}`, integrity: expected.toString(), size: 11 });
  });

  it('fails finish() on a digest or size other than expected', async () => {
    const wrongDigest = new BlobMeter({ expectedIntegrity: ssri.fromData('other').toString() });
    await drain(wrongDigest, Buffer.from('hello'));
    expect(codeOf(() => wrongDigest.finish())).toBe(StorageErrorCode.IntegrityMismatch);

    const short = new BlobMeter({ expectedSize: 6 });
    await drain(short, Buffer.from('hello'));
    expect(codeOf(() => short.finish())).toBe(StorageErrorCode.SizeMismatch);
  });

  it('verifies a sha1-only expectation with a sha1 digest', async () => {
    const good = new BlobMeter({ expectedIntegrity: ssri.fromData('hello', { algorithms: ['sha1'] }).toString() });
    await drain(good, Buffer.from('hello'));
    expect(good.finish().integrity).toBe(ssri.fromData('hello').toString());

    const bad = new BlobMeter({ expectedIntegrity: ssri.fromData('hellO', { algorithms: ['sha1'] }).toString() });
    await drain(bad, Buffer.from('hello'));
    expect(codeOf(() => bad.finish())).toBe(StorageErrorCode.IntegrityMismatch);
  });

  it('stops at the chunk that goes past maxBytes or expectedSize', async () => {
    let pulled = 0;
    async function* counting(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled += 1;
        yield Buffer.alloc(10);
      }
    }
    await expect(drain(new BlobMeter({ maxBytes: 25 }), counting())).rejects.toMatchObject({ code: StorageErrorCode.TooLarge });
    expect(pulled).toBe(3);
    await expect(drain(new BlobMeter({ expectedSize: 15 }), pieces('0123456789', '0123456789'))).rejects.toMatchObject({
      code: StorageErrorCode.SizeMismatch,
    });
  });

  it('wraps a failing source as a retryable STORAGE_SOURCE_FAILED', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('x');
      throw new Error('socket hang up');
    }
    const error: unknown = await drain(new BlobMeter(), broken()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: StorageErrorCode.SourceFailed });
    expect((error as StorageError).cause).toEqual(new Error('socket hang up'));
    expect(isRetryable(error)).toBe(true);
  });

  it('refuses decoded strings and invalid options up front', async () => {
    async function* strings(): AsyncGenerator<string> {
      yield 'text';
    }
    await expect(drain(new BlobMeter(), strings() as unknown as AsyncIterable<Uint8Array>)).rejects.toMatchObject({
      code: StorageErrorCode.InvalidArgument,
    });
    expect(codeOf(() => new BlobMeter({ maxBytes: -1 }))).toBe(StorageErrorCode.InvalidArgument);
    expect(codeOf(() => new BlobMeter({ expectedSize: 1.5 }))).toBe(StorageErrorCode.InvalidArgument);
    expect(codeOf(() => new BlobMeter({ expectedSize: 10, maxBytes: 5 }))).toBe(StorageErrorCode.TooLarge);
    expect(codeOf(() => new BlobMeter({ expectedIntegrity: '' }))).toBe(StorageErrorCode.InvalidArgument);
  });

  it('marks only source and backend failures retryable', () => {
    expect(new StorageError(StorageErrorCode.BackendFailed, 'x').retryable).toBe(true);
    expect(isRetryable(new StorageError(StorageErrorCode.IntegrityMismatch, 'x'))).toBe(false);
    expect(isRetryable(new StorageError(StorageErrorCode.NotFound, 'x'))).toBe(false);
  });
});
