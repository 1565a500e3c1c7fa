import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Events, decodeMessage, timestampDate } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import type { DeliveredMessage, EventHandlerOptions } from '@palisade/messaging';
import { AutomaticCases } from '../application/automatic-cases';
import { RecallErrorCode } from '../domain/recall-error';
import { verdictWord } from '../domain/verdict';
import { requireFields } from './event-checks';

/**
 * Containment is measured in seconds: a delivery lost with a crashed recall process comes back
 * after 10 s rather than the default 30 s (handlers take milliseconds; a slow one redelivered
 * early is applied once all the same).
 */
export const CONTAINMENT_ACK_WAIT_MS = 10_000;

/**
 * Events that may open a case wait out a promotion service that does not answer (its policy
 * gives the views and modes): longer backoff and more attempts than the default, about half an
 * hour in all, before a dead letter.
 */
export const TRIGGER_CONSUMER: EventHandlerOptions = { maxDeliver: 12, backoffMs: [200, 1_000, 5_000, 15_000, 60_000, 300_000], ackWaitMs: CONTAINMENT_ACK_WAIT_MS };

/** Rescans, tampering and upstream removals: the automatic ways a recall starts. */
@Controller()
export class TriggerEventsHandler {
  constructor(private readonly cases: AutomaticCases) {}

  @EventPattern(Events.versionScanned.subject, TRIGGER_CONSUMER)
  async onScanned(@Payload() message: DeliveredMessage): Promise<void> {
    const e = decodeMessage(Events.versionScanned.schema, message.data);
    requireFields('version.scanned', { name: e.name, version: e.version, integrity: e.integrity });
    const verdict = verdictWord(e.verdict);
    if (!verdict) throw new PermanentError(RecallErrorCode.EventInvalid, `version.scanned ${e.name}@${e.version}: the verdict is unspecified`);
    await this.cases.scanned(message, {
      name: e.name,
      version: e.version,
      integrity: e.integrity,
      verdict,
      rescan: e.rescan,
      scannedAt: e.scannedAt ? timestampDate(e.scannedAt) : new Date(),
      findings: e.findings,
    });
  }

  @EventPattern(Events.versionTampered.subject, TRIGGER_CONSUMER)
  async onTampered(@Payload() message: DeliveredMessage): Promise<void> {
    const e = decodeMessage(Events.versionTampered.schema, message.data);
    requireFields('version.tampered', { name: e.name, version: e.version, integrity: e.integrity });
    await this.cases.tampered(message, e);
  }

  @EventPattern(Events.versionUpstreamRemoved.subject, TRIGGER_CONSUMER)
  async onUpstreamRemoved(@Payload() message: DeliveredMessage): Promise<void> {
    const e = decodeMessage(Events.versionUpstreamRemoved.schema, message.data);
    requireFields('version.upstream-removed', { name: e.name, version: e.version });
    await this.cases.upstreamRemoved(message, e);
  }
}
