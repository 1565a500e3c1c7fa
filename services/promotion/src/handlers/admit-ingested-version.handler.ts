import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Events, decodeMessage, encodeMessage, timestampNow } from '@palisade/contracts';
import { addToOutbox, applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE, SERVICE_CONFIG, viewsOf } from '@palisade/platform';
import { ENTRY_ADMISSION_REASON, ENTRY_POLICY_VERSION } from '../domain/entry-admission';
import { recordAdmission } from '../store/admission-store';

/** version.ingested → admission to the entry view → version.promoted, in one transaction. */
@Controller()
export class AdmitIngestedVersionHandler {
  private readonly entryView: string;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: Readonly<Record<string, unknown>>,
  ) {
    this.entryView = viewsOf(config).entryView;
  }

  @EventPattern(Events.versionIngested.subject)
  async onVersionIngested(@Payload() message: DeliveredMessage): Promise<void> {
    const ingested = decodeMessage(Events.versionIngested.schema, message.data);
    const integrity = ingested.tarball?.integrity ?? '';
    await applyOnce(this.dataSource, 'promotion.admit-ingested-version', message, async (tx) => {
      const admitted = await recordAdmission(tx, {
        view: this.entryView,
        name: ingested.name,
        version: ingested.version,
        integrity,
        policyVersion: ENTRY_POLICY_VERSION,
        reason: ENTRY_ADMISSION_REASON,
      });
      if (!admitted) return;
      await addToOutbox(tx, {
        id: `promoted:${this.entryView}:${ingested.name}@${ingested.version}`,
        subject: Events.versionPromoted.subject,
        schema: Events.versionPromoted.schema.typeName,
        data: encodeMessage(Events.versionPromoted.schema, {
          name: ingested.name,
          version: ingested.version,
          integrity,
          view: this.entryView,
          fromView: '',
          policyVersion: ENTRY_POLICY_VERSION,
          approvers: [],
          promotedAt: timestampNow(),
        }),
      });
    });
  }
}
