import semver from 'semver';
import type { ScanFinding, VerdictWord } from '../domain/scan-finding';
import type { Queryable } from './queryable';

/** The stored verdict of one version (name, version, integrity). */
export interface VerdictRow {
  name: string;
  version: string;
  integrity: string;
  /** Proto VersionSource number. */
  source: number;
  manifest: Record<string, unknown>;
  bytesScanned: boolean;
  heuristicVerdict: VerdictWord;
  heuristicFindings: ScanFinding[];
  malwareRisk: number;
  /** Advisories known when the version was first scanned (publish-time policy). */
  firstScanAdvisories: string[];
  advisoryIds: string[];
  verdict: VerdictWord;
  vulnRisk: number;
  findings: ScanFinding[];
  dbVersion: string;
  scanCount: number;
}

interface Row {
  name: string;
  version: string;
  integrity: string;
  source: number;
  manifest: Record<string, unknown>;
  bytes_scanned: boolean;
  heuristic_verdict: VerdictWord;
  heuristic_findings: ScanFinding[];
  malware_risk: number;
  first_scan_advisories: string[];
  advisory_ids: string[];
  verdict: VerdictWord;
  vuln_risk: number;
  findings: ScanFinding[];
  db_version: string;
  scan_count: number;
}

const COLUMNS =
  'name, version, integrity, source, manifest, bytes_scanned, heuristic_verdict, heuristic_findings, malware_risk, first_scan_advisories, advisory_ids, verdict, vuln_risk, findings, db_version, scan_count';

function fromRow(row: Row): VerdictRow {
  return {
    name: row.name,
    version: row.version,
    integrity: row.integrity,
    source: row.source,
    manifest: row.manifest,
    bytesScanned: row.bytes_scanned,
    heuristicVerdict: row.heuristic_verdict,
    heuristicFindings: row.heuristic_findings,
    malwareRisk: row.malware_risk,
    firstScanAdvisories: row.first_scan_advisories,
    advisoryIds: row.advisory_ids,
    verdict: row.verdict,
    vulnRisk: row.vuln_risk,
    findings: row.findings,
    dbVersion: row.db_version,
    scanCount: row.scan_count,
  };
}

