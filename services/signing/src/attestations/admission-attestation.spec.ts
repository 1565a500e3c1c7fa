import { create } from '@bufbuild/protobuf';
import { VersionPromotedSchema, timestampFromDate } from '@palisade/contracts';
import { admissionAttestation } from './admission-attestation';

describe('admissionAttestation', () => {
  it('attests the view, the policy version and digest, the decision, the requester and the approvers', () => {
    const event = create(VersionPromotedSchema, {
      name: '@acme/app',
      version: '1.0.0',
      integrity: 'sha512-abc',
      view: 'prod',
      fromView: 'staging',
      policyVersion: 3,
      policyDigest: 'ab'.repeat(32),
      approvers: ['bob', 'carol'],
      decision: ['scan verdict clean', 'approved by bob, carol (2 required from team release)'],
      requestedBy: { principal: 'alice' },
      promotedAt: timestampFromDate(new Date('2026-06-01T00:00:00Z')),
    });
    const request = admissionAttestation(event);
    expect(request.slot).toBe('admission:prod');
    expect(request.predicate).toEqual({
      view: 'prod',
      fromView: 'staging',
      policyVersion: 3,
      approvers: ['bob', 'carol'],
      admittedAt: '2026-06-01T00:00:00.000Z',
      decision: ['scan verdict clean', 'approved by bob, carol (2 required from team release)'],
      policyDigest: 'ab'.repeat(32),
      requestedBy: 'alice',
    });
  });

  it('has no requester for an automatic admission', () => {
    const event = create(VersionPromotedSchema, { name: 'x', version: '1.0.0', integrity: 'sha512-abc', view: 'dev' });
    expect(admissionAttestation(event).predicate).toMatchObject({ fromView: null, requestedBy: null, policyDigest: null, decision: [] });
  });
});
