import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

export type PolicyOrigin = 'builtin' | 'file' | 'api';

export interface PolicyRevisionRow {
  version: number;
  digest: string;
  origin: PolicyOrigin;
  /** The parsed document as stored (normalised plain form). */
  yaml: string;
  appliedBy: string;
  comment: string;
  appliedAt: Date;
}

interface Row {
  version: number;
  digest: string;
  origin: PolicyOrigin;
  yaml: string;
  applied_by: string;
  comment: string;
  applied_at: Date;
}

const toRevision = (r: Row): PolicyRevisionRow => ({ version: r.version, digest: r.digest, origin: r.origin, yaml: r.yaml, appliedBy: r.applied_by, comment: r.comment, appliedAt: r.applied_at });

/** Every version of the policy document, never changed once stored; the highest is in force. */
export const PolicyStore = {
  async current(db: EntityManager): Promise<PolicyRevisionRow | undefined> {
    const s = quotedSchemaOf(db.connection);
    const rows: Row[] = await db.query(`SELECT version, digest, origin, yaml, applied_by, comment, applied_at FROM ${s}.policy_revision ORDER BY version DESC LIMIT 1`);
    return rows[0] ? toRevision(rows[0]) : undefined;
  },

  async currentVersion(db: EntityManager): Promise<number> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ version: number | null }> = await db.query(`SELECT max(version) AS version FROM ${s}.policy_revision`);
    return rows[0]?.version ?? 0;
  },

  async byVersion(db: EntityManager, version: number): Promise<PolicyRevisionRow | undefined> {
    const s = quotedSchemaOf(db.connection);
    const rows: Row[] = await db.query(`SELECT version, digest, origin, yaml, applied_by, comment, applied_at FROM ${s}.policy_revision WHERE version = $1`, [version]);
    return rows[0] ? toRevision(rows[0]) : undefined;
  },

  /** The latest revision that came from the built-in policy or the policy file. */
  async latestFromConfiguration(db: EntityManager): Promise<PolicyRevisionRow | undefined> {
    const s = quotedSchemaOf(db.connection);
    const rows: Row[] = await db.query(
      `SELECT version, digest, origin, yaml, applied_by, comment, applied_at FROM ${s}.policy_revision WHERE origin IN ('builtin', 'file') ORDER BY version DESC LIMIT 1`,
    );
    return rows[0] ? toRevision(rows[0]) : undefined;
  },

  async history(db: EntityManager): Promise<PolicyRevisionRow[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: Row[] = await db.query(`SELECT version, digest, origin, yaml, applied_by, comment, applied_at FROM ${s}.policy_revision ORDER BY version DESC`);
    return rows.map(toRevision);
  },

  /** Stores the next revision; the caller holds the policy lock (`lockPolicies`). */
  async append(tx: EntityManager, r: { digest: string; origin: PolicyOrigin; document: unknown; yaml: string; appliedBy: string; comment: string }): Promise<PolicyRevisionRow> {
    const s = quotedSchemaOf(tx.connection);
    const rows: Row[] = await tx.query(
      `INSERT INTO ${s}.policy_revision (version, digest, origin, document, yaml, applied_by, comment)
       SELECT coalesce(max(version), 0) + 1, $1, $2, $3, $4, $5, $6 FROM ${s}.policy_revision
       RETURNING version, digest, origin, yaml, applied_by, comment, applied_at`,
      [r.digest, r.origin, JSON.stringify(r.document), r.yaml, r.appliedBy, r.comment],
    );
    return toRevision(rows[0]);
  },

  /** Serialises policy changes across replicas for the rest of the transaction. */
  async lock(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${quotedSchemaOf(tx.connection)}.policy_revision`]);
  },
};
