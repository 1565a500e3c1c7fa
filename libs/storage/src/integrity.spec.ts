import * as ssri from 'ssri';
import { integrityToKey, keyToIntegrity, parseExpectedIntegrity, toBlobKey } from './integrity';
import { StorageErrorCode } from './storage-error';

const data = Buffer.from('left-pad@1.3.0');
const sha512 = ssri.fromData(data);
const key = `sha512/${sha512.hexDigest()}`;

describe('integrityToKey / keyToIntegrity', () => {
  it('convert between the SRI and the key of the same sha512 digest', () => {
    expect(integrityToKey(sha512.toString())).toBe(key);
    expect(keyToIntegrity(key)).toBe(sha512.toString());
  });

  it('pick the sha512 digest out of a multi-algorithm SRI, options included', () => {
    const sha1 = ssri.fromData(data, { algorithms: ['sha1'] }).toString();
    expect(integrityToKey(`${sha1} ${sha512.toString()}?foo`)).toBe(key);
  });

  it.each([
    ['no sha512', ssri.fromData(data, { algorithms: ['sha256'] }).toString()],
    ['two different sha512 digests', `${sha512.toString()} ${ssri.fromData('other').toString()}`],
    ['a truncated digest', sha512.toString().slice(0, 60)],
    ['garbage', 'not-an-sri'],
  ])('refuse an integrity with %s', (_label, integrity) => {
    expect(() => integrityToKey(integrity)).toThrow(expect.objectContaining({ code: StorageErrorCode.InvalidArgument }));
  });

  it.each(['sha512/abc', key.toUpperCase(), `sha256/${sha512.hexDigest()}`, `${key}0`])('refuse the key %s', (bad) => {
    expect(() => keyToIntegrity(bad)).toThrow(expect.objectContaining({ code: StorageErrorCode.InvalidArgument }));
  });

  it('toBlobKey accepts either form', () => {
    expect(toBlobKey(key)).toBe(key);
    expect(toBlobKey(sha512.toString())).toBe(key);
  });
});

describe('parseExpectedIntegrity', () => {
  it('chooses the strongest listed algorithm, as ssri checks it', () => {
    const sha1 = ssri.fromData(data, { algorithms: ['sha1'] }).toString();
    expect(parseExpectedIntegrity(`${sha1} ${sha512.toString()}`).algorithm).toBe('sha512');
    expect(parseExpectedIntegrity(sha1).algorithm).toBe('sha1');
  });

  it('refuses SRI strings without a hash this runtime can compute', () => {
    expect(() => parseExpectedIntegrity('nonsense')).toThrow(expect.objectContaining({ code: StorageErrorCode.InvalidArgument }));
    expect(() => parseExpectedIntegrity('madeup512-AAAA')).toThrow(expect.objectContaining({ code: StorageErrorCode.InvalidArgument }));
  });
});
