import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Events, decodeMessage, timestampDate, type VersionIngested } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { admissionAttestation } from '../attestations/admission-attestation';
import { Attester } from '../attestations/attester';
import { publishAttestation } from '../attestations/publish-attestation';
import { VersionSigner, type VersionToSign } from './version-signer';

/**
 * Versions are signed and attested independently of each other (log appends serialise on their own
 * lock), so a few are handled at once: the work before and after the lock overlaps.
 */
const VERSIONS_AT_ONCE = { concurrency: 4 };

/**
 * Signs every ingested version with the active registry key and attests its publish; attests each
 * admission to a view. Once per message, each effect in the transaction that logs it.
 */
@Controller()
export class VersionEventsController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly signer: VersionSigner,
    private readonly attester: Attester,
  ) {}

  @EventPattern(Events.versionIngested.subject, VERSIONS_AT_ONCE)
  async onIngested(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionIngested.schema, message.data);
    const version = toVersionToSign(event);
    const attestation = publishAttestation(event, version);
    await applyOnce(this.dataSource, 'signing.version-ingested', message, async (tx) => {
      // Both signed before the first log append: the log lock (held until commit) covers only the appends.
      const prepared = await this.attester.prepare(tx, attestation);
      await this.signer.sign(tx, version);
      if (prepared) await this.attester.record(tx, prepared);
    });
  }

  @EventPattern(Events.versionPromoted.subject, VERSIONS_AT_ONCE)
  async onPromoted(@Payload() message: DeliveredMessage): Promise<void> {
    const attestation = admissionAttestation(decodeMessage(Events.versionPromoted.schema, message.data));
    await applyOnce(this.dataSource, 'signing.version-promoted', message, async (tx) => {
      await this.attester.attest(tx, attestation);
    });
  }
}

export function toVersionToSign(event: VersionIngested): VersionToSign {
  const integrity = event.tarball?.integrity ?? '';
  if (!event.name || !event.version || !integrity) {
    throw new PermanentError('SIGNING_EVENT_INVALID', `version.ingested needs name, version and tarball integrity (got ${event.name}@${event.version})`);
  }
  // The gateway serves `time[version]` from the same fields, in the same order of preference.
  const published = event.publishedAt ?? event.ingestedAt;
  const upstreamKeyid = event.upstreamSignatures[0]?.keyid;
  return { name: event.name, version: event.version, integrity, publishedAt: published ? timestampDate(published) : new Date(), ...(upstreamKeyid ? { upstreamKeyid } : {}) };
}
