import { cvssBand, cvssBaseScore, type SeverityBand } from './cvss';
import { ghsaSeverityLabel, isMalicious, type GhsaLabel, type OsvRecord } from './osv-record';

/** Where an advisory's impact number came from, in order of precedence. */
export type ImpactSource = 'CVSS_V4' | 'CVSS_V3' | 'GHSA_LABEL' | 'UNKNOWN';

export interface AdvisoryImpact {
  /** 0-10; 0 when unknown. */
  score: number;
  source: ImpactSource;
  /** The vector that produced the score (CVSS sources only). */
  vector?: string;
  /** The v3.x vector and score npm's audit shape carries, when the record has one. */
  v3?: { score: number; vector: string };
}

/** Label proxies when a record has no usable vector (reference §2.1). */
const LABEL_SCORE: Record<GhsaLabel, number> = { LOW: 3.0, MODERATE: 5.5, HIGH: 7.5, CRITICAL: 9.5 };

function vectors(record: OsvRecord, name?: string): Array<{ type: string; score: string }> {
  // Per-package severity applies to that package only; the top-level one to the rest.
  const perPackage = name ? (record.affected ?? []).filter((a) => a.package?.ecosystem === 'npm' && a.package.name === name).flatMap((a) => a.severity ?? []) : [];
  return [...perPackage, ...(record.severity ?? [])];
}

/** Impact by precedence CVSS_V4 ▸ CVSS_V3 ▸ GHSA label proxy ▸ unknown (0). MAL records score 10. */
export function advisoryImpact(record: OsvRecord, name?: string): AdvisoryImpact {
  const all = vectors(record, name);
  const v4 = all.filter((s) => s.type === 'CVSS_V4').map((s) => cvssBaseScore(s.score)).find((s) => s !== undefined);
  const v3 = all.filter((s) => s.type === 'CVSS_V3').map((s) => cvssBaseScore(s.score)).find((s) => s !== undefined);
  const v3Part = v3 ? { v3: { score: v3.score, vector: v3.vector } } : {};
  if (v4) return { score: v4.score, source: 'CVSS_V4', vector: v4.vector, ...v3Part };
  if (v3) return { score: v3.score, source: 'CVSS_V3', vector: v3.vector, ...v3Part };
  const label = ghsaSeverityLabel(record);
  if (label) return { score: LABEL_SCORE[label], source: 'GHSA_LABEL' };
  if (isMalicious(record)) return { score: 10, source: 'UNKNOWN' };
  return { score: 0, source: 'UNKNOWN' };
}

export interface Likelihood {
  /** EPSS probability 0-1 of exploitation in the next 30 days, when imported for one of the CVEs. */
  epss?: number;
  /** Listed in CISA's Known Exploited Vulnerabilities catalogue. */
  kev?: boolean;
}

/**
 * vulnRisk = round(10 · impact · (0.35 + 0.65 · √likelihood)), likelihood = max(EPSS, KEV ? 1 : 0)
 * (reference §2.4). Without any exploitation data the likelihood is taken as 1, so the risk equals
 * ten times CVSS: EPSS can only lower a risk it knows something about, never hide an unscored one.
 */
export function vulnRisk(impact: number, likelihood: Likelihood = {}): number {
  const known = likelihood.epss !== undefined || likelihood.kev === true;
  const p = known ? Math.max(likelihood.epss ?? 0, likelihood.kev ? 1 : 0) : 1;
  const clamped = Math.min(10, Math.max(0, impact));
  return Math.min(100, Math.round(10 * clamped * (0.35 + 0.65 * Math.sqrt(Math.min(1, Math.max(0, p))))));
}

/** Risk bands: ≥90 critical · 70-89 high · 40-69 medium · 1-39 low · 0 none. */
export function riskBand(risk: number): SeverityBand {
  if (risk >= 90) return 'critical';
  if (risk >= 70) return 'high';
  if (risk >= 40) return 'medium';
  if (risk >= 1) return 'low';
  return 'none';
}

export { cvssBand };
