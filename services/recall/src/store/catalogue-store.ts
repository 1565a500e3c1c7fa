import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { RollbackCandidate } from '../domain/rollback';
import type { VerdictWord } from '../domain/verdict';

export interface CatalogueVersion {
  name: string;
  version: string;
  integrity: string;
  source: string;
  publishedAt?: Date;
  unpublished: boolean;
}

export interface RecordedVerdict {
  verdict: VerdictWord;
  advisoryIds: string[];
  scannedAt: Date;
}

export interface AdvisoryFacts {
  id: string;
  severity: number;
  summary: string;
  publishedAt?: Date;
}

interface VersionRow {
  name: string;
  version: string;
  integrity: string;
  source: string;
  published_at: Date | null;
  unpublished_at: Date | null;
}

const toVersion = (r: VersionRow): CatalogueVersion => ({
  name: r.name,
  version: r.version,
  integrity: r.integrity,
  source: r.source,
  ...(r.published_at ? { publishedAt: r.published_at } : {}),
  unpublished: r.unpublished_at !== null,
});

/**
 * What the recall service knows of versions, fed by events: every write is an upsert that keeps
 * the newest fact, so events arriving late or twice change nothing.
 */
export const CatalogueStore = {
  /** The first ingestion wins: a name@version never changes its bytes (an unpublish seen first only marks the row). */
  async recordIngested(tx: EntityManager, v: { name: string; version: string; integrity: string; source: string; publishedAt?: Date }): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.catalog_version AS c (name, version, integrity, source, published_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name, version) DO UPDATE SET integrity = EXCLUDED.integrity, source = EXCLUDED.source, published_at = EXCLUDED.published_at
       WHERE c.source = 'unknown'`,
      [v.name, v.version, v.integrity, v.source, v.publishedAt ?? null],
    );
  },

  async recordUnpublished(tx: EntityManager, v: { name: string; version: string; integrity: string; at: Date }): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.catalog_version AS c (name, version, integrity, source, unpublished_at) VALUES ($1, $2, $3, 'unknown', $4)
       ON CONFLICT (name, version) DO UPDATE SET unpublished_at = coalesce(c.unpublished_at, EXCLUDED.unpublished_at)`,
      [v.name, v.version, v.integrity, v.at],
    );
  },

  /** Admitted to (or dismissed from) a view; an older decision arriving late changes nothing. */
  async recordAdmission(tx: EntityManager, a: { name: string; version: string; view: string; integrity: string; admitted: boolean; at: Date }): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.catalog_admission AS a (name, version, view, integrity, admitted, changed_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name, version, view) DO UPDATE SET integrity = EXCLUDED.integrity, admitted = EXCLUDED.admitted, changed_at = EXCLUDED.changed_at
       WHERE a.changed_at <= EXCLUDED.changed_at`,
      [a.name, a.version, a.view, a.integrity, a.admitted, a.at],
    );
  },

  /** The verdict recorded for these bytes, without locking. */
  async verdictOf(db: EntityManager, name: string, version: string, integrity: string): Promise<RecordedVerdict | undefined> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ verdict: VerdictWord; advisory_ids: string[]; scanned_at: Date }> = await db.query(
      `SELECT verdict, advisory_ids, scanned_at FROM ${s}.catalog_verdict WHERE name = $1 AND version = $2 AND integrity = $3`,
      [name, version, integrity],
    );
    return rows[0] ? { verdict: rows[0].verdict, advisoryIds: rows[0].advisory_ids, scannedAt: rows[0].scanned_at } : undefined;
  },

  /**
   * Records a verdict for these bytes unless a newer one is recorded, and returns the one it
   * replaced (read under the row lock). `applied` is false for a scan older than the recorded one.
   */
  async recordVerdict(
    tx: EntityManager,
    v: { name: string; version: string; integrity: string; verdict: VerdictWord; advisoryIds: string[]; scannedAt: Date },
  ): Promise<{ applied: boolean; previous?: RecordedVerdict }> {
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ verdict: VerdictWord; advisory_ids: string[]; scanned_at: Date }> = await tx.query(
      `SELECT verdict, advisory_ids, scanned_at FROM ${s}.catalog_verdict WHERE name = $1 AND version = $2 AND integrity = $3 FOR UPDATE`,
      [v.name, v.version, v.integrity],
    );
    const previous = rows[0] ? { verdict: rows[0].verdict, advisoryIds: rows[0].advisory_ids, scannedAt: rows[0].scanned_at } : undefined;
    if (previous && previous.scannedAt.getTime() > v.scannedAt.getTime()) return { applied: false, previous };
    await tx.query(
      `INSERT INTO ${s}.catalog_verdict (name, version, integrity, verdict, advisory_ids, scanned_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name, version, integrity) DO UPDATE SET verdict = EXCLUDED.verdict, advisory_ids = EXCLUDED.advisory_ids, scanned_at = EXCLUDED.scanned_at`,
      [v.name, v.version, v.integrity, v.verdict, v.advisoryIds, v.scannedAt],
    );
    return { applied: true, ...(previous ? { previous } : {}) };
  },

  /** A newer `modified` wins; an advisory imported again unchanged changes nothing. */
  async recordAdvisory(tx: EntityManager, a: AdvisoryFacts & { modifiedAt?: Date; withdrawnAt?: Date }): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.advisory AS a (id, severity, summary, published_at, modified_at, withdrawn_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET severity = EXCLUDED.severity, summary = EXCLUDED.summary, published_at = EXCLUDED.published_at,
         modified_at = EXCLUDED.modified_at, withdrawn_at = EXCLUDED.withdrawn_at
       WHERE a.modified_at IS NULL OR EXCLUDED.modified_at IS NULL OR a.modified_at <= EXCLUDED.modified_at`,
      [a.id, a.severity, a.summary, a.publishedAt ?? null, a.modifiedAt ?? null, a.withdrawnAt ?? null],
    );
  },

  async advisory(db: EntityManager, id: string): Promise<AdvisoryFacts | undefined> {
    if (!id) return undefined;
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ id: string; severity: number; summary: string; published_at: Date | null }> = await db.query(
      `SELECT id, severity, summary, published_at FROM ${s}.advisory WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    return r ? { id: r.id, severity: r.severity, summary: r.summary, ...(r.published_at ? { publishedAt: r.published_at } : {}) } : undefined;
  },

  async version(db: EntityManager, name: string, version: string): Promise<CatalogueVersion | undefined> {
    const s = quotedSchemaOf(db.connection);
    const rows: VersionRow[] = await db.query(
      `SELECT name, version, integrity, source, published_at, unpublished_at FROM ${s}.catalog_version WHERE name = $1 AND version = $2`,
      [name, version],
    );
    return rows[0] ? toVersion(rows[0]) : undefined;
  },

  /** Every recorded version of a package, unpublished ones included. */
  async versionsOf(db: EntityManager, name: string): Promise<CatalogueVersion[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: VersionRow[] = await db.query(
      `SELECT name, version, integrity, source, published_at, unpublished_at FROM ${s}.catalog_version WHERE name = $1 AND source <> 'unknown'`,
      [name],
    );
    return rows.map(toVersion);
  },

  /**
   * Every version of a package a consumer could move to, with where it is admitted, whether it
   * was unpublished, and the verdict of its admitted bytes; `quarantinedIn` is left to the caller.
   */
  async rollbackCandidates(db: EntityManager, name: string): Promise<RollbackCandidate[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ version: string; views: string[]; unpublished: boolean; verdicts: Array<string | null> }> = await db.query(
      `SELECT a.version,
              array_agg(a.view ORDER BY a.view) AS views,
              bool_or(c.unpublished_at IS NOT NULL) AS unpublished,
              array_agg(v.verdict) AS verdicts
         FROM ${s}.catalog_admission a
         LEFT JOIN ${s}.catalog_version c ON c.name = a.name AND c.version = a.version
         LEFT JOIN ${s}.catalog_verdict v ON v.name = a.name AND v.version = a.version AND v.integrity = a.integrity
        WHERE a.name = $1 AND a.admitted
        GROUP BY a.version`,
      [name],
    );
    return rows.map((r) => {
      const verdicts = r.verdicts.filter((v): v is VerdictWord => v !== null);
      const verdict: VerdictWord | undefined = verdicts.includes('block') ? 'block' : verdicts.includes('warn') ? 'warn' : verdicts[0];
      return { version: r.version, admittedIn: r.views, quarantinedIn: [], unpublished: r.unpublished ?? false, ...(verdict ? { verdict } : {}) };
    });
  },
};