/** The verdict row, locked for update when inside a transaction that will change it. */
export async function findVerdict(q: Queryable, name: string, version: string, integrity: string, lock = false): Promise<VerdictRow | undefined> {
  const rows = await q.query<Row[]>(`SELECT ${COLUMNS} FROM scanned_version WHERE name = $1 AND version = $2 AND integrity = $3${lock ? ' FOR UPDATE' : ''}`, [
    name,
    version,
    integrity,
  ]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Every stored verdict of the given package names. */
export async function verdictsOfNames(q: Queryable, names: readonly string[], lock = false): Promise<VerdictRow[]> {
  if (names.length === 0) return [];
  const rows = await q.query<Row[]>(`SELECT ${COLUMNS} FROM scanned_version WHERE name = ANY($1)${lock ? ' FOR UPDATE' : ''}`, [names]);
  return rows.map(fromRow);
}

/** Names of stored versions that matched any advisory (re-judged when likelihood data changes). */
export async function namesWithAdvisories(q: Queryable): Promise<string[]> {
  const rows = await q.query<Array<{ name: string }>>(`SELECT DISTINCT name FROM scanned_version WHERE advisory_ids <> '{}'`);
  return rows.map((r) => r.name);
}

export async function saveVerdict(q: Queryable, v: VerdictRow): Promise<void> {
  await q.query(
    `INSERT INTO scanned_version (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (name, version, integrity) DO UPDATE SET
       manifest = EXCLUDED.manifest, bytes_scanned = EXCLUDED.bytes_scanned, heuristic_verdict = EXCLUDED.heuristic_verdict,
       heuristic_findings = EXCLUDED.heuristic_findings, malware_risk = EXCLUDED.malware_risk, advisory_ids = EXCLUDED.advisory_ids,
       verdict = EXCLUDED.verdict, vuln_risk = EXCLUDED.vuln_risk, findings = EXCLUDED.findings, db_version = EXCLUDED.db_version,
       scan_count = EXCLUDED.scan_count, scanned_at = now()`,
    [
      v.name,
      v.version,
      v.integrity,
      v.source,
      JSON.stringify(v.manifest),
      v.bytesScanned,
      v.heuristicVerdict,
      JSON.stringify(v.heuristicFindings),
      v.malwareRisk,
      v.firstScanAdvisories,
      v.advisoryIds,
      v.verdict,
      v.vulnRisk,
      JSON.stringify(v.findings),
      v.dbVersion,
      v.scanCount,
    ],
  );
}

/** Manifest of the highest stored version of `name` below `version` (for new-install-script rules). */
export async function previousVersion(q: Queryable, name: string, version: string): Promise<{ version: string; manifest: Record<string, unknown> } | undefined> {
  if (semver.valid(version) === null) return undefined;
  const rows = await q.query<Array<{ version: string }>>(`SELECT DISTINCT version FROM scanned_version WHERE name = $1`, [name]);
  const below = rows
    .map((r) => r.version)
    .filter((v) => semver.valid(v) !== null && semver.lt(v, version))
    .sort(semver.rcompare)[0];
  if (below === undefined) return undefined;
  const found = await q.query<Array<{ manifest: Record<string, unknown> }>>(`SELECT manifest FROM scanned_version WHERE name = $1 AND version = $2 LIMIT 1`, [name, below]);
  return found[0] ? { version: below, manifest: found[0].manifest } : undefined;
}

/** Names published here (not proxied): typosquat rules compare new names against them. */
export async function internalNames(q: Queryable): Promise<string[]> {
  return (await q.query<Array<{ name: string }>>('SELECT name FROM internal_name')).map((r) => r.name);
}

export async function addInternalName(q: Queryable, name: string): Promise<void> {
  await q.query('INSERT INTO internal_name (name) VALUES ($1) ON CONFLICT DO NOTHING', [name]);
}

/** Stores many re-judged verdicts in one statement (rows of one re-judge chunk). */
export async function saveVerdicts(q: Queryable, rows: readonly VerdictRow[]): Promise<void> {
  if (rows.length === 0) return;
  const payload = rows.map((v) => ({
    name: v.name,
    version: v.version,
    integrity: v.integrity,
    source: v.source,
    manifest: v.manifest,
    bytes_scanned: v.bytesScanned,
    heuristic_verdict: v.heuristicVerdict,
    heuristic_findings: v.heuristicFindings,
    malware_risk: v.malwareRisk,
    first_scan_advisories: v.firstScanAdvisories,
    advisory_ids: v.advisoryIds,
    verdict: v.verdict,
    vuln_risk: v.vulnRisk,
    findings: v.findings,
    db_version: v.dbVersion,
    scan_count: v.scanCount,
  }));
  await q.query(
    `INSERT INTO scanned_version (${COLUMNS})
     SELECT r.name, r.version, r.integrity, r.source, r.manifest, r.bytes_scanned, r.heuristic_verdict, r.heuristic_findings, r.malware_risk,
            ARRAY(SELECT jsonb_array_elements_text(r.first_scan_advisories)), ARRAY(SELECT jsonb_array_elements_text(r.advisory_ids)),
            r.verdict, r.vuln_risk, r.findings, r.db_version, r.scan_count
       FROM jsonb_to_recordset($1::jsonb) AS r(name text, version text, integrity text, source smallint, manifest jsonb, bytes_scanned boolean,
            heuristic_verdict text, heuristic_findings jsonb, malware_risk int, first_scan_advisories jsonb, advisory_ids jsonb,
            verdict text, vuln_risk int, findings jsonb, db_version text, scan_count int)
     ON CONFLICT (name, version, integrity) DO UPDATE SET
       manifest = EXCLUDED.manifest, bytes_scanned = EXCLUDED.bytes_scanned, heuristic_verdict = EXCLUDED.heuristic_verdict,
       heuristic_findings = EXCLUDED.heuristic_findings, malware_risk = EXCLUDED.malware_risk, advisory_ids = EXCLUDED.advisory_ids,
       verdict = EXCLUDED.verdict, vuln_risk = EXCLUDED.vuln_risk, findings = EXCLUDED.findings, db_version = EXCLUDED.db_version,
       scan_count = EXCLUDED.scan_count, scanned_at = now()`,
    [JSON.stringify(payload)],
  );
}
