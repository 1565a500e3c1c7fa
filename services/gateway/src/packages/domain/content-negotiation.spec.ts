import { etagFor, matchesIfNoneMatch, pickContentCoding, representationFor } from './content-negotiation';

describe('content negotiation', () => {
  it('serves the abbreviated doc to pacote’s corgi Accept and the full doc otherwise', () => {
    expect(representationFor('application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*')).toBe('abbreviated');
    expect(representationFor('application/json')).toBe('full');
    expect(representationFor(undefined)).toBe('full');
  });

  it('picks br, then gzip, honouring q=0 and wildcards', () => {
    expect(pickContentCoding('gzip, deflate, br')).toBe('br');
    expect(pickContentCoding('gzip,deflate')).toBe('gzip');
    expect(pickContentCoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickContentCoding('gzip;q=0')).toBe('identity');
    expect(pickContentCoding('*')).toBe('br');
    expect(pickContentCoding(undefined)).toBe('identity');
    expect(pickContentCoding('identity')).toBe('identity');
  });

  it('gives each encoding its own strong ETag and matches any of them on revalidation', () => {
    expect(etagFor('abc', 'identity')).toBe('"abc"');
    expect(etagFor('abc', 'gzip')).toBe('"abc-gzip"');
    expect(matchesIfNoneMatch('"abc-gzip"', 'abc')).toBe(true);
    expect(matchesIfNoneMatch('W/"abc"', 'abc')).toBe(true);
    expect(matchesIfNoneMatch('"zzz", "abc-br"', 'abc')).toBe(true);
    expect(matchesIfNoneMatch('"abcd"', 'abc')).toBe(false);
    expect(matchesIfNoneMatch(undefined, 'abc')).toBe(false);
  });
});
