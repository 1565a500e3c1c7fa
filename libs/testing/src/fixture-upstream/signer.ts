import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { TestingError } from '../errors';
import type { FixtureNpmKey } from './types';

function assertP256(key: KeyObject): void {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TestingError('TESTING_FIXTURE_INVALID', 'the fixture upstream signs with an ECDSA P-256 private key');
  }
}

/**
 * Registry signatures in the public registry's format, the one pacote verifies: base64 DER
 * ECDSA-SHA256 over `name@version:integrity`, named by `SHA256:` + unpadded base64 of the sha256
 * of the SPKI DER.
 */
export class FixtureSigner {
  private privateKey: KeyObject;
  private spkiDer: Buffer;
  // ECDSA signatures are randomised: re-signing on each request would change every packument
  // body, and with it its ETag, so a signature is made once per key and message.
  private readonly signatures = new Map<string, string>();

  constructor(key?: KeyObject | string) {
    this.privateKey = FixtureSigner.load(key);
    this.spkiDer = FixtureSigner.spkiOf(this.privateKey);
  }

  get keyId(): string {
    return `SHA256:${createHash('sha256').update(this.spkiDer).digest('base64').replace(/=+$/, '')}`;
  }

  npmKey(): FixtureNpmKey {
    return { expires: null, keyid: this.keyId, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: this.spkiDer.toString('base64') };
  }

  sign(name: string, version: string, integrity: string): { keyid: string; sig: string } {
    const message = `${name}@${version}:${integrity}`;
    const cacheKey = `${this.keyId}\n${message}`;
    let sig = this.signatures.get(cacheKey);
    if (sig === undefined) {
      sig = sign('sha256', Buffer.from(message, 'utf8'), this.privateKey).toString('base64');
      this.signatures.set(cacheKey, sig);
    }
    return { keyid: this.keyId, sig };
  }

  /** Replaces the key; signatures made from now on use the new one. */
  rotate(): string {
    this.privateKey = FixtureSigner.load();
    this.spkiDer = FixtureSigner.spkiOf(this.privateKey);
    return this.keyId;
  }

  private static load(key?: KeyObject | string): KeyObject {
    if (key === undefined) return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    let loaded: KeyObject;
    try {
      loaded = typeof key === 'string' ? createPrivateKey(key) : key;
    } catch (e: unknown) {
      throw new TestingError('TESTING_FIXTURE_INVALID', 'the fixture upstream signing key is not a readable private key', { cause: e });
    }
    assertP256(loaded);
    return loaded;
  }

  private static spkiOf(privateKey: KeyObject): Buffer {
    return createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  }
}
