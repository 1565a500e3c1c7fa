import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { inspectTarball, isTarballError, type InspectOptions, type TarballInspection, type TarballLimits } from '@palisade/npm-tarball';
import { BLOB_STORE, DATA_SOURCE } from '@palisade/platform';
import { StorageErrorCode, isStorageError, type BlobStore } from '@palisade/storage';
import { IngestRejected, IngestRejectionCode } from '../domain/ingest-rejection';
import { digestStream, type TarballDigests } from '../domain/tarball-digests';
import { tarballRefusal } from '../domain/tarball-refusal';
import { versionStore } from '../store/version-store';

/**
 * The published tarball in the blob store, as ingest reads it: hashed, inspected, and discarded
 * after a refusal when nothing recorded needs those bytes. Storage trouble becomes a rejection
 * (retryable unless the blob is simply not there).
 */
@Injectable()
export class TarballSource {
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  digest(key: string, extraAlgorithms: readonly string[]): Promise<TarballDigests> {
    return this.#read(key, (stream) => digestStream(stream, extraAlgorithms));
  }

  inspect(key: string, limits: TarballLimits, options: InspectOptions = {}): Promise<TarballInspection> {
    return this.#read(key, async (stream) => {
      try {
        return await inspectTarball(stream, limits, options);
      } catch (e: unknown) {
        throw isTarballError(e) ? tarballRefusal(e) : e;
      }
    });
  }

  /** A small blob read whole (a provenance bundle); more than `maxBytes` is a refusal. */
  readSmall(key: string, maxBytes: number): Promise<Buffer> {
    return this.#read(key, async (stream) => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of stream) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) throw new IngestRejected(IngestRejectionCode.ProvenanceInvalid, `the provenance bundle is larger than ${maxBytes} bytes`);
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    });
  }

  isStored(key: string): Promise<boolean> {
    return this.blobs.has(key).catch((e: unknown) => {
      throw storageRefusal(e, key);
    });
  }

  /**
   * Deletes the blob unless a recorded version (live or unpublished) holds the same bytes: the
   * store is content-addressed, so one blob may belong to several versions. The blob lock keeps
   * a concurrent publish of the same bytes from being recorded against a deleted blob.
   */
  async discardUnreferenced(key: string): Promise<'deleted' | 'kept'> {
    return this.dataSource.transaction(async (tx) => {
      await versionStore.lockBlob(tx, key);
      if (await versionStore.blobReferenced(tx, key)) return 'kept';
      await this.blobs.delete(key);
      return 'deleted';
    });
  }

  async #read<T>(key: string, use: (stream: Readable) => Promise<T>): Promise<T> {
    let stream: Readable;
    try {
      stream = await this.blobs.get(key);
    } catch (e: unknown) {
      throw storageRefusal(e, key);
    }
    try {
      return await use(stream);
    } catch (e: unknown) {
      throw e instanceof IngestRejected ? e : storageRefusal(e, key);
    } finally {
      stream.destroy();
    }
  }
}

function storageRefusal(e: unknown, key: string): unknown {
  if (isStorageError(e, StorageErrorCode.NotFound)) {
    return new IngestRejected(IngestRejectionCode.TarballNotFound, `the tarball ${key} is not in the blob store; send the publish again`);
  }
  if (isStorageError(e, StorageErrorCode.InvalidArgument)) {
    return new IngestRejected(IngestRejectionCode.BadRequest, `the tarball key ${key} cannot be read: ${e.message}`);
  }
  if (isStorageError(e)) {
    return new IngestRejected(IngestRejectionCode.StorageUnavailable, `the blob store could not be read: ${e.message}`, [`${e.code}: ${e.message}`], true);
  }
  return e;
}
