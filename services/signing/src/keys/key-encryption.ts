import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SigningError } from '../signing-error';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

/** A key-encryption key: 32 bytes for AES-256-GCM. Wrapped so it is never printed by accident. */
export class KeyEncryptionKey {
  readonly #bytes: Buffer;

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** From base64 of exactly 32 bytes (the form of PALISADE_SIGNING_KEK and of the KEK file). */
  static fromBase64(text: string): KeyEncryptionKey {
    const trimmed = text.trim();
    const bytes = Buffer.from(trimmed, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || bytes.length !== 32) {
      throw new SigningError('SIGNING_KEK_INVALID', 'the key-encryption key must be base64 of exactly 32 bytes');
    }
    return new KeyEncryptionKey(bytes);
  }

  static generate(): KeyEncryptionKey {
    return new KeyEncryptionKey(randomBytes(32));
  }

  toBase64(): string {
    return this.#bytes.toString('base64');
  }

  /**
   * AES-256-GCM of `plaintext`; `context` (the key id) is authenticated data, so a sealed key
   * moved onto another key's row does not open. Layout: version byte, IV, tag, ciphertext.
   */
  seal(plaintext: Buffer, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#bytes, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
  }

  open(sealed: Buffer, context: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
      throw new SigningError('SIGNING_KEK_MISMATCH', `the sealed private key of ${context} has an unknown format`);
    }
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#bytes, iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch (error: unknown) {
      throw new SigningError('SIGNING_KEK_MISMATCH', `the private key of ${context} does not open with the configured key-encryption key`, { cause: error });
    }
  }

  toJSON(): string {
    return '[key-encryption key]';
  }

  toString(): string {
    return '[key-encryption key]';
  }
}
