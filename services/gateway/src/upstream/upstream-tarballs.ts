import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PassThrough, type Readable } from 'node:stream';
import type { Logger } from '@palisade/config';
import { isPalisadeError, isRetryable } from '@palisade/errors';
import { BLOB_STORE, LOGGER } from '@palisade/platform';
import { StorageErrorCode, isStorageError, type BlobStore } from '@palisade/storage';
import { UPSTREAM_SETTINGS, UpstreamClient, type UpstreamSettings } from '@palisade/upstream';
import type { GatewaySettings } from '../gateway.config';
import { RegistryHttpError } from '../http/registry-errors';
import { GATEWAY_SETTINGS } from '../packages/application/gateway-settings.provider';
import { IngestClient } from '../packages/application/ingest-client';
import type { TarballLocation } from '../packages/store/package-reader';
import { HeldTail } from './held-tail';

export interface TarballBytes {
  body: Readable;
  /** Known for stored bytes; the live copy of a first download goes out chunked. */
  size?: number;
}

interface Download {
  /** The bytes as they arrive, for the one caller that started the download. */
  live: Promise<TarballBytes>;
  /** Settles when the bytes are verified, stored and recorded (or failed); the others wait for it. */
  completion: Promise<void>;
}

/**
 * The bytes of upstream versions. A cached tarball comes from the blob store. An uncached one is
 * fetched once however many clients ask at the same time: the first client gets the bytes as they
 * arrive while the blob store checks them against the recorded integrity and ingest records them;
 * its last bytes wait for both, so bytes that fail are never delivered whole. The others wait for
 * the stored copy.
 */
@Injectable()
export class UpstreamTarballs implements OnModuleDestroy {
  readonly #client?: UpstreamClient;
  readonly #downloads = new Map<string, Promise<void>>();

  constructor(
    @Inject(UPSTREAM_SETTINGS) settings: UpstreamSettings,
    @Inject(GATEWAY_SETTINGS) private readonly gateway: GatewaySettings,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly ingest: IngestClient,
  ) {
    if (settings.url && !settings.offline) this.#client = new UpstreamClient({ baseUrl: settings.url, timeoutMs: settings.timeoutMs });
  }

  async onModuleDestroy(): Promise<void> {
    await this.#client?.close();
  }

  async open(name: string, version: string, location: TarballLocation & { upstreamTarballUrl: string }): Promise<TarballBytes> {
    const cached = await this.#fromStore(location.blobKey);
    if (cached) return cached;
    if (!this.#client) throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', `${name}@${version} is not cached and the upstream is switched off`);
    const key = `${name}@${version}`;
    const running = this.#downloads.get(key);
    if (!running) {
      const { live, completion } = this.#start(name, version, location);
      this.#downloads.set(key, completion);
      const forget = () => this.#downloads.delete(key);
      completion.then(forget, forget);
      return live;
    }
    await running;
    const stored = await this.#fromStore(location.blobKey);
    if (!stored) throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', `${key} was fetched but is not in the blob store; try again`);
    return stored;
  }

  async #fromStore(key: string): Promise<TarballBytes | null> {
    const stat = await this.blobs.stat(key);
    return stat ? { body: await this.blobs.get(key), size: stat.size } : null;
  }

  #start(name: string, version: string, location: TarballLocation & { upstreamTarballUrl: string }): Download {
    const client = this.#client as UpstreamClient;
    const response = client.tarball(location.upstreamTarballUrl).catch((e: unknown) => {
      throw this.#refusal(name, version, e);
    });
    const tail = new HeldTail();
    const completion = (async () => {
      const body = await response;
      const toStore = new PassThrough();
      body.on('data', (chunk: Buffer) => {
        tail.write(chunk);
        if (!toStore.write(chunk)) body.pause();
      });
      toStore.on('drain', () => body.resume());
      body.once('end', () => {
        toStore.end();
        tail.end();
      });
      body.once('error', (e: Error) => toStore.destroy(e));
      let ref;
      try {
        ref = await this.blobs.put(toStore, { expectedIntegrity: location.integrity, maxBytes: this.gateway.maxTarballBytes });
      } catch (e: unknown) {
        body.destroy();
        throw this.#refusal(name, version, e);
      }
      try {
        await this.ingest.cacheTarball(name, version, { key: ref.key, integrity: ref.integrity, size: ref.size });
      } catch (e: unknown) {
        // Refused bytes (an unsafe archive) must not be found in the store by the next request.
        if (e instanceof RegistryHttpError && e.code === 'PAL_ERR_BAD_UPSTREAM') await this.blobs.delete(ref.key);
        throw e;
      }
      tail.release();
    })();
    completion.catch((e: unknown) => tail.abort(e instanceof Error ? e : new Error(String(e))));
    // No length for the live copy: should its bytes fail before the first one is sent, the error
    // answer replaces it, and a stale Content-Length would corrupt the connection for the client.
    return { live: response.then(() => ({ body: tail })), completion };
  }

  #refusal(name: string, version: string, e: unknown): RegistryHttpError {
    if (e instanceof RegistryHttpError) return e;
    if (isStorageError(e, StorageErrorCode.IntegrityMismatch) || isStorageError(e, StorageErrorCode.SizeMismatch) || isStorageError(e, StorageErrorCode.TooLarge)) {
      this.logger.warn({ name, version, err: e }, 'the upstream served bytes that do not match the recorded integrity; not served, not stored');
      return new RegistryHttpError('PAL_ERR_BAD_UPSTREAM', `the upstream's bytes for ${name}@${version} do not match the integrity recorded for it`, { cause: e });
    }
    if (isPalisadeError(e) && isRetryable(e)) return new RegistryHttpError('PAL_ERR_UNAVAILABLE', `the upstream did not deliver ${name}@${version}: ${e.message}`, { cause: e });
    if (isPalisadeError(e)) return new RegistryHttpError('PAL_ERR_BAD_UPSTREAM', `${name}@${version}: ${e.message}`, { cause: e });
    return new RegistryHttpError('PAL_ERR_UNAVAILABLE', `fetching ${name}@${version} failed: ${(e as Error).message}`, { cause: e });
  }
}
