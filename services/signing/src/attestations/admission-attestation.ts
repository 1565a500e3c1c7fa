import { timestampDate, type VersionPromoted } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import type { AttestationRequest } from './attester';
import { ADMISSION_PREDICATE_TYPE, type AdmissionPredicate } from '@palisade/attestations';

/** The admission attestation of a version.promoted: one per version and view. */
export function admissionAttestation(event: VersionPromoted): AttestationRequest<AdmissionPredicate> {
  if (!event.name || !event.version || !event.integrity || !event.view) {
    throw new PermanentError('SIGNING_EVENT_INVALID', `version.promoted needs name, version, integrity and view (got ${event.name}@${event.version} to ${event.view})`);
  }
  return {
    subject: { name: event.name, version: event.version, integrity: event.integrity },
    slot: `admission:${event.view}`,
    predicateType: ADMISSION_PREDICATE_TYPE,
    predicate: {
      view: event.view,
      fromView: event.fromView || null,
      policyVersion: event.policyVersion,
      approvers: [...event.approvers],
      admittedAt: (event.promotedAt ? timestampDate(event.promotedAt) : new Date()).toISOString(),
      decision: [...event.decision],
      policyDigest: event.policyDigest || null,
      requestedBy: event.requestedBy?.principal || null,
    },
  };
}
