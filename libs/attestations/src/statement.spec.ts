import { createHash } from 'node:crypto';
import { isPalisadeError } from '@palisade/errors';
import { npmPurl, parseStatement, sha512HexOf, versionStatement } from './statement';

describe('in-toto statements about npm versions', () => {
  const bytes = Buffer.from('tarball bytes');
  const digest = createHash('sha512').update(bytes).digest();
  const integrity = `sha512-${digest.toString('base64')}`;

  it('names versions with the purl npm writes', () => {
    expect(npmPurl('left-pad', '1.3.0')).toBe('pkg:npm/left-pad@1.3.0');
    expect(npmPurl('@scope/name', '1.0.0')).toBe('pkg:npm/%40scope/name@1.0.0');
    expect(npmPurl('@scope/name', '1.0.0-rc.1+build.5')).toBe('pkg:npm/%40scope/name@1.0.0-rc.1+build.5');
  });

  it('turns a sha512 integrity into the hex digest in-toto uses, and refuses anything else', () => {
    expect(sha512HexOf(integrity)).toBe(digest.toString('hex'));
    for (const bad of ['sha256-abc=', `sha512-${digest.toString('base64')} sha512-${digest.toString('base64')}`, 'sha512-AAAA', '']) {
      let code: string | undefined;
      try {
        sha512HexOf(bad);
      } catch (e: unknown) {
        code = isPalisadeError(e) ? e.code : undefined;
      }
      expect(code).toBe('ATTESTATION_MALFORMED');
    }
  });

  it('builds a Statement v1 with one subject and parses it back', () => {
    const statement = versionStatement('@scope/name', '1.0.0', integrity, 'https://palisade.dev/attestation/publish/v1', { x: 1 });
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'pkg:npm/%40scope/name@1.0.0', digest: { sha512: digest.toString('hex') } }],
      predicateType: 'https://palisade.dev/attestation/publish/v1',
      predicate: { x: 1 },
    });
    expect(parseStatement(Buffer.from(JSON.stringify(statement)))).toEqual(statement);
    expect(() => parseStatement(Buffer.from(JSON.stringify({ ...statement, _type: 'https://in-toto.io/Statement/v0.1' })))).toThrow(/not an in-toto/);
    expect(() => parseStatement(Buffer.from('not json'))).toThrow(/not JSON/);
  });
});
