import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { checkUpstreamSignature, parseUpstreamKeys, sameKeySet, type UpstreamKey } from './upstream-keys';

function registryKey(expires: string | null = null) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const keyid = `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
  const key: UpstreamKey = { keyid, key: der.toString('base64'), keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', expires };
  const signFor = (name: string, version: string, integrity: string) => ({ keyid, sig: sign('sha256', Buffer.from(`${name}@${version}:${integrity}`), privateKey).toString('base64') });
  return { key, signFor };
}

const subject = { name: 'left-pad', version: '1.3.0', integrity: 'sha512-abc' };

describe('checkUpstreamSignature', () => {
  it('verifies a signature by a listed key over name@version:integrity', () => {
    const { key, signFor } = registryKey();
    expect(checkUpstreamSignature([key], subject, [signFor(subject.name, subject.version, subject.integrity)])).toEqual({ outcome: 'verified', keyid: key.keyid });
  });

  it('refuses a signature over other bytes', () => {
    const { key, signFor } = registryKey();
    const check = checkUpstreamSignature([key], subject, [signFor(subject.name, subject.version, 'sha512-other')]);
    expect(check).toMatchObject({ outcome: 'invalid', keyid: key.keyid, reason: 'the signature does not verify' });
  });

  it('refuses a garbage signature without throwing', () => {
    const { key } = registryKey();
    expect(checkUpstreamSignature([key], subject, [{ keyid: key.keyid, sig: 'bm90IGEgc2ln' }]).outcome).toBe('invalid');
  });

  it('reports signatures by keys it does not trust', () => {
    const trusted = registryKey();
    const other = registryKey();
    expect(checkUpstreamSignature([trusted.key], subject, [other.signFor(subject.name, subject.version, subject.integrity)])).toEqual({
      outcome: 'unknown-key',
      keyids: [other.key.keyid],
    });
  });

  it('says unsigned when there is no signature', () => {
    expect(checkUpstreamSignature([registryKey().key], subject, [])).toEqual({ outcome: 'unsigned' });
  });

  it('refuses a signature made after its key expired, as npm does', () => {
    const { key, signFor } = registryKey('2020-01-01T00:00:00.000Z');
    const check = checkUpstreamSignature([key], { ...subject, publishedAt: new Date('2021-01-01') }, [signFor(subject.name, subject.version, subject.integrity)]);
    expect(check).toMatchObject({ outcome: 'invalid', reason: expect.stringContaining('expired') });
    expect(checkUpstreamSignature([key], { ...subject, publishedAt: new Date('2019-01-01') }, [signFor(subject.name, subject.version, subject.integrity)]).outcome).toBe('verified');
  });

  it('does not trust a key whose id does not match its bytes', () => {
    const a = registryKey();
    const b = registryKey();
    const forged: UpstreamKey = { ...b.key, keyid: a.key.keyid };
    expect(checkUpstreamSignature([forged], subject, [b.signFor(subject.name, subject.version, subject.integrity)]).outcome).toBe('unknown-key');
    expect(checkUpstreamSignature([forged], subject, [{ ...b.signFor(subject.name, subject.version, subject.integrity), keyid: a.key.keyid }])).toMatchObject({
      outcome: 'invalid',
      reason: 'the key id does not match the key',
    });
  });
});

describe('parseUpstreamKeys / sameKeySet', () => {
  it('parses the keys document and compares sets regardless of order', () => {
    const a = registryKey().key;
    const b = registryKey().key;
    const parsed = parseUpstreamKeys({ keys: [a, b] });
    expect(parsed).toEqual([a, b]);
    expect(sameKeySet(parsed, [b, a])).toBe(true);
    expect(sameKeySet(parsed, [a])).toBe(false);
  });

  it('refuses documents that are not key lists', () => {
    expect(() => parseUpstreamKeys({})).toThrow('no `keys` array');
    expect(() => parseUpstreamKeys({ keys: [{ keyid: 1 }] })).toThrow('keys[0] needs a keyid and a key');
    expect(() => parseUpstreamKeys({ keys: [{ keyid: 'a', key: 'b', expires: 'soon' }] })).toThrow('not a date');
  });
});
