import { timestampDate, type VersionIngested } from '@palisade/contracts';
import type { AttestationRequest } from './attester';
import { PUBLISH_PREDICATE_TYPE, type PublishPredicate } from './statement';

/**
 * The publish attestation of an ingested version. `source` stays null: version.ingested carries
 * the provenance bundle's blob, not the repository and commit it names; once it carries them
 * they go here.
 */
export function publishAttestation(event: VersionIngested, version: { name: string; version: string; integrity: string; publishedAt: Date }): AttestationRequest<PublishPredicate> {
  return {
    subject: { name: version.name, version: version.version, integrity: version.integrity },
    slot: 'publish',
    predicateType: PUBLISH_PREDICATE_TYPE,
    predicate: {
      publisher: event.publisher?.principal ? { principal: event.publisher.principal, tokenId: event.publisher.tokenId } : null,
      publishedAt: (event.publishedAt ? timestampDate(event.publishedAt) : version.publishedAt).toISOString(),
      integrity: version.integrity,
      source: null,
    },
  };
}
