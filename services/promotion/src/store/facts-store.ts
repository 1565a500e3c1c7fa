import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { SeverityName, SourceName, VerdictName } from '../domain/policy';
import type { IngestedFacts, ScanFacts, SignatureFacts, VersionFacts } from '../domain/version-facts';

interface FactsRow {
  name: string;
  version: string;
  integrity: string | null;
  source: string | null;
  publisher: string | null;
  published_at: Date | null;
  install_scripts: string[] | null;
  has_provenance: boolean | null;
  scan_integrity: string | null;
  verdict: string | null;
  vuln_risk: number | null;
  malware_risk: number | null;
  max_severity: string | null;
  findings: string[] | null;
  scanned_at: Date | null;
  signed_integrity: string | null;
  signed_at: Date | null;
  unpublished_at: Date | null;
}

const COLUMNS = `name, version, integrity, source, publisher, published_at, install_scripts, has_provenance, scan_integrity, verdict, vuln_risk,
  malware_risk, max_severity, findings, scanned_at, signed_integrity, signed_at, unpublished_at`;

function toFacts(row: FactsRow): VersionFacts {
  const facts: VersionFacts = { name: row.name, version: row.version };
  if (row.integrity && row.source && row.published_at) {
    facts.ingested = {
      integrity: row.integrity,
      source: row.source as SourceName,
      ...(row.publisher ? { publisher: row.publisher } : {}),
      publishedAt: row.published_at,
      installScripts: row.install_scripts ?? [],
      hasProvenance: row.has_provenance ?? false,
    };
  }
  if (row.scan_integrity && row.verdict && row.scanned_at) {
    facts.scan = {
      integrity: row.scan_integrity,
      verdict: row.verdict as VerdictName,
      vulnRisk: row.vuln_risk ?? 0,
      malwareRisk: row.malware_risk ?? 0,
      ...(row.max_severity ? { maxSeverity: row.max_severity as SeverityName } : {}),
      findings: row.findings ?? [],
      scannedAt: row.scanned_at,
    };
  }
  if (row.signed_integrity && row.signed_at) facts.signature = { integrity: row.signed_integrity, signedAt: row.signed_at };
  if (row.unpublished_at) facts.unpublishedAt = row.unpublished_at;
  return facts;
}

/**
 * What the service heard about each version, one row per name@version filled in by whichever
 * event comes first. Every write is an upsert, which also locks the row: the events of one
 * version are applied one after the other, so two of them cannot each miss the other's fact.
 */
export const FactsStore = {
  /** The first ingestion wins: a name@version never changes its bytes. */
  async recordIngested(tx: EntityManager, name: string, version: string, f: IngestedFacts): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.version_facts AS f (name, version, integrity, source, publisher, published_at, install_scripts, has_provenance, ingested_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (name, version) DO UPDATE SET integrity = EXCLUDED.integrity, source = EXCLUDED.source, publisher = EXCLUDED.publisher,
         published_at = EXCLUDED.published_at, install_scripts = EXCLUDED.install_scripts, has_provenance = EXCLUDED.has_provenance, ingested_at = now()
       WHERE f.integrity IS NULL`,
      [name, version, f.integrity, f.source, f.publisher ?? null, f.publishedAt, f.installScripts, f.hasProvenance],
    );
  },

  /** A newer scan (a rescan) replaces an older one; an older one arriving late changes nothing. */
  async recordScan(tx: EntityManager, name: string, version: string, scan: ScanFacts): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.version_facts AS f (name, version, scan_integrity, verdict, vuln_risk, malware_risk, max_severity, findings, scanned_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (name, version) DO UPDATE SET scan_integrity = EXCLUDED.scan_integrity, verdict = EXCLUDED.verdict, vuln_risk = EXCLUDED.vuln_risk,
         malware_risk = EXCLUDED.malware_risk, max_severity = EXCLUDED.max_severity, findings = EXCLUDED.findings, scanned_at = EXCLUDED.scanned_at
       WHERE f.scanned_at IS NULL OR f.scanned_at <= EXCLUDED.scanned_at`,
      [name, version, scan.integrity, scan.verdict, scan.vulnRisk, scan.malwareRisk, scan.maxSeverity ?? null, JSON.stringify(scan.findings), scan.scannedAt],
    );
  },

  async recordSignature(tx: EntityManager, name: string, version: string, signature: SignatureFacts): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.version_facts AS f (name, version, signed_integrity, signed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name, version) DO UPDATE SET signed_integrity = EXCLUDED.signed_integrity, signed_at = EXCLUDED.signed_at
       WHERE f.signed_at IS NULL`,
      [name, version, signature.integrity, signature.signedAt],
    );
  },

  async recordUnpublished(tx: EntityManager, name: string, version: string, at: Date): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.version_facts AS f (name, version, unpublished_at) VALUES ($1, $2, $3)
       ON CONFLICT (name, version) DO UPDATE SET unpublished_at = coalesce(f.unpublished_at, EXCLUDED.unpublished_at)`,
      [name, version, at],
    );
  },

  /** The facts of one version, its row locked until the transaction ends; undefined when none. */
  async lock(tx: EntityManager, name: string, version: string): Promise<VersionFacts | undefined> {
    const s = quotedSchemaOf(tx.connection);
    const rows: FactsRow[] = await tx.query(`SELECT ${COLUMNS} FROM ${s}.version_facts WHERE name = $1 AND version = $2 FOR UPDATE`, [name, version]);
    return rows[0] ? toFacts(rows[0]) : undefined;
  },

  /** Every version of a package (or one), without locking. */
  async ofPackage(db: EntityManager, name: string, version?: string): Promise<VersionFacts[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: FactsRow[] = version
      ? await db.query(`SELECT ${COLUMNS} FROM ${s}.version_facts WHERE name = $1 AND version = $2`, [name, version])
      : await db.query(`SELECT ${COLUMNS} FROM ${s}.version_facts WHERE name = $1 ORDER BY published_at NULLS LAST, version`, [name]);
    return rows.map(toFacts);
  },

  async markEvaluated(tx: EntityManager, name: string, version: string, policyVersion: number): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`UPDATE ${s}.version_facts SET evaluated_policy_version = $3 WHERE name = $1 AND version = $2`, [name, version, policyVersion]);
  },

  /** Recorded versions not yet looked at under `policyVersion`. */
  async notEvaluatedUnder(db: EntityManager, policyVersion: number, limit: number): Promise<Array<{ name: string; version: string }>> {
    const s = quotedSchemaOf(db.connection);
    return db.query(
      `SELECT name, version FROM ${s}.version_facts WHERE evaluated_policy_version < $1 AND unpublished_at IS NULL AND integrity IS NOT NULL LIMIT $2`,
      [policyVersion, limit],
    );
  },

  /** Every recorded, live version (for a dry run), in a stable order. */
  async allLive(db: EntityManager, afterName: string, afterVersion: string, limit: number): Promise<Array<{ name: string; version: string }>> {
    const s = quotedSchemaOf(db.connection);
    return db.query(
      `SELECT name, version FROM ${s}.version_facts WHERE unpublished_at IS NULL AND integrity IS NOT NULL AND (name, version) > ($1, $2)
       ORDER BY name, version LIMIT $3`,
      [afterName, afterVersion, limit],
    );
  },
};
