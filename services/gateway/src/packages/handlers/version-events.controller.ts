import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { buffer } from 'node:stream/consumers';
import type { DataSource } from 'typeorm';
import { Events, decodeMessage, timestampDate } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { BLOB_STORE, DATA_SOURCE } from '@palisade/platform';
import type { BlobStore } from '@palisade/storage';
import { predicateTypeOf } from '../domain/provenance';
import { PackageChanges } from '../cache/package-changes';
import { ReadModelWriter, type IngestedVersion, type ListedVersion } from '../store/read-model-writer';
import { toIngestedVersion } from './ingested-version';

/** Feeds the package read model from version events; every effect is applied once per message. */
@Controller()
export class VersionEventsController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly writer: ReadModelWriter,
    private readonly changes: PackageChanges,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  @EventPattern(Events.versionIngested.subject)
  async onIngested(@Payload() message: DeliveredMessage): Promise<void> {
    const version = await this.#withProvenance(toIngestedVersion(decodeMessage(Events.versionIngested.schema, message.data)));
    await applyOnce(this.dataSource, 'gateway.version-ingested', message, (tx) => this.writer.applyIngested(tx, version));
    this.changes.changed(version.name);
  }

  /** Upstream versions recorded before judgment, and the upstream's dist-tags: views that judge on demand list them at once. */
  // Listings of different packages are independent, and the parts of one count themselves whole.
  @EventPattern(Events.versionsListed.subject, { concurrency: 4 })
  async onListed(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionsListed.schema, message.data);
    if (!event.name || event.versions.some((v) => v.name !== event.name)) throw new PermanentError('GATEWAY_EVENT_INVALID', `version.listed of ${event.name} names other packages`);
    const versions = event.versions.map(toIngestedVersion);
    const listed = versions.filter((v): v is ListedVersion => v.upstreamTarballUrl !== undefined);
    if (listed.length !== versions.length) throw new PermanentError('GATEWAY_EVENT_INVALID', `version.listed of ${event.name} carries versions that are not from the upstream`);
    await applyOnce(this.dataSource, 'gateway.versions-listed', message, async (tx) => {
      await this.writer.applyListed(tx, event.name, listed, { listing: event.listedAt ? `${event.listedAt.seconds}.${event.listedAt.nanos}` : '', parts: event.parts });
      if (Object.keys(event.distTags).length > 0) await this.writer.applyUpstreamDistTags(tx, event.name, event.distTags);
    });
    this.changes.changed(event.name);
  }

  @EventPattern(Events.versionRefused.subject)
  async onRefused(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionRefused.schema, message.data);
    if (!event.name || !event.version || !event.view) {
      throw new PermanentError('GATEWAY_EVENT_INVALID', `version.refused needs name, version and view (got ${event.name}@${event.version} from ${event.view})`);
    }
    const refusal = { view: event.view, name: event.name, version: event.version, reason: event.reasons.join('; '), dismissedAt: event.refusedAt ? timestampDate(event.refusedAt) : new Date() };
    await applyOnce(this.dataSource, 'gateway.version-refused', message, (tx) => this.writer.applyRefused(tx, refusal));
    this.changes.changed(event.name);
  }

  /** Reads the provenance bundle's predicate once here, so a packument render never touches the blob store (a storage error is retried). */
  async #withProvenance(version: IngestedVersion): Promise<IngestedVersion> {
    if (!version.provenanceKey) return version;
    const predicateType = predicateTypeOf(await buffer(await this.blobs.get(version.provenanceKey)));
    if (!predicateType) throw new PermanentError('GATEWAY_EVENT_INVALID', `the provenance bundle of ${version.name}@${version.version} has no in-toto statement`);
    return { ...version, provenancePredicateType: predicateType };
  }

  // Admissions are independent rows (three per version) and move no dist-tag, so a few are applied
  // at once; ingested events stay in order, as each may move a dist-tag.
  @EventPattern(Events.versionPromoted.subject, { concurrency: 4 })
  async onPromoted(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionPromoted.schema, message.data);
    if (!event.name || !event.version || !event.view || !event.integrity) {
      throw new PermanentError('GATEWAY_EVENT_INVALID', `version.promoted needs name, version, view and integrity (got ${event.name}@${event.version} → ${event.view})`);
    }
    const admission = {
      view: event.view,
      name: event.name,
      version: event.version,
      integrity: event.integrity,
      admittedAt: event.promotedAt ? timestampDate(event.promotedAt) : new Date(),
    };
    await applyOnce(this.dataSource, 'gateway.version-promoted', message, (tx) => this.writer.applyAdmitted(tx, admission));
    this.changes.changed(event.name);
  }

  @EventPattern(Events.versionDismissed.subject)
  async onDismissed(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionDismissed.schema, message.data);
    if (!event.name || !event.version || !event.view) {
      throw new PermanentError('GATEWAY_EVENT_INVALID', `version.dismissed needs name, version and view (got ${event.name}@${event.version} from ${event.view})`);
    }
    const dismissal = { view: event.view, name: event.name, version: event.version, reason: event.reason, dismissedAt: event.dismissedAt ? timestampDate(event.dismissedAt) : new Date() };
    await applyOnce(this.dataSource, 'gateway.version-dismissed', message, (tx) => this.writer.applyDismissed(tx, dismissal));
    this.changes.changed(event.name);
  }

  @EventPattern(Events.versionUnpublished.subject)
  async onUnpublished(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionUnpublished.schema, message.data);
    if (!event.name || !event.version) throw new PermanentError('GATEWAY_EVENT_INVALID', 'version.unpublished needs name and version');
    const at = event.unpublishedAt ? timestampDate(event.unpublishedAt) : new Date();
    await applyOnce(this.dataSource, 'gateway.version-unpublished', message, (tx) => this.writer.applyUnpublished(tx, event.name, event.version, at));
    this.changes.changed(event.name);
  }
}
