import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '@palisade/config';
import { Events, Severity, VersionSource, encodeMessage, timestampDate, timestampFromDate, type PublishAccepted, type PublishReplySchema, type PublishRequest } from '@palisade/contracts';
import { addToOutbox } from '@palisade/messaging';
import { compareManifests, validatePackageName, validateVersion } from '@palisade/npm-tarball';
import { DATA_SOURCE, LOGGER, METRICS } from '@palisade/platform';
import { createCounter, type Counter, type Registry } from '@palisade/telemetry';
import { IngestRejected, IngestRejectionCode } from '../domain/ingest-rejection';
import { checkProvenance, type ProvenanceRecord } from '../domain/provenance/check-provenance';
import { clientDist, identityProblems, installFieldShapeProblems, parsePublishedManifest, type Manifest } from '../domain/published-manifest';
import { buildRecordedManifest } from '../domain/recorded-manifest';
import { integrityProblems, sriAlgorithm, type TarballDigests } from '../domain/tarball-digests';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.config';
import { upstreamStore } from '../store/upstream-store';
import { versionStore } from '../store/version-store';
import { raiseSecurityAlert } from './security-alert';
import { TarballSource } from './tarball-source';

type PublishReplyInit = MessageInitShape<typeof PublishReplySchema>;
type Accepted = Omit<PublishAccepted, '$typeName' | '$unknown'>;

const BLOB_KEY = /^sha512\/[0-9a-f]{128}$/;
/** Real bundles are a few KiB (a certificate, a log entry, the statement). */
const PROVENANCE_MAX_BYTES = 1024 * 1024;

/** Vetted input of the recording step. */
interface CheckedPublish {
  request: PublishRequest;
  blobKey: string;
  digests: TarballDigests;
  recorded: Manifest;
  provenance?: { blobKey: string; record: ProvenanceRecord };
  /** Epoch ms after which the version must not be recorded. */
  deadline: number;
}

/**
 * `registry.cmd.ingest.publish`: checks a tarball the gateway stored against everything the
 * publish claims, then records the version and its `VersionIngested` event in one transaction.
 * It answers only after that commit, so an accepted publish is durable. A refused publish leaves
 * no row, and its blob is deleted unless a recorded version holds the same bytes.
 */
