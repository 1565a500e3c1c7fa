import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Events, decodeMessage, timestampDate } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { PackageChanges } from '../../packages/cache/package-changes';
import { servedVerdict, verdictReason } from '../domain/verdict-reason';
import { VerdictStore } from '../store/verdict-store';

/** Scan verdicts into the read model: block hides a version everywhere, warn shows as a deprecation. */
@Controller()
export class VerdictEventsController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly store: VerdictStore,
    private readonly changes: PackageChanges,
  ) {}

  @EventPattern(Events.versionScanned.subject)
  async onScanned(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionScanned.schema, message.data);
    if (!event.name || !event.version || !event.integrity) {
      throw new PermanentError('GATEWAY_EVENT_INVALID', `version.scanned needs name, version and integrity (got ${event.name}@${event.version})`);
    }
    const received = {
      name: event.name,
      version: event.version,
      integrity: event.integrity,
      verdict: servedVerdict(event),
      reason: verdictReason(event),
      scannedAt: event.scannedAt ? timestampDate(event.scannedAt) : new Date(),
    };
    await applyOnce(this.dataSource, 'gateway.version-scanned', message, (tx) => this.store.applyScanned(tx, received).then(() => undefined));
    this.changes.changed(event.name);
  }
}
