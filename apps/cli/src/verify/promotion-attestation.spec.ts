import { ADMISSION_PREDICATE_TYPE, PUBLISH_PREDICATE_TYPE, versionStatement, type ServedAttestation } from '@palisade/attestations';
import { TestRegistryKey, integrityOf, loggedAttestation } from '../__fixtures__/registry-material';
import { checkPromotion } from './promotion-attestation';

const integrity = integrityOf(Buffer.from('app tarball'));
const pkg = { name: '@s/app', version: '1.0.0' };
const key = new TestRegistryKey();

async function admission(view: string, predicate: Record<string, unknown> = {}): Promise<ServedAttestation> {
  const statement = versionStatement('@s/app', '1.0.0', integrity, ADMISSION_PREDICATE_TYPE, { view, fromView: 'staging', policyVersion: 3, approvers: ['bob', 'carol'], admittedAt: '2026-06-01T00:00:00.000Z', ...predicate });
  return { ...(await loggedAttestation(key, statement)), predicateType: ADMISSION_PREDICATE_TYPE };
}

describe('checkPromotion', () => {
  it('finds the admission to the view installed from, with its policy version and approvers', async () => {
    const publish = await loggedAttestation(key, versionStatement('@s/app', '1.0.0', integrity, PUBLISH_PREDICATE_TYPE, {}));
    const result = checkPromotion([publish, await admission('staging'), await admission('prod')], pkg, 'prod');
    expect(result).toEqual({ status: 'verified', detail: 'admitted to prod from staging under policy version 3, approved by bob, carol, log entry 2' });
  });

  it('is missing when only other views admitted the version', async () => {
    expect(checkPromotion([await admission('dev')], pkg, 'prod')).toEqual({ status: 'missing', detail: '@s/app@1.0.0 has no promotion attestation for view prod' });
  });

  it('is invalid when the admission names no policy version', async () => {
    expect(checkPromotion([await admission('prod', { policyVersion: 'latest' })], pkg, 'prod').status).toBe('invalid');
  });
});
