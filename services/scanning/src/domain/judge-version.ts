import { advisoryImpact, entriesFor, affectsVersion, riskBand, vulnRisk, type Likelihood, type OsvRecord } from '@palisade/osv';
import semver from 'semver';
import { worstVerdict, type HeuristicOutcome, type ScanFinding, type SeverityWord, type VerdictWord } from './scan-finding';

/** An advisory from the store, for one package name. */
export interface KnownAdvisory {
  id: string;
  aliases: readonly string[];
  malicious: boolean;
  record: OsvRecord;
}

export interface JudgeInput {
  name: string;
  version: string;
  /** Undefined while the bytes have not been inspected (upstream versions before their tarball is cached). */
  heuristics?: HeuristicOutcome;
  /** Every non-withdrawn advisory naming the package. */
  advisories: readonly KnownAdvisory[];
  likelihood(advisory: KnownAdvisory): Likelihood;
  /**
   * High-band risks (70-89) block new publishes and only warn about versions already in use
   * (reference §2.4): true when this advisory was known at the version's first scan and the
   * version was a publish.
   */
  blocksAtHighRisk(advisoryId: string): boolean;
}

export interface Judgement {
  verdict: VerdictWord;
  vulnRisk: number;
  malwareRisk: number;
  findings: ScanFinding[];
  /** Ids of the advisories that matched, after alias de-duplication. */
  advisoryIds: string[];
  /** Matched advisories whose risk is in the critical band (or malware). */
  criticalAdvisoryIds: string[];
  /** Why a block verdict blocks, for the alert kind. */
  blockKind?: 'malware' | 'vulnerability';
}

const BAND_SEVERITY: Record<string, SeverityWord> = { none: 'info', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

/**
 * Advisories describing the same vulnerability under several ids (GHSA ↔ CVE ↔ MAL) count once:
 * the first of each alias group wins, MAL and GHSA records first (they carry the npm ranges).
 */
export function dedupeByAliases<T extends Pick<KnownAdvisory, 'id' | 'aliases'>>(advisories: readonly T[]): T[] {
  const rank = (id: string) => (id.startsWith('MAL-') ? 0 : id.startsWith('GHSA-') ? 1 : 2);
  const ordered = [...advisories].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  const seen = new Set<string>();
  const kept: T[] = [];
  for (const advisory of ordered) {
    const ids = [advisory.id, ...advisory.aliases];
    if (ids.some((id) => seen.has(id))) continue;
    for (const id of ids) seen.add(id);
    kept.push(advisory);
  }
  return kept;
}

/** The lowest `fixed` above `version` in the advisory's ranges for `name`, for the message. */
export function firstFixAbove(record: OsvRecord, name: string, version: string): string | undefined {
  const fixes = entriesFor(record, name)
    .flatMap((entry) => entry.ranges ?? [])
    .flatMap((range) => range.events)
    .flatMap((event) => ('fixed' in event && semver.valid(event.fixed) ? [event.fixed] : []))
    .filter((fixed) => semver.valid(version) === null || semver.gt(fixed, version))
    .sort(semver.compare);
  return fixes[0];
}

function advisoryFinding(advisory: KnownAdvisory, name: string, version: string, risk: number, cvss: number | undefined, source: string): ScanFinding {
  const aka = advisory.aliases.filter((a) => a.startsWith('CVE-')).join(', ');
  const title = advisory.record.summary ?? advisory.id;
  if (advisory.malicious) {
    return { rule: 'osv.malware', category: 'malware', severity: 'critical', message: `${advisory.id}: ${title} (known malware)`, advisoryId: advisory.id };
  }
  const fix = firstFixAbove(advisory.record, name, version);
  const score = cvss !== undefined && source !== 'UNKNOWN' ? `, CVSS ${cvss.toFixed(1)}${source === 'GHSA_LABEL' ? ' (label)' : ''}` : '';
  return {
    rule: 'osv.vulnerability',
    category: 'vulnerability',
    severity: BAND_SEVERITY[riskBand(risk)],
    message: `${advisory.id}${aka ? ` (${aka})` : ''}: ${title}; risk ${risk}${score}${fix ? `; fixed in ${fix}` : '; no fix'}`,
    advisoryId: advisory.id,
    ...(cvss !== undefined && source !== 'UNKNOWN' ? { cvssScore: cvss } : {}),
  };
}

/**
 * A version's verdict: the worst of its advisory matches and its tarball heuristics.
 * Advisories: MAL (malware) blocks; risk ≥ 90 blocks; 70-89 blocks a new publish and warns
 * otherwise; 40-69 warns; below 40 the finding is reported and the version stays clean.
 */
export function judgeVersion(input: JudgeInput): Judgement {
  const matched = dedupeByAliases(input.advisories.filter((a) => affectsVersion(a.record, input.name, input.version)));
  const findings: ScanFinding[] = [];
  const critical: string[] = [];
  let risk = 0;
  let advisoryVerdict: VerdictWord = 'clean';
  let blockKind: Judgement['blockKind'];
  for (const advisory of matched) {
    const impact = advisoryImpact(advisory.record, input.name);
    const advisoryRisk = advisory.malicious ? 100 : vulnRisk(impact.score, input.likelihood(advisory));
    findings.push(advisoryFinding(advisory, input.name, input.version, advisoryRisk, impact.score, impact.source));
    if (advisory.malicious) {
      advisoryVerdict = 'block';
      blockKind = 'malware';
      critical.push(advisory.id);
      continue;
    }
    risk = Math.max(risk, advisoryRisk);
    const band = riskBand(advisoryRisk);
    if (band === 'critical') critical.push(advisory.id);
    const verdict: VerdictWord =
      band === 'critical' || (band === 'high' && input.blocksAtHighRisk(advisory.id)) ? 'block' : band === 'high' || band === 'medium' ? 'warn' : 'clean';
    if (verdict === 'block' && blockKind === undefined) blockKind = 'vulnerability';
    advisoryVerdict = worstVerdict(advisoryVerdict, verdict);
  }
  const heuristics = input.heuristics;
  if (heuristics) findings.push(...heuristics.findings);
  const verdict = worstVerdict(advisoryVerdict, heuristics?.verdict ?? 'clean');
  if (heuristics?.verdict === 'block') blockKind = heuristics.findings.some((f) => f.category === 'malware') || blockKind === undefined ? 'malware' : blockKind;
  return {
    verdict,
    vulnRisk: risk,
    malwareRisk: Math.max(heuristics?.malwareRisk ?? 0, matched.some((a) => a.malicious) ? 100 : 0),
    findings,
    advisoryIds: matched.map((a) => a.id),
    criticalAdvisoryIds: critical,
    ...(verdict === 'block' ? { blockKind: blockKind ?? 'malware' } : {}),
  };
}
