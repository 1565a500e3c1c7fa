import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { ReceivedQuarantine, ReceivedRelease, ServedQuarantineMode } from '../domain/quarantine';

/** What a release did: whether the version is now free of the released case(s), and the mode lifted. */
export interface ReleaseOutcome {
  /** False when a newer quarantine of the same case(s) is still in force (the release arrived late). */
  released: boolean;
  /** The mode the released case served before, when this release lifted it. */
  liftedMode?: ServedQuarantineMode;
  /** Whether anything the views serve changed. */
  changed: boolean;
}

/**
 * The gateway's copy of recall quarantines, applied inside the caller's (inbox) transaction. Every
 * change that alters what a view serves bumps the package's revision, so every replica re-renders.
 * Order-tolerant: the newest event of a case wins, and a release leaves a tombstone that a late,
 * older quarantine cannot override.
 */
@Injectable()
export class QuarantineStore {
  /** True when the quarantine is now in force (false: a newer event of its case was applied already). */
  async applyQuarantined(tx: EntityManager, q: ReceivedQuarantine): Promise<boolean> {
    const s = quotedSchemaOf(tx.connection);
    const applied: unknown[] = await tx.query(
      `INSERT INTO ${s}.version_quarantines (view, name, version, integrity, recall_id, state, mode, reason, changed_at)
       SELECT $1::text, $2::text, $3::text, $4::text, $5::text, 'quarantined', $6::text, $7::text, $8::timestamptz
        WHERE NOT EXISTS (SELECT 1 FROM ${s}.version_quarantines r
          WHERE r.view = $1 AND r.name = $2 AND r.version = $3 AND r.state = 'released' AND r.changed_at > $8
            AND (r.recall_id = $5 OR r.recall_id = '') AND (r.integrity = $4 OR r.integrity = '' OR $4 = ''))
       ON CONFLICT (view, name, version, integrity, recall_id) DO UPDATE
         SET state = 'quarantined', mode = EXCLUDED.mode, reason = EXCLUDED.reason, changed_at = EXCLUDED.changed_at
         WHERE ${s}.version_quarantines.changed_at <= EXCLUDED.changed_at
       RETURNING version`,
      [q.view, q.name, q.version, q.integrity, q.recallId, q.mode, q.reason, q.at],
    );
    if (applied.length > 0) await this.bumpRevision(tx, q.name);
    return applied.length > 0;
  }

  /** Lifts the case's quarantine (every case's, without a case id) of the version in the view, unless a newer one holds. */
  async applyReleased(tx: EntityManager, r: ReceivedRelease): Promise<ReleaseOutcome> {
    const s = quotedSchemaOf(tx.connection);
    // Rows of the released case(s) on the released bytes: $5 = '' means every case, $4 = '' any bytes.
    const matching = `view = $1::text AND name = $2::text AND version = $3::text AND ($5::text = '' OR recall_id = $5::text) AND ($4::text = '' OR integrity = $4::text OR integrity = '')`;
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
    const [lifted]: [Array<{ recall_id: string; mode: ServedQuarantineMode }>, number] = await tx.query(
      `UPDATE ${s}.version_quarantines SET state = 'released', changed_at = $6
        WHERE ${matching} AND state = 'quarantined' AND changed_at <= $6
       RETURNING recall_id, mode`,
      [r.view, r.name, r.version, r.integrity, r.recallId, r.at],
    );
    // The tombstone that keeps an older quarantine of the case, arriving late, from coming back.
    await tx.query(
      `INSERT INTO ${s}.version_quarantines (view, name, version, integrity, recall_id, state, mode, reason, changed_at)
       VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, 'released', NULL, '', $6::timestamptz)
       ON CONFLICT (view, name, version, integrity, recall_id) DO UPDATE SET changed_at = EXCLUDED.changed_at
         WHERE ${s}.version_quarantines.state = 'released' AND ${s}.version_quarantines.changed_at < EXCLUDED.changed_at`,
      [r.view, r.name, r.version, r.integrity, r.recallId, r.at],
    );
    const holding: unknown[] = await tx.query(`SELECT 1 FROM ${s}.version_quarantines WHERE ${matching} AND state = 'quarantined' LIMIT 1`, [
      r.view,
      r.name,
      r.version,
      r.integrity,
      r.recallId,
    ]);
    if (lifted.length > 0) await this.bumpRevision(tx, r.name);
    const own = lifted.find((row) => row.recall_id === r.recallId) ?? lifted[0];
    return { released: holding.length === 0, changed: lifted.length > 0, ...(own ? { liftedMode: own.mode } : {}) };
  }

  private async bumpRevision(tx: EntityManager, name: string): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`UPDATE ${s}.packages SET revision = revision + 1 WHERE name = $1`, [name]);
  }
}
