import semver from 'semver';
import { cvssBand } from './cvss';
import { entriesFor } from './affected-versions';
import { cweIds, ghsaSeverityLabel, isMalicious, type OsvAffected, type OsvEvent, type OsvRecord } from './osv-record';
import { advisoryImpact } from './risk';

/** Severity words of npm's audit (`--audit-level` uses the same). */
export type NpmAuditSeverity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

/** One advisory as npm's bulk audit endpoint returns it (npm/cli arborist `audit-report.js`). */
export interface NpmBulkAdvisory {
  id: number;
  url: string;
  title: string;
  severity: NpmAuditSeverity;
  vulnerable_versions: string;
  cwe: string[];
  cvss: { score: number; vectorString: string | null };
}

/** GHSA label lower-cased (MODERATE → moderate); else the CVSS band; MAL → critical. */
export function npmSeverity(record: OsvRecord, name?: string): NpmAuditSeverity {
  if (isMalicious(record)) return 'critical';
  const label = ghsaSeverityLabel(record);
  if (label) return label.toLowerCase() as NpmAuditSeverity;
  const impact = advisoryImpact(record, name);
  if (impact.source === 'UNKNOWN') return 'high'; // what the npm CLI assumes for a missing severity
  const band = cvssBand(impact.score);
  return band === 'medium' ? 'moderate' : band === 'none' ? 'info' : band;
}

function value(event: OsvEvent): [string, string] {
  const [key, v] = Object.entries(event)[0] as [string, string];
  return [key, v];
}

/** One OSV range as node-semver ranges: `>=I <F`, `<F` for `introduced: 0`, `>=I <=L`, open `>=I`. */
function rangeToSemver(events: readonly OsvEvent[]): string[] {
  const ordered = events
    .map(value)
    .filter(([key, v]) => key !== 'limit' && (v === '0' || semver.valid(v) !== null))
    .sort(([, a], [, b]) => (a === '0' ? (b === '0' ? 0 : -1) : b === '0' ? 1 : semver.compare(a, b)));
  const parts: string[] = [];
  let open: string | undefined;
  for (const [key, v] of ordered) {
    if (key === 'introduced') {
      if (open === undefined) open = v;
    } else if (open !== undefined) {
      const lower = open === '0' ? '' : `>=${open} `;
      parts.push(`${lower}${key === 'fixed' ? '<' : '<='}${v}`);
      open = undefined;
    }
  }
  if (open !== undefined) parts.push(open === '0' ? '*' : `>=${open}`);
  return parts;
}

/** `vulnerable_versions` for npm: every range and explicit version of `name`, joined by `||`. */
export function vulnerableVersions(entries: readonly OsvAffected[]): string {
  const parts: string[] = [];
  for (const entry of entries) {
    for (const range of entry.ranges ?? []) if (range.type === 'SEMVER' || range.type === 'ECOSYSTEM') parts.push(...rangeToSemver(range.events));
    for (const v of entry.versions ?? []) parts.push(`=${v}`);
  }
  const unique = [...new Set(parts)];
  if (unique.includes('*')) return '*';
  return unique.length === 0 ? '*' : unique.join(' || ');
}

/** The advisory's page: its ADVISORY reference, else a GHSA page, else the first reference, else OSV's. */
export function advisoryUrl(record: OsvRecord): string {
  const refs = record.references ?? [];
  const advisory = refs.find((r) => r.type === 'ADVISORY' && r.url.includes(record.id)) ?? refs.find((r) => r.type === 'ADVISORY');
  if (advisory) return advisory.url;
  if (record.id.startsWith('GHSA-')) return `https://github.com/advisories/${record.id}`;
  return refs[0]?.url ?? `https://osv.dev/vulnerability/${record.id}`;
}

/** The npm bulk-audit shape of `record` for package `name`; `id` is the registry's stable number for it. */
export function toNpmAdvisory(record: OsvRecord, name: string, id: number): NpmBulkAdvisory {
  const impact = advisoryImpact(record, name);
  return {
    id,
    url: advisoryUrl(record),
    title: record.summary ?? record.details?.split('\n')[0]?.slice(0, 200) ?? record.id,
    severity: npmSeverity(record, name),
    vulnerable_versions: vulnerableVersions(entriesFor(record, name)),
    cwe: isMalicious(record) && cweIds(record).length === 0 ? ['CWE-506'] : cweIds(record),
    cvss: impact.v3 ? { score: impact.v3.score, vectorString: impact.v3.vector } : { score: 0, vectorString: null },
  };
}
