import { createHash, generateKeyPairSync } from 'node:crypto';
import { keyIdOf } from './key-id';

describe('keyIdOf', () => {
  it("is npm's form: SHA256: and the unpadded base64 sha256 of the DER SubjectPublicKeyInfo", () => {
    const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    const keyid = keyIdOf(spki);
    const digest = createHash('sha256').update(spki).digest('base64');
    expect(digest.endsWith('=')).toBe(true);
    expect(keyid).toBe(`SHA256:${digest.slice(0, -1)}`);
    expect(keyid).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('differs between keys', () => {
    const spki = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(keyIdOf(spki())).not.toBe(keyIdOf(spki()));
  });
});
