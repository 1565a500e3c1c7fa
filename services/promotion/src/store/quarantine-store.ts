import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { QuarantineModeName } from '../domain/policy';
import type { QuarantineRecord } from '../domain/quarantine';

/** One `version.quarantined` or `version.released` as recorded. */
export interface QuarantineChange {
  view: string;
  name: string;
  version: string;
  integrity: string;
  recallId: string;
  state: 'quarantined' | 'released';
  /** Quarantines only; undefined leaves it to the view's policy. */
  mode?: QuarantineModeName;
  reason: string;
  /** When it happened (the event's time): the newest change per view and version wins. */
  at: Date;
}

/**
 * The recall quarantines the service heard of, one row per view and version: the newest event
 * (by its own time) wins, so quarantines and releases may arrive in any order and more than once.
 */
export const QuarantineStore = {
  /** False when a newer change for the same view and version was already recorded. */
  async record(tx: EntityManager, c: QuarantineChange): Promise<boolean> {
    const s = quotedSchemaOf(tx.connection);
    const rows: unknown[] = await tx.query(
      `INSERT INTO ${s}.quarantine AS q (view, name, version, integrity, recall_id, state, mode, reason, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (view, name, version) DO UPDATE SET integrity = EXCLUDED.integrity, recall_id = EXCLUDED.recall_id, state = EXCLUDED.state,
         mode = CASE WHEN EXCLUDED.state = 'quarantined' THEN EXCLUDED.mode ELSE q.mode END,
         reason = EXCLUDED.reason, changed_at = EXCLUDED.changed_at, recorded_at = now()
       WHERE q.changed_at <= EXCLUDED.changed_at
       RETURNING view`,
      [c.view, c.name, c.version, c.integrity, c.recallId, c.state, c.state === 'quarantined' ? (c.mode ?? null) : null, c.reason, c.at],
    );
    return rows.length > 0;
  },

  /** The quarantines in force for one version, by view. */
  async activeOf(db: EntityManager, name: string, version: string): Promise<Map<string, QuarantineRecord>> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ view: string; integrity: string; recall_id: string; mode: string | null; reason: string; changed_at: Date }> = await db.query(
      `SELECT view, integrity, recall_id, mode, reason, changed_at FROM ${s}.quarantine WHERE name = $1 AND version = $2 AND state = 'quarantined'`,
      [name, version],
    );
    return new Map(
      rows.map((r) => [
        r.view,
        {
          view: r.view,
          integrity: r.integrity,
          recallId: r.recall_id,
          ...(r.mode === 'warn' || r.mode === 'block' ? { mode: r.mode } : {}),
          reason: r.reason,
          quarantinedAt: r.changed_at,
        },
      ]),
    );
  },
};
