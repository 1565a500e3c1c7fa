import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Events, QuarantineMode, decodeMessage, timestampDate, type Timestamp } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { AdmissionEngine } from '../application/admission-engine';
import type { QuarantineModeName } from '../domain/policy';
import { QuarantineStore, type QuarantineChange } from '../store/quarantine-store';

const modeOf = (mode: QuarantineMode): QuarantineModeName | undefined => (mode === QuarantineMode.WARN ? 'warn' : mode === QuarantineMode.BLOCK ? 'block' : undefined);

/**
 * A recall's quarantines and releases, per view and version: each is recorded (the newest event
 * per view and version wins, whatever the arrival order) and the version decided again, in one
 * transaction and once per message. A block quarantine keeps the version out of the view; a
 * release lets the policy admit it again. Admissions made before stay recorded (the gateway
 * hides a quarantined version), so nothing is dismissed.
 */
@Controller()
export class QuarantineEventsHandler {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly engine: AdmissionEngine,
  ) {}

  @EventPattern(Events.versionQuarantined.subject)
  async onQuarantined(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionQuarantined.schema, message.data);
    const mode = modeOf(event.mode);
    await this.apply('promotion.version-quarantined', message, {
      ...identity('version.quarantined', event),
      state: 'quarantined',
      ...(mode ? { mode } : {}),
      reason: event.reason,
      at: timeOf(event.quarantinedAt),
    }, 'quarantine');
  }

  @EventPattern(Events.versionReleased.subject)
  async onReleased(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionReleased.schema, message.data);
    await this.apply('promotion.version-released', message, { ...identity('version.released', event), state: 'released', reason: event.reason, at: timeOf(event.releasedAt) }, 'release');
  }

  private async apply(consumer: string, message: DeliveredMessage, change: QuarantineChange, kind: 'quarantine' | 'release'): Promise<void> {
    await applyOnce(this.dataSource, consumer, message, async (tx) => {
      if (!(await QuarantineStore.record(tx, change))) return;
      await this.engine.evaluate(tx, change.name, change.version, { kind, ...(change.recallId ? { actor: `recall:${change.recallId}` } : {}) });
    });
  }
}

function identity(what: string, event: { name: string; version: string; view: string; integrity: string; recallId: string }) {
  if (!event.name || !event.version || !event.view) throw new PermanentError('PROMOTION_EVENT_INVALID', `${what} needs name, version and view`);
  return { view: event.view, name: event.name, version: event.version, integrity: event.integrity, recallId: event.recallId };
}

const timeOf = (at: Timestamp | undefined): Date => (at ? timestampDate(at) : new Date());
