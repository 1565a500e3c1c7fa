import { VersionSource, timestampDate, type VersionIngested } from '@palisade/contracts';
import type { AttestationRequest } from './attester';
import { PUBLISH_PREDICATE_TYPE, type PublishPredicate } from '@palisade/attestations';

/** Ingest passes on the upstream signature it verified; none means the upstream vouched with integrity only. */
function upstreamVerification(event: VersionIngested): NonNullable<PublishPredicate['upstream']> {
  const keyid = event.upstreamSignatures[0]?.keyid;
  return { registry: event.upstream, verification: keyid ? 'signature' : 'integrity-only', keyid: keyid ?? null };
}

/**
 * The publish attestation of an ingested version. `source` is the repository and commit of the
 * publisher's provenance, as ingest checked them against package.json; null without provenance.
 * `upstream` says how a version read through from an upstream registry was verified there.
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
      source: event.sourceRepository ? { repository: event.sourceRepository, commit: event.sourceCommit } : null,
      ...(event.source === VersionSource.UPSTREAM ? { upstream: upstreamVerification(event) } : {}),
    },
  };
}
