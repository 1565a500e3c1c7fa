import { parseVersionSpec } from '../../http/version-spec';
import { attestationsUrl, predicateTypeOf } from './provenance';

describe('provenance helpers', () => {
  it('reads the predicate type of a bundle, and nothing from other bytes', () => {
    const statement = { _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/provenance/v1', subject: [], predicate: {} };
    const bundle = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', dsseEnvelope: { payload: Buffer.from(JSON.stringify(statement)).toString('base64') } };
    expect(predicateTypeOf(Buffer.from(JSON.stringify(bundle)))).toBe('https://slsa.dev/provenance/v1');
    expect(predicateTypeOf(Buffer.from('nope'))).toBeUndefined();
    expect(predicateTypeOf(Buffer.from('{"dsseEnvelope":{"payload":"bm9wZQ=="}}'))).toBeUndefined();
  });

  it('builds and parses the attestations path of scoped and unscoped versions', () => {
    expect(attestationsUrl('http://r/dev', '@acme/w', '1.0.0')).toBe('http://r/dev/-/npm/v1/attestations/@acme%2Fw@1.0.0');
    expect(parseVersionSpec('@acme%2Fw@1.0.0')).toEqual({ name: '@acme/w', version: '1.0.0' });
    expect(parseVersionSpec('@acme/w@1.0.0-beta.1')).toEqual({ name: '@acme/w', version: '1.0.0-beta.1' });
    expect(parseVersionSpec('plain@2.0.0')).toEqual({ name: 'plain', version: '2.0.0' });
    expect(parseVersionSpec('@acme%2Fw')).toBeUndefined();
    expect(parseVersionSpec('noversion')).toBeUndefined();
  });
});
