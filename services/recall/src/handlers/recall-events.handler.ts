import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Events, decodeMessage, downloadEntriesOf, timestampDate } from '@palisade/contracts';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { EnforcementTracker } from '../application/enforcement-tracker';
import { aggregateDownloads } from '../domain/downloads';
import { ExposureStore } from '../store/exposure-store';
import { requireFields } from './event-checks';
import { CONTAINMENT_ACK_WAIT_MS } from './trigger-events.handler';

/** The gateway's answers to quarantines, and the download index (blast radius). */
@Controller()
export class RecallEventsHandler {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly tracker: EnforcementTracker,
  ) {}

  @EventPattern(Events.recallEnforced.subject, { ackWaitMs: CONTAINMENT_ACK_WAIT_MS })
  async onEnforced(@Payload() message: DeliveredMessage): Promise<void> {
    const e = decodeMessage(Events.recallEnforced.schema, message.data);
    requireFields('recall.enforced', { recall_id: e.recallId, version: e.version, view: e.view });
    const enforcedAt = e.enforcedAt ? timestampDate(e.enforcedAt) : new Date();
    await applyOnce(this.dataSource, 'recall.recall-enforced', message, (tx) =>
      this.tracker.record(tx, { recallId: e.recallId, name: e.name, version: e.version, view: e.view, mode: e.mode, quarantined: e.quarantined, enforcedAt }),
    );
  }

  @EventPattern(Events.downloadRecorded.subject)
  async onDownloads(@Payload() message: DeliveredMessage): Promise<void> {
    const batch = decodeMessage(Events.downloadRecorded.schema, message.data);
    const rows = aggregateDownloads(downloadEntriesOf(batch, Date.now()));
    if (rows.length === 0) return;
    await applyOnce(this.dataSource, 'recall.download-recorded', message, (tx) => ExposureStore.addDownloads(tx, rows));
  }
}
