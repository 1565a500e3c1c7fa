import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import { SigningError } from '../signing-error';
import type { KeyEncryptionKey } from './key-encryption';
import { keyIdOf } from './key-id';
import type { KeyProvider, ProvidedKey } from './key-provider';

/**
 * Keys generated in-process and kept in the signing schema (`key_material`), each private key
 * PKCS#8-encoded and sealed with the KEK (AES-256-GCM, its key id as associated data). Opened
 * keys are kept in memory as KeyObjects, which never print their material.
 */
export class LocalKeyProvider implements KeyProvider {
  readonly name = 'local';
  private readonly opened = new Map<string, KeyObject>();
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kek: KeyEncryptionKey,
  ) {
    this.s = quotedSchemaOf(dataSource);
  }

  async createKey(): Promise<ProvidedKey> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const keyid = keyIdOf(spki);
    const sealed = this.kek.seal(privateKey.export({ type: 'pkcs8', format: 'der' }), keyid);
    await this.dataSource.query(`INSERT INTO ${this.s}.key_material (keyid, public_key, sealed_private_key) VALUES ($1, $2, $3)`, [keyid, spki, sealed]);
    this.opened.set(keyid, privateKey);
    return { keyid, publicKey: spki };
  }

  async sign(keyid: string, data: Uint8Array): Promise<Buffer> {
    return sign('sha256', data, await this.privateKey(keyid));
  }

  async publicKey(keyid: string): Promise<Buffer> {
    const rows: Array<{ public_key: Buffer }> = await this.dataSource.query(`SELECT public_key FROM ${this.s}.key_material WHERE keyid = $1`, [keyid]);
    if (rows.length === 0) throw new SigningError('SIGNING_KEY_NOT_FOUND', `no key material for ${keyid}`);
    return rows[0].public_key;
  }

  private async privateKey(keyid: string): Promise<KeyObject> {
    const known = this.opened.get(keyid);
    if (known) return known;
    const rows: Array<{ sealed_private_key: Buffer }> = await this.dataSource.query(`SELECT sealed_private_key FROM ${this.s}.key_material WHERE keyid = $1`, [keyid]);
    if (rows.length === 0) throw new SigningError('SIGNING_KEY_NOT_FOUND', `no key material for ${keyid}`);
    const key = createPrivateKey({ key: this.kek.open(rows[0].sealed_private_key, keyid), format: 'der', type: 'pkcs8' });
    this.opened.set(keyid, key);
    return key;
  }
}
