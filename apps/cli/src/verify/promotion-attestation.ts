import { ADMISSION_PREDICATE_TYPE, parseStatement, type AdmissionPredicate, type ServedAttestation } from '@palisade/attestations';
import { invalid, missing, verified, type CheckResult } from './check-result';

/**
 * The promotion (admission) attestation of the view a package was installed from, among
 * attestations that already verified: a view may only serve a version it admitted, so a version
 * served without one was not promoted there (or the registry is not telling the truth).
 */
export function checkPromotion(attestations: readonly ServedAttestation[], pkg: { name: string; version: string }, view: string): CheckResult {
  const spec = `${pkg.name}@${pkg.version}`;
  for (const att of attestations) {
    if (att.predicateType !== ADMISSION_PREDICATE_TYPE) continue;
    const predicate = parseStatement(Buffer.from(att.envelope.payload, 'base64')).predicate as Partial<AdmissionPredicate> | null;
    if (predicate?.view !== view) continue;
    if (typeof predicate.policyVersion !== 'number' || !Array.isArray(predicate.approvers)) {
      return invalid(`${spec}: the promotion attestation for ${view} has no policy version or approvers`);
    }
    const approvers = predicate.approvers.length > 0 ? `, approved by ${predicate.approvers.join(', ')}` : '';
    const from = predicate.fromView ? ` from ${predicate.fromView}` : '';
    return verified(`admitted to ${view}${from} under policy version ${predicate.policyVersion}${approvers}, log entry ${att.logEntry.logIndex}`);
  }
  return missing(`${spec} has no promotion attestation for view ${view}`);
}
