import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource, EntityManager } from 'typeorm';
import { Events, decodeMessage, timestampDate } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { AdmissionEngine } from '../application/admission-engine';
import { FactsStore } from '../store/facts-store';
import { ingestedFacts, scanFacts, signatureFacts } from './version-event-facts';

/**
 * Each version is decided under its own row lock (its facts), and facts arrive in any order anyway:
 * a few versions' events are handled at once.
 */
const VERSIONS_AT_ONCE = { concurrency: 4 };

/**
 * Ingest, scan, signature and unpublish events of a version, in whatever order (and however
 * often) they arrive: each records its fact and has the version decided again, in one
 * transaction and once per message.
 */
@Controller()
export class VersionEventsHandler {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly engine: AdmissionEngine,
  ) {}

  @EventPattern(Events.versionIngested.subject, VERSIONS_AT_ONCE)
  async onIngested(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionIngested.schema, message.data);
    const facts = ingestedFacts(event);
    await this.apply('promotion.version-ingested', message, event, (tx) => FactsStore.recordIngested(tx, event.name, event.version, facts));
  }

  @EventPattern(Events.versionScanned.subject, VERSIONS_AT_ONCE)
  async onScanned(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionScanned.schema, message.data);
    const facts = scanFacts(event);
    await this.apply('promotion.version-scanned', message, event, (tx) => FactsStore.recordScan(tx, event.name, event.version, facts));
  }

  @EventPattern(Events.versionSigned.subject, VERSIONS_AT_ONCE)
  async onSigned(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionSigned.schema, message.data);
    const facts = signatureFacts(event);
    await this.apply('promotion.version-signed', message, event, (tx) => FactsStore.recordSignature(tx, event.name, event.version, facts));
  }

  @EventPattern(Events.versionUnpublished.subject)
  async onUnpublished(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionUnpublished.schema, message.data);
    if (!event.name || !event.version) throw new PermanentError('PROMOTION_EVENT_INVALID', 'version.unpublished needs name and version');
    const at = event.unpublishedAt ? timestampDate(event.unpublishedAt) : new Date();
    await this.apply('promotion.version-unpublished', message, event, (tx) => FactsStore.recordUnpublished(tx, event.name, event.version, at));
  }

  private async apply(consumer: string, message: DeliveredMessage, event: { name: string; version: string }, record: (tx: EntityManager) => Promise<void>): Promise<void> {
    await applyOnce(this.dataSource, consumer, message, async (tx) => {
      await record(tx);
      await this.engine.evaluate(tx, event.name, event.version, { kind: 'event' });
    });
  }
}
