import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import { REVOKED_EXPIRES, type KeyStatus, type RegistryKeyState } from '../keys/key-ring';

interface KeyRow {
  keyid: string;
  public_key: string;
  status: KeyStatus;
  created_at: Date;
  expires: Date | null;
  retired_at: Date | null;
  revoked_at: Date | null;
}

export type KeyChangeKind = 'created' | 'rotated' | 'revoked';

/** Reads and writes of the key ring, inside the caller's transaction. */
export class KeyRingStore {
  private readonly s: string;

  constructor(private readonly tx: EntityManager) {
    this.s = quotedSchemaOf(tx.connection);
  }

  async keys(): Promise<RegistryKeyState[]> {
    const rows: KeyRow[] = await this.tx.query(
      `SELECT keyid, public_key, status, created_at, expires, retired_at, revoked_at FROM ${this.s}.registry_keys ORDER BY created_at, keyid`,
    );
    return rows.map((r) => ({
      keyid: r.keyid,
      publicKey: r.public_key,
      status: r.status,
      createdAt: new Date(r.created_at),
      // PostgreSQL cannot hold the revoked expiry (before 4713 BC): it follows from the status.
      expires: r.status === 'revoked' ? REVOKED_EXPIRES : r.expires ? new Date(r.expires) : null,
      ...(r.retired_at ? { retiredAt: new Date(r.retired_at) } : {}),
      ...(r.revoked_at ? { revokedAt: new Date(r.revoked_at) } : {}),
    }));
  }

  /** Writes every key of `keys` that is new or changed (rows are never deleted). */
  async save(keys: readonly RegistryKeyState[], provider: string): Promise<void> {
    // Demote first: the unique index allows one active row at any moment.
    const ordered = [...keys].sort((a, b) => Number(a.status === 'active') - Number(b.status === 'active'));
    for (const k of ordered) {
      await this.tx.query(
        `INSERT INTO ${this.s}.registry_keys (keyid, public_key, provider, status, created_at, expires, retired_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (keyid) DO UPDATE SET status = EXCLUDED.status, expires = EXCLUDED.expires, retired_at = EXCLUDED.retired_at, revoked_at = EXCLUDED.revoked_at`,
        [k.keyid, k.publicKey, provider, k.status, k.createdAt, k.status === 'revoked' ? null : k.expires, k.retiredAt ?? null, k.revokedAt ?? null],
      );
    }
  }

  /** Records a change; its sequence number orders the key sets consumers receive. */
  async recordChange(kind: KeyChangeKind, keyid: string, at: Date, actor: string): Promise<number> {
    const rows: Array<{ sequence: number }> = await this.tx.query(
      `INSERT INTO ${this.s}.key_changes (kind, keyid, changed_at, actor) VALUES ($1, $2, $3, $4) RETURNING sequence`,
      [kind, keyid, at, actor],
    );
    return rows[0].sequence;
  }

  /** Latest publish time among the versions `keyid` signed. */
  async lastSignedPublishTime(keyid: string): Promise<Date | null> {
    const rows: Array<{ latest: Date | null }> = await this.tx.query(`SELECT max(published_at) AS latest FROM ${this.s}.signatures WHERE keyid = $1`, [keyid]);
    return rows[0].latest ? new Date(rows[0].latest) : null;
  }
}
