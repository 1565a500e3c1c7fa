import { create } from '@bufbuild/protobuf';
import { VersionIngestedSchema, VersionSource } from '@palisade/contracts';
import { publishAttestation } from './publish-attestation';

const version = { name: '@acme/util', version: '1.0.0', integrity: 'sha512-abc', publishedAt: new Date('2026-01-01T00:00:00Z') };

describe('publishAttestation', () => {
  it('names the source repository and commit of a provenance-backed publish', () => {
    const event = create(VersionIngestedSchema, { publisher: { principal: 'alice', tokenId: 't1' }, sourceRepository: 'https://github.com/acme/util', sourceCommit: 'feedface' });
    expect(publishAttestation(event, version).predicate).toMatchObject({
      publisher: { principal: 'alice', tokenId: 't1' },
      integrity: 'sha512-abc',
      source: { repository: 'https://github.com/acme/util', commit: 'feedface' },
    });
  });

  it('has no source without provenance', () => {
    expect(publishAttestation(create(VersionIngestedSchema, {}), version).predicate).toMatchObject({ publisher: null, source: null });
  });

  it('says how an upstream version was verified: by an upstream signature, or by integrity only', () => {
    const signed = create(VersionIngestedSchema, { source: VersionSource.UPSTREAM, upstream: 'http://upstream.test', upstreamSignatures: [{ keyid: 'SHA256:up', sig: 'c2ln' }] });
    expect(publishAttestation(signed, version).predicate.upstream).toEqual({ registry: 'http://upstream.test', verification: 'signature', keyid: 'SHA256:up' });
    const unsigned = create(VersionIngestedSchema, { source: VersionSource.UPSTREAM, upstream: 'http://upstream.test' });
    expect(publishAttestation(unsigned, version).predicate.upstream).toEqual({ registry: 'http://upstream.test', verification: 'integrity-only', keyid: null });
    expect(publishAttestation(create(VersionIngestedSchema, { source: VersionSource.PUBLISHED }), version).predicate).not.toHaveProperty('upstream');
  });
});
