import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '@palisade/config';
import { Events, encodeMessage, timestampFromDate, type UnpublishReplySchema, type UnpublishRequest } from '@palisade/contracts';
import { addToOutbox } from '@palisade/messaging';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { IngestRejected, IngestRejectionCode, acceptedOrRejected } from '../domain/ingest-rejection';
import { versionStore, type VersionStatus } from '../store/version-store';

type UnpublishReplyInit = MessageInitShape<typeof UnpublishReplySchema>;

/**
 * `registry.cmd.ingest.unpublish`: marks live versions unpublished and emits one
 * `VersionUnpublished` per version, in one transaction. Rows and blobs stay: the name@version
 * remains bound to its bytes (no republish with others) and the record stays for audit.
 * All or nothing: one named version that is not live refuses the whole request.
 */
@Injectable()
export class UnpublishVersions {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  run(request: UnpublishRequest): Promise<UnpublishReplyInit> {
    return acceptedOrRejected(
      async () => {
        const versions = await this.dataSource.transaction((tx) => this.#unpublish(tx, request));
        this.logger.info({ name: request.name, versions, by: request.requestedBy?.principal }, 'versions unpublished');
        return { name: request.name, versions };
      },
      (e) => this.logger.info({ name: request.name, code: e.code, problems: e.problems }, `unpublish rejected: ${e.message}`),
    );
  }

  async #unpublish(tx: EntityManager, request: UnpublishRequest): Promise<string[]> {
    const { name } = request;
    await versionStore.lockPackage(tx, name);
    const recorded = await versionStore.list(tx, name);
    const live = new Map(recorded.filter((v) => v.state === 'live').map((v) => [v.version, v]));
    if (live.size === 0 && (recorded.length === 0 || request.versions.length === 0)) {
      const why = recorded.length === 0 ? 'was never published here' : 'has no published versions left';
      throw new IngestRejected(IngestRejectionCode.PackageNotFound, `package "${name}" ${why}`);
    }
    const wanted = request.versions.length === 0 ? [...live.keys()] : [...new Set(request.versions)];
    const missing = wanted.filter((version) => !live.has(version));
    if (missing.length > 0) {
      const states = new Map(recorded.map((v) => [v.version, v.state]));
      throw new IngestRejected(
        IngestRejectionCode.VersionNotFound,
        `${missing.map((v) => `${name}@${v}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not published`,
        missing.map((v) => `${name}@${v}: ${states.get(v) === 'unpublished' ? 'already unpublished' : 'never published'}`),
      );
    }
    const now = new Date();
    await versionStore.markUnpublished(tx, name, wanted, now, request.requestedBy?.principal);
    for (const version of wanted) await this.#announce(tx, request, live.get(version) as VersionStatus, now);
    return wanted;
  }

  async #announce(tx: EntityManager, request: UnpublishRequest, version: VersionStatus, at: Date): Promise<void> {
    await addToOutbox(tx, {
      // a version is unpublished at most once, so this id is unique and a replayed command cannot double it
      id: `ingest.version-unpublished:${request.name}@${version.version}`,
      subject: Events.versionUnpublished.subject,
      schema: Events.versionUnpublished.schema.typeName,
      data: encodeMessage(Events.versionUnpublished.schema, {
        name: request.name,
        version: version.version,
        integrity: version.integrity,
        requestedBy: request.requestedBy,
        unpublishedAt: timestampFromDate(at),
      }),
    });
  }
}
