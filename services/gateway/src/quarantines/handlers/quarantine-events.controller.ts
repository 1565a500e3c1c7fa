import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource, EntityManager } from 'typeorm';
import { Events, QuarantineMode, decodeMessage, encodeMessage, timestampNow } from '@palisade/contracts';
import { addToOutbox, applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { PackageChanges } from '../../packages/cache/package-changes';
import { quarantineModeOf, toReceivedQuarantine, toReceivedRelease } from '../domain/quarantine';
import { QuarantineStore } from '../store/quarantine-store';

interface Enforcement {
  recallId: string;
  name: string;
  version: string;
  view: string;
  mode: QuarantineMode;
  quarantined: boolean;
}

/**
 * Recall quarantines into the read model: `block` takes the version out of the view, `warn`
 * serves the reason as its deprecation. In the same transaction as the change, `recall.enforced`
 * tells the recall service that this read model now serves the case's quarantine (or its release).
 */
@Controller()
export class QuarantineEventsController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly store: QuarantineStore,
    private readonly changes: PackageChanges,
  ) {}

  @EventPattern(Events.versionQuarantined.subject)
  async onQuarantined(@Payload() message: DeliveredMessage): Promise<void> {
    const quarantine = toReceivedQuarantine(decodeMessage(Events.versionQuarantined.schema, message.data));
    await applyOnce(this.dataSource, 'gateway.version-quarantined', message, async (tx) => {
      if (!(await this.store.applyQuarantined(tx, quarantine))) return;
      const { recallId, name, version, view, mode } = quarantine;
      if (recallId) await enforced(tx, message.id, { recallId, name, version, view, mode: quarantineModeOf(mode), quarantined: true });
    });
    this.changes.changed(quarantine.name);
  }

  @EventPattern(Events.versionReleased.subject)
  async onReleased(@Payload() message: DeliveredMessage): Promise<void> {
    const release = toReceivedRelease(decodeMessage(Events.versionReleased.schema, message.data));
    await applyOnce(this.dataSource, 'gateway.version-released', message, async (tx) => {
      const outcome = await this.store.applyReleased(tx, release);
      if (!outcome.released || !release.recallId) return;
      const { recallId, name, version, view } = release;
      const mode = outcome.liftedMode ? quarantineModeOf(outcome.liftedMode) : QuarantineMode.UNSPECIFIED;
      await enforced(tx, message.id, { recallId, name, version, view, mode, quarantined: false });
    });
    this.changes.changed(release.name);
  }
}

/** `recall.enforced`, with an id derived from the message applied (a replay of the outbox row is one event). */
async function enforced(tx: EntityManager, messageId: string, e: Enforcement): Promise<void> {
  const { schema, subject } = Events.recallEnforced;
  await addToOutbox(tx, { id: `recall-enforced:${messageId}`, subject, schema: schema.typeName, data: encodeMessage(schema, { ...e, enforcedAt: timestampNow() }) });
}
