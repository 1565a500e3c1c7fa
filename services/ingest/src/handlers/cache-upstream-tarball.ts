import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { Events, encodeMessage, timestampFromDate, type CacheTarballReplySchema, type CacheTarballRequest } from '@palisade/contracts';
import { addToOutbox } from '@palisade/messaging';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { IngestRejected, IngestRejectionCode, acceptedOrRejected } from '../domain/ingest-rejection';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.config';
import { upstreamStore } from '../store/upstream-store';
import { TarballSource } from './tarball-source';
import { UpstreamConnection } from './upstream-connection';

type CacheTarballReplyInit = MessageInitShape<typeof CacheTarballReplySchema>;

/**
 * `registry.cmd.ingest.cache-tarball`: the gateway stored the bytes of an upstream version on
 * first request (the blob store verified them against the integrity) and waits for this answer
 * before it lets the client have the last bytes. The tarball must be the recorded one and a safe
 * archive, as a publish must; then it is recorded as cached and `version.tarball-cached` follows.
 */
@Injectable()
export class CacheUpstreamTarball {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly tarballs: TarballSource,
    private readonly upstream: UpstreamConnection,
  ) {}

  run(request: CacheTarballRequest): Promise<CacheTarballReplyInit> {
    return acceptedOrRejected(
      () => this.#cache(request),
      (e) => this.logger.warn({ name: request.name, version: request.version, code: e.code, problems: e.problems }, `upstream tarball refused: ${e.message}`),
    );
  }

  async #cache(request: CacheTarballRequest) {
    const { name, version, tarball } = request;
    const recorded = await upstreamStore.tarball(this.dataSource.manager, name, version);
    if (!recorded) throw new IngestRejected(IngestRejectionCode.VersionNotFound, `${name}@${version} was not recorded from the upstream`);
    if (!tarball || tarball.integrity !== recorded.integrity || tarball.key !== recorded.blobKey) {
      throw new IngestRejected(IngestRejectionCode.IntegrityMismatch, `the stored bytes are not the ones recorded for ${name}@${version}`, [
        `recorded ${recorded.integrity}, offered ${tarball?.integrity ?? 'nothing'}`,
      ]);
    }
    const answer = (duplicate: boolean) => ({ name, version, integrity: recorded.integrity, duplicate });
    if (recorded.cachedAt) return answer(true);
    if (!(await this.tarballs.isStored(recorded.blobKey))) throw new IngestRejected(IngestRejectionCode.TarballNotFound, `the tarball of ${name}@${version} is not in the blob store`);
    await this.tarballs.inspect(recorded.blobKey, {
      maxEntries: this.settings.maxEntries,
      maxUnpackedBytes: this.settings.maxUnpackedBytes,
      maxPackageJsonBytes: this.settings.maxManifestBytes,
    });
    return this.dataSource.transaction(async (tx) => {
      if (!(await upstreamStore.markCached(tx, name, version, tarball.size))) return answer(true);
      await addToOutbox(tx, {
        id: `ingest.version-tarball-cached:${name}@${version}`,
        subject: Events.versionTarballCached.subject,
        schema: Events.versionTarballCached.schema.typeName,
        data: encodeMessage(Events.versionTarballCached.schema, {
          name,
          version,
          tarball: { key: recorded.blobKey, integrity: recorded.integrity, size: tarball.size },
          upstream: this.upstream.settings.url ?? '',
          cachedAt: timestampFromDate(new Date()),
        }),
      });
      return answer(false);
    });
  }
}
