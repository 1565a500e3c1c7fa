import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import S3rver from '@20minutes/s3rver';
import { Client } from 'minio';
import * as ssri from 'ssri';
import { isRetryable } from '@palisade/errors';
import { describeBlobStoreContract, expectStorageError, readAll, rejectionOf, streamOf } from './blob-store.contract';
import { S3BlobStore } from './s3-blob-store';
import { StorageErrorCode } from './storage-error';

const PART_SIZE = 5 * 1024 * 1024;
const PREFIX = 'palisade/';

let directory: string;
let server: S3rver;
let client: Client;
let bucketCount = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'palisade-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  client = new Client({
    endPoint: '127.0.0.1',
    port,
    useSSL: false,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    pathStyle: true,
    region: 'us-east-1',
  });
});

afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

function nextBucket(): string {
  bucketCount += 1;
  return `blobs-${bucketCount}`;
}

async function listObjects(bucket: string): Promise<string[]> {
  const names: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) {
    if (item.name) names.push(item.name);
  }
  return names.sort();
}

/** s3rver keeps multipart parts here until the upload is completed; listing objects never shows them. */
async function listUploadParts(bucket: string): Promise<string[]> {
  const uploads = join(directory, bucket, '._S3rver_uploads');
  const entries = await readdir(uploads, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => `upload:${relative(uploads, join(entry.parentPath, entry.name))}`);
}

describeBlobStoreContract('S3BlobStore on s3rver', async () => {
  const bucket = nextBucket();
  await client.makeBucket(bucket, 'us-east-1');
  return {
    store: new S3BlobStore({ client, bucket, prefix: PREFIX, partSize: PART_SIZE }),
    listEntries: async () => [...(await listObjects(bucket)), ...(await listUploadParts(bucket))].sort(),
    tamper: async (key, bytes) => {
      await client.putObject(bucket, `${PREFIX}${key}`, Buffer.from(bytes));
    },
    dispose: async () => undefined,
  };
});

describe('S3BlobStore on s3rver', () => {
  it('stores a blob at <prefix>sha512/<hex> and no temp object, for single and multipart uploads', async () => {
    const bucket = nextBucket();
    await client.makeBucket(bucket, 'us-east-1');
    const store = new S3BlobStore({ client, bucket, prefix: PREFIX, partSize: PART_SIZE });
    const small = randomBytes(1000);
    const large = randomBytes(2 * PART_SIZE + 1);

    await store.put(small);
    await store.put(streamOf(large));

    const keys = [small, large].map((data) => `${PREFIX}sha512/${ssri.fromData(data).hexDigest()}`).sort();
    expect(await listObjects(bucket)).toEqual(keys);
    expect(await listUploadParts(bucket)).toEqual([]);
  });

  it('creates a missing bucket when asked to, and accepts one that exists', async () => {
    const bucket = nextBucket();
    const data = randomBytes(2000);

    const ref = await new S3BlobStore({ client, bucket, ensureBucket: true }).put(data);
    const again = await new S3BlobStore({ client, bucket, ensureBucket: true }).get(ref.key);

    expect(await client.bucketExists(bucket)).toBe(true);
    expect((await readAll(again)).equals(data)).toBe(true);
  });

  it('reports a missing bucket as a retryable backend failure, not as a missing blob', async () => {
    const store = new S3BlobStore({ client, bucket: 'no-such-bucket' });
    const key = `sha512/${ssri.fromData('x').hexDigest()}`;

    const putError = await rejectionOf(store.put(randomBytes(10)));
    const getError = await rejectionOf(store.get(key));

    expectStorageError(putError, StorageErrorCode.BackendFailed);
    expectStorageError(getError, StorageErrorCode.BackendFailed);
    expect(isRetryable(putError)).toBe(true);
  });

  it('refuses a part size below the S3 minimum', () => {
    expect(() => new S3BlobStore({ client, bucket: 'any', partSize: 1024 })).toThrow(
      expect.objectContaining({ code: StorageErrorCode.InvalidArgument }),
    );
  });
});
