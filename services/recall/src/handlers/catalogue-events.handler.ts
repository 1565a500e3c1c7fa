import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Events, VersionSource, decodeMessage, timestampDate, type Timestamp } from '@palisade/contracts';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { CasePlaybook } from '../application/case-playbook';
import { CatalogueStore } from '../store/catalogue-store';
import { requireFields } from './event-checks';

const dateOf = (t: Timestamp | undefined): Date | undefined => (t ? timestampDate(t) : undefined);

/**
 * The recall service's catalogue, from the registry's events: versions, their admissions per
 * view (an admission may give a case's quarantines a safe version to name), advisories. Each
 * message is applied once; late or repeated facts change nothing.
 */
@Controller()
export class CatalogueEventsHandler {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly playbook: CasePlaybook,
  ) {}

  @EventPattern(Events.versionIngested.subject)
  async onIngested(@Payload() message: DeliveredMessage): Promise<void> {
    const e = decodeMessage(Events.versionIngested.schema, message.data);
    const integrity = e.tarball?.integrity ?? '';
    requireFields('version.ingested', { name: e.name, version: e.version, integrity });
    const publishedAt = dateOf(e.publishedAt) ?? dateOf(e.ingestedAt);
    await applyOnce(this.dataSource, 'recall.version-ingested', message, (tx) =>
      CatalogueStore.recordIngested(tx, {
        name: e.name,
        version: e.version,
        integrity,
        source: e.source === VersionSource.UPSTREAM ? 'upstream' : 'published',
        ...(publishedAt ? { publishedAt } : {}),
      }),
    );
  }

  @EventPattern(Events.versionUnpublished.subject)
  async onUnpublished(@Payload() message: DeliveredMessage): Promise<void> {
    const e = decodeMessage(Events.versionUnpublished.schema, message.data);
    requireFields('version.unpublished', { name: e.name, version: e.version });
    await applyOnce(this.dataSource, 'recall.version-unpublished', message, (tx) =>
      CatalogueStore.recordUnpublished(tx, { name: e.name, version: e.version, integrity: e.integrity, at: dateOf(e.unpublishedAt) ?? new Date() }),
    );
  }

  @EventPattern(Events.versionPromoted.subject)
  async onPromoted(@Payload() message: DeliveredMessage): Promise<void> {
    const e = decodeMessage(Events.versionPromoted.schema, message.data);
    requireFields('version.promoted', { name: e.name, version: e.version, view: e.view });
    await applyOnce(this.dataSource, 'recall.version-promoted', message, (tx) =>
      this.playbook.admitted(
        tx,
        e.name,
        e.view,
        () => CatalogueStore.recordAdmission(tx, { name: e.name, version: e.version, view: e.view, integrity: e.integrity, admitted: true, at: dateOf(e.promotedAt) ?? new Date() }),
        new Date(),
      ),
    );
  }

  @EventPattern(Events.versionDismissed.subject)
  async onDismissed(@Payload() message: DeliveredMessage): Promise<void> {
    const e = decodeMessage(Events.versionDismissed.schema, message.data);
    requireFields('version.dismissed', { name: e.name, version: e.version, view: e.view });
    await applyOnce(this.dataSource, 'recall.version-dismissed', message, (tx) =>
      CatalogueStore.recordAdmission(tx, { name: e.name, version: e.version, view: e.view, integrity: e.integrity, admitted: false, at: dateOf(e.dismissedAt) ?? new Date() }),
    );
  }

  @EventPattern(Events.advisoryImported.subject)
  async onAdvisory(@Payload() message: DeliveredMessage): Promise<void> {
    const e = decodeMessage(Events.advisoryImported.schema, message.data);
    requireFields('advisory.imported', { advisory_id: e.advisoryId });
    const publishedAt = dateOf(e.publishedAt);
    const modifiedAt = dateOf(e.modifiedAt);
    const withdrawnAt = dateOf(e.withdrawnAt);
    await applyOnce(this.dataSource, 'recall.advisory-imported', message, (tx) =>
      CatalogueStore.recordAdvisory(tx, {
        id: e.advisoryId,
        severity: e.severity,
        summary: e.summary,
        ...(publishedAt ? { publishedAt } : {}),
        ...(modifiedAt ? { modifiedAt } : {}),
        ...(withdrawnAt ? { withdrawnAt } : {}),
      }),
    );
  }
}
