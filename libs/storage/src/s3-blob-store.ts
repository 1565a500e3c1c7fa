import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CopyDestinationOptions, CopySourceOptions, type Client } from 'minio';
import { BlobMeter } from './blob-meter';
import { blobReadStream } from './blob-read-stream';
import type { BlobRef, BlobSource, BlobStore, GetBlobOptions, PutBlobOptions } from './blob-store';
import { keyToIntegrity, toBlobKey } from './integrity';
import { S3PartUpload } from './s3-part-upload';
import { StorageError, StorageErrorCode, toStorageError } from './storage-error';

const MIN_PART_SIZE = 5 * 1024 * 1024; // S3's floor for every part but the last
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const OBJECT_METADATA = { 'Content-Type': 'application/octet-stream' };

export interface S3BlobStoreOptions {
  client: Client;
  bucket: string;
  /** Prepended to every object key, e.g. `tarballs/`. Blobs go to `<prefix>sha512/<hex>`, uploads in flight to `<prefix>tmp/<uuid>`. */
  prefix?: string;
  /** Create the bucket on first use if it does not exist. */
  ensureBucket?: boolean;
  /** Bytes held in memory per put (one multipart part); at least 5 MiB. Default 8 MiB. */
  partSize?: number;
}

/**
 * Blobs as S3 objects (MinIO in deployments, s3rver in tests). A put hashes while it uploads: a blob
 * under `partSize` is verified in memory and PUT once to its final key; a larger one is streamed as
 * a multipart upload to a temp key, then copied to its final key only if it verified, and the temp
 * object removed. S3 makes each PUT/complete/copy atomic, so readers never see partial blobs.
 * Give `<prefix>tmp/` a lifecycle rule (expire objects, abort incomplete uploads after a day) as the
 * backstop for processes that die mid-put.
 */
export class S3BlobStore implements BlobStore {
  readonly #client: Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #partSize: number;
  readonly #ensureBucket: boolean;
  #bucketReady: Promise<void> | null = null;

  constructor(options: S3BlobStoreOptions) {
    const partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE) {
      throw new StorageError(StorageErrorCode.InvalidArgument, `partSize must be an integer of at least ${MIN_PART_SIZE}`);
    }
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? '';
    this.#partSize = partSize;
    this.#ensureBucket = options.ensureBucket === true;
  }

  async put(source: BlobSource, options?: PutBlobOptions): Promise<BlobRef> {
    const meter = new BlobMeter(options);
    await this.#ready();
    const upload = new S3PartUpload(this.#client, this.#bucket, `${this.#prefix}tmp/${randomUUID()}`, this.#partSize);
    try {
      for await (const chunk of meter.read(source)) await upload.write(chunk);
      const ref = meter.finish();
      const finalKey = this.#objectKey(ref.key);
      if (!upload.isMultipart) {
        const body = upload.takeBuffered();
        if (!(await this.#exists(finalKey))) await this.#client.putObject(this.#bucket, finalKey, body, body.byteLength, OBJECT_METADATA);
        return ref;
      }
      await upload.complete();
      // an existing blob is left untouched; two racing puts may both copy, but only identical bytes
      if (!(await this.#exists(finalKey))) {
        await this.#client.copyObject(
          new CopySourceOptions({ Bucket: this.#bucket, Object: upload.tempKey }),
          new CopyDestinationOptions({ Bucket: this.#bucket, Object: finalKey }),
        );
      }
      return ref;
    } catch (e: unknown) {
      throw toStorageError(e, StorageErrorCode.BackendFailed, 'storing the blob failed');
    } finally {
      await upload.discard();
    }
  }

  async get(keyOrIntegrity: string, options: GetBlobOptions = {}): Promise<Readable> {
    const key = toBlobKey(keyOrIntegrity);
    await this.#ready();
    try {
      const body = await this.#client.getObject(this.#bucket, this.#objectKey(key));
      return blobReadStream(body, key, options.verify === true);
    } catch (e: unknown) {
      throw this.#failure(e, key, 'reading');
    }
  }

  async stat(keyOrIntegrity: string): Promise<BlobRef | null> {
    const key = toBlobKey(keyOrIntegrity);
    await this.#ready();
    try {
      const { size } = await this.#client.statObject(this.#bucket, this.#objectKey(key));
      return { key, integrity: keyToIntegrity(key), size };
    } catch (e: unknown) {
      if (isMissing(e)) return null;
      throw this.#failure(e, key, 'inspecting');
    }
  }

  async has(keyOrIntegrity: string): Promise<boolean> {
    return (await this.stat(keyOrIntegrity)) !== null;
  }

  async delete(keyOrIntegrity: string): Promise<void> {
    const key = toBlobKey(keyOrIntegrity);
    await this.#ready();
    try {
      await this.#client.removeObject(this.#bucket, this.#objectKey(key));
    } catch (e: unknown) {
      if (isMissing(e)) return;
      throw this.#failure(e, key, 'deleting');
    }
  }

  #objectKey(key: string): string {
    return `${this.#prefix}${key}`;
  }

  async #exists(objectKey: string): Promise<boolean> {
    try {
      await this.#client.statObject(this.#bucket, objectKey);
      return true;
    } catch (e: unknown) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  #ready(): Promise<void> {
    if (!this.#ensureBucket) return Promise.resolve();
    // one attempt shared by concurrent callers; forgotten on failure so a later call retries
    this.#bucketReady ??= this.#createBucketIfMissing().catch((e: unknown) => {
      this.#bucketReady = null;
      throw toStorageError(e, StorageErrorCode.BackendFailed, `ensuring bucket ${this.#bucket} failed`);
    });
    return this.#bucketReady;
  }

  async #createBucketIfMissing(): Promise<void> {
    if (await this.#client.bucketExists(this.#bucket)) return;
    try {
      await this.#client.makeBucket(this.#bucket);
    } catch (e: unknown) {
      // another process created it between our check and our request
      const code = s3Code(e);
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw e;
    }
  }

  #failure(e: unknown, key: string, action: string): StorageError {
    if (isMissing(e)) return new StorageError(StorageErrorCode.NotFound, `blob ${key} not found`, { cause: e });
    return toStorageError(e, StorageErrorCode.BackendFailed, `${action} blob ${key} failed`);
  }
}

function isMissing(e: unknown): boolean {
  const code = s3Code(e);
  return code === 'NoSuchKey' || code === 'NotFound';
}

function s3Code(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
