import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyEncryptionKey } from './key-encryption';

describe('KeyEncryptionKey', () => {
  const plaintext = randomBytes(138);

  it('seals and opens again under the same KEK and context', () => {
    const kek = KeyEncryptionKey.generate();
    const sealed = kek.seal(plaintext, 'SHA256:a');
    expect(sealed.includes(plaintext)).toBe(false);
    expect(KeyEncryptionKey.fromBase64(kek.toBase64()).open(sealed, 'SHA256:a').equals(plaintext)).toBe(true);
  });

  it('refuses to open with another KEK, another context or altered bytes', () => {
    const kek = KeyEncryptionKey.generate();
    const sealed = kek.seal(plaintext, 'SHA256:a');
    expect(() => KeyEncryptionKey.generate().open(sealed, 'SHA256:a')).toThrow(expect.objectContaining({ code: 'SIGNING_KEK_MISMATCH' }));
    expect(() => kek.open(sealed, 'SHA256:b')).toThrow(expect.objectContaining({ code: 'SIGNING_KEK_MISMATCH' }));
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => kek.open(altered, 'SHA256:a')).toThrow(expect.objectContaining({ code: 'SIGNING_KEK_MISMATCH' }));
  });

  it('uses a fresh IV for every seal', () => {
    const kek = KeyEncryptionKey.generate();
    expect(kek.seal(plaintext, 'x').equals(kek.seal(plaintext, 'x'))).toBe(false);
  });

  it('accepts only base64 of exactly 32 bytes', () => {
    expect(() => KeyEncryptionKey.fromBase64(randomBytes(16).toString('base64'))).toThrow(expect.objectContaining({ code: 'SIGNING_KEK_INVALID' }));
    expect(() => KeyEncryptionKey.fromBase64('not base64 at all!')).toThrow(expect.objectContaining({ code: 'SIGNING_KEK_INVALID' }));
    expect(KeyEncryptionKey.fromBase64(`${randomBytes(32).toString('base64')}\n`)).toBeInstanceOf(KeyEncryptionKey);
  });

  it('never prints its bytes', () => {
    const kek = KeyEncryptionKey.generate();
    const secret = kek.toBase64();
    expect(JSON.stringify({ kek })).not.toContain(secret);
    expect(String(kek)).not.toContain(secret);
    expect(inspect(kek, { showHidden: true, depth: 5 })).not.toContain(secret);
  });
});
