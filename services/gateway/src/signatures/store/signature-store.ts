import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import { DATA_SOURCE } from '@palisade/platform';

export interface ReceivedSignature {
  name: string;
  version: string;
  integrity: string;
  keyid: string;
  sig: string;
  signedAt: Date;
}

export interface PublicRegistryKey {
  keyid: string;
  keytype: string;
  scheme: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  key: string;
  expires: Date | null;
  revoked: boolean;
}

/** The gateway's signatures and registry keys. */
@Injectable()
export class SignatureStore {
  private readonly s: string;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    this.s = quotedSchemaOf(dataSource);
  }

  /**
   * Records a signature and bumps the package's revision, so every replica's packument cache
   * renders it. A package not yet in the read model gets it when its version arrives.
   */
  async applySigned(tx: EntityManager, signature: ReceivedSignature): Promise<void> {
    const s = this.s;
    await tx.query(
      `INSERT INTO ${s}.version_signatures (name, version, integrity, keyid, sig, signed_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [signature.name, signature.version, signature.integrity, signature.keyid, signature.sig, signature.signedAt],
    );
    await tx.query(`UPDATE ${s}.packages SET revision = revision + 1 WHERE name = $1`, [signature.name]);
  }

  /** Replaces the key set, unless the one held is newer. Returns whether it was applied. */
  async applyKeys(tx: EntityManager, sequence: number, keys: readonly PublicRegistryKey[]): Promise<boolean> {
    const s = this.s;
    const held: Array<{ sequence: number }> = await tx.query(`SELECT sequence FROM ${s}.registry_key_set WHERE id = 1 FOR UPDATE`);
    if (held.length > 0 && held[0].sequence >= sequence) return false;
    await tx.query(`INSERT INTO ${s}.registry_key_set (id, sequence) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET sequence = EXCLUDED.sequence`, [sequence]);
    await tx.query(`DELETE FROM ${s}.registry_keys`);
    for (const [position, k] of keys.entries()) {
      await tx.query(`INSERT INTO ${s}.registry_keys (keyid, position, keytype, scheme, public_key, expires, revoked) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        k.keyid,
        position,
        k.keytype,
        k.scheme,
        k.key,
        k.expires,
        k.revoked,
      ]);
    }
    return true;
  }

  async keys(): Promise<PublicRegistryKey[]> {
    const rows: Array<{ keyid: string; keytype: string; scheme: string; public_key: string; expires: Date | null; revoked: boolean }> = await this.dataSource.query(
      `SELECT keyid, keytype, scheme, public_key, expires, revoked FROM ${this.s}.registry_keys ORDER BY position`,
    );
    return rows.map((r) => ({ keyid: r.keyid, keytype: r.keytype, scheme: r.scheme, key: r.public_key, expires: r.expires ? new Date(r.expires) : null, revoked: r.revoked }));
  }
}