@Injectable()
export class PublishVersion {
  readonly #outcomes: Counter<'outcome'>;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Registry,
    private readonly tarballs: TarballSource,
  ) {
    this.#outcomes = createCounter(metrics, {
      name: 'palisade_ingest_publishes_total',
      help: 'Publishes answered by ingest, by outcome: accepted, duplicate, or the rejection code',
      labelNames: ['outcome'],
    });
  }

  async run(request: PublishRequest): Promise<PublishReplyInit> {
    const spec = `${request.name}@${request.version}`;
    try {
      const accepted = await this.#record(await this.#check(request, this.#deadlineOf(request)));
      this.logger.info({ spec, integrity: accepted.integrity, duplicate: accepted.duplicate }, accepted.duplicate ? 'publish repeated; nothing changed' : 'version ingested');
      this.#outcomes.inc({ outcome: accepted.duplicate ? 'duplicate' : 'accepted' });
      return { outcome: { case: 'accepted', value: accepted } };
    } catch (e: unknown) {
      if (!(e instanceof IngestRejected)) throw e;
      this.logger.info({ spec, code: e.code, problems: e.problems }, `publish rejected: ${e.message}`);
      this.#outcomes.inc({ outcome: e.code });
      if (!e.retryable) await this.#discard(request);
      return { outcome: { case: 'rejected', value: e.toRejection() } };
    }
  }

  /** The earlier of ingest's own budget and the deadline the gateway sent (after which it has answered 503). */
  #deadlineOf(request: PublishRequest): number {
    const budget = Date.now() + this.settings.publishBudgetMs;
    const sent = request.deadline ? timestampDate(request.deadline).getTime() : Number.POSITIVE_INFINITY;
    return Math.min(budget, sent);
  }

  #assertInTime(deadline: number): void {
    if (Date.now() > deadline) {
      throw new IngestRejected(IngestRejectionCode.PublishTimeout, 'the publish took longer than its time budget; nothing was recorded');
    }
  }

  async #check(request: PublishRequest, deadline: number): Promise<CheckedPublish> {
    this.#assertInTime(deadline);
    const { name, version, tarball } = request;
    if (!tarball || !BLOB_KEY.test(tarball.key)) {
      throw new IngestRejected(IngestRejectionCode.BadRequest, 'the publish names no stored tarball (tarball.key must be sha512/<hex>)');
    }
    const manifest = parsePublishedManifest(request.manifestJson);
    const shapeProblems = installFieldShapeProblems(manifest);
    if (shapeProblems.length > 0) throw new IngestRejected(IngestRejectionCode.InvalidManifest, 'the published manifest has install fields of the wrong type', shapeProblems);
    const nameProblems = validatePackageName(name);
    if (nameProblems.length > 0) throw new IngestRejected(IngestRejectionCode.InvalidName, `"${name}" is not a valid package name`, nameProblems);
    const versionProblems = validateVersion(version);
    if (versionProblems.length > 0) throw new IngestRejected(IngestRejectionCode.InvalidVersion, `"${version}" is not a valid version`, versionProblems);

    const dist = clientDist(manifest);
    const clientAlgorithm = sriAlgorithm(dist.integrity);
    const digests = await this.tarballs.digest(tarball.key, clientAlgorithm ? [clientAlgorithm] : []);
    this.#checkDigests(request, dist, digests);

    const inspection = await this.tarballs.inspect(tarball.key, {
      maxEntries: this.settings.maxEntries,
      maxUnpackedBytes: this.settings.maxUnpackedBytes,
      maxPackageJsonBytes: this.settings.maxManifestBytes,
    }, { deadline });
    const mismatches = [...identityProblems(manifest, name, version), ...compareManifests(manifest, inspection.packageJson, { files: inspection.files })];
    if (mismatches.length > 0) {
      throw new IngestRejected(IngestRejectionCode.ManifestMismatch, "the published manifest does not match the package.json inside the tarball", mismatches);
    }

    const recorded = buildRecordedManifest({ manifest, name, version, digests, inspection, publisherPrincipal: request.publisher?.principal });
    const size = Buffer.byteLength(JSON.stringify(recorded));
    if (size > this.settings.maxManifestBytes) {
      throw new IngestRejected(IngestRejectionCode.ManifestTooLarge, `the version manifest is ${size} bytes, more than the ${this.settings.maxManifestBytes} allowed`);
    }
    const provenance = await this.#checkProvenance(request, digests, inspection.packageJson);
    this.#assertInTime(deadline);
    return { request, blobKey: tarball.key, digests, recorded, deadline, ...(provenance ? { provenance } : {}) };
  }

  /** `npm publish --provenance`: the bundle must describe these bytes and the declared repository. */
  async #checkProvenance(request: PublishRequest, digests: TarballDigests, packageJson: Manifest): Promise<CheckedPublish['provenance']> {
    const key = request.provenanceBundle?.key;
    if (!key) return undefined;
    if (!BLOB_KEY.test(key)) throw new IngestRejected(IngestRejectionCode.BadRequest, 'provenance_bundle.key must be sha512/<hex>');
    const bytes = await this.tarballs.readSmall(key, PROVENANCE_MAX_BYTES);
    const record = checkProvenance(bytes, { name: request.name, version: request.version, sha512: digests.hex.get('sha512') ?? '', manifest: packageJson });
    return { blobKey: key, record };
  }

  #checkDigests(request: PublishRequest, dist: ReturnType<typeof clientDist>, digests: TarballDigests): void {
    const tarball = request.tarball as NonNullable<PublishRequest['tarball']>;
    const problems: string[] = [];
    // A sha1 shasum alone (or nothing) does not name the bytes well enough: every publish carries sha512.
    if (sriAlgorithm(dist.integrity) !== 'sha512') {
      throw new IngestRejected(IngestRejectionCode.IntegrityMismatch, 'the publish must carry dist.integrity with a sha512 hash of the tarball', [
        `dist.integrity is ${JSON.stringify(dist.integrity ?? null)}`,
      ]);
    }
    if (tarball.key !== `sha512/${digests.hex.get('sha512')}`) problems.push(`the stored bytes no longer match their key ${tarball.key}`);
    problems.push(...integrityProblems('tarball.integrity', tarball.integrity, digests));
    if (tarball.size !== 0 && tarball.size !== digests.size) problems.push(`tarball.size is ${tarball.size}, but the stored tarball has ${digests.size} bytes`);
    problems.push(...integrityProblems('dist.integrity', dist.integrity, digests));
    if (problems.length > 0) throw new IngestRejected(IngestRejectionCode.IntegrityMismatch, 'the tarball does not match its integrity', problems);
    if (dist.shasum !== undefined && (typeof dist.shasum !== 'string' || dist.shasum.toLowerCase() !== digests.shasum)) {
      throw new IngestRejected(IngestRejectionCode.ShasumMismatch, 'the tarball does not match its shasum', [
        `dist.shasum is ${JSON.stringify(dist.shasum)}, but the tarball's bytes hash to "${digests.shasum}"`,
      ]);
    }
  }

  /**
   * The first publish of a name that so far came from the upstream: from now on the name is
   * internal and shadows the upstream's package, which is exactly what a dependency-confusion
   * insider would do, so the security team hears of it.
   */
  async #alertShadowing(tx: EntityManager, name: string, version: string, publisher: string | undefined): Promise<void> {
    await raiseSecurityAlert(tx, name, {
      severity: Severity.HIGH,
      kind: 'dependency-confusion',
      summary: `${name}, so far read through from the upstream, was published here by ${publisher ?? 'an unknown publisher'}; the internal package now shadows the upstream one`,
      name,
      version,
      details: { publisher: publisher ?? '' },
    });
  }

  /** One transaction: the row and its event exist together or not at all. */
  async #record(checked: CheckedPublish): Promise<Accepted> {
    const { request, blobKey, digests, recorded, provenance } = checked;
    const { name, version } = request;
    const answer = (newPackage: boolean, duplicate: boolean, at: Date): Accepted => ({
      name,
      version,
      integrity: digests.integrity,
      newPackage,
      duplicate,
      ingestedAt: timestampFromDate(at),
    });
    return this.dataSource.transaction(async (tx) => {
      await versionStore.lockPackage(tx, name);
      await versionStore.lockBlob(tx, blobKey);
      if (provenance) await versionStore.lockBlob(tx, provenance.blobKey);
      const existing = await versionStore.find(tx, name, version);
      if (existing) {
        if (existing.integrity === digests.integrity && existing.state === 'live') return answer(false, true, existing.ingestedAt);
        const why = existing.integrity !== digests.integrity ? 'with other bytes' : 'and unpublished';
        throw new IngestRejected(IngestRejectionCode.VersionExists, `${name}@${version} was already published ${why}; a version can never be published again, publish a new version`, [
          `${name}@${version}: recorded with integrity ${existing.integrity} (${existing.state})`,
        ]);
      }
      // A refused publish of the same bytes may have discarded the blob since it was read.
      if (!(await this.tarballs.isStored(blobKey)) || (provenance && !(await this.tarballs.isStored(provenance.blobKey)))) {
        throw new IngestRejected(IngestRejectionCode.TarballNotFound, 'the tarball was removed while the publish was checked; send the publish again', [], true);
      }
      // Checked inside the transaction, after the locks: past the deadline the gateway has told the
      // client the publish failed, so the version is never recorded (the rollback leaves nothing).
      this.#assertInTime(checked.deadline);
      const newPackage = !(await versionStore.packageExists(tx, name));
      if (!newPackage && !(await upstreamStore.hasPublishedVersions(tx, name))) await this.#alertShadowing(tx, name, version, request.publisher?.principal);
      const now = new Date();
      await versionStore.insert(tx, {
        name,
        version,
        integrity: digests.integrity,
        shasum: digests.shasum,
        blobKey,
        size: digests.size,
        manifest: recorded,
        source: 'published',
        distTag: request.distTag,
        publisherPrincipal: request.publisher?.principal,
        publisherTokenId: request.publisher?.tokenId || undefined,
        ...(provenance ? { provenance } : {}),
        publishedAt: now,
        ingestedAt: now,
      });
      await addToOutbox(tx, {
        id: `ingest.version-ingested:${name}@${version}`,
        subject: Events.versionIngested.subject,
        schema: Events.versionIngested.schema.typeName,
        data: encodeMessage(Events.versionIngested.schema, {
          name,
          version,
          tarball: { key: blobKey, integrity: digests.integrity, size: digests.size },
          source: VersionSource.PUBLISHED,
          manifestJson: JSON.stringify(recorded),
          distTag: request.distTag,
          publisher: request.publisher,
          provenanceBundle: request.provenanceBundle,
          sourceRepository: provenance?.record.repository ?? '',
          sourceCommit: provenance?.record.commit ?? '',
          publishedAt: timestampFromDate(now),
          ingestedAt: timestampFromDate(now),
        }),
      });
      return answer(newPackage, false, now);
    });
  }

  async #discard(request: PublishRequest): Promise<void> {
    for (const key of [request.tarball?.key, request.provenanceBundle?.key]) {
      if (key && BLOB_KEY.test(key)) await this.#discardBlob(key);
    }
  }

  async #discardBlob(key: string): Promise<void> {
    try {
      const outcome = await this.tarballs.discardUnreferenced(key);
      this.logger.debug({ key, outcome }, 'refused blob handled');
    } catch (e: unknown) {
      this.logger.warn({ err: e, key }, 'could not discard a refused blob; it stays in the blob store');
    }
  }
}
