import { Cvss3P0, Cvss3P1, Cvss4P0 } from 'ae-cvss-calculator';

export type CvssVersion = '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  /** Base score 0-10, one decimal. */
  score: number;
  vector: string;
}

/**
 * The CVSS base score of a v3.0, v3.1 or v4.0 vector string (OSV `severity[].score` holds the
 * vector, not the number). Undefined for anything else, including malformed vectors.
 */
export function cvssBaseScore(vector: string): CvssScore | undefined {
  const trimmed = vector.trim();
  const version = /^CVSS:(3\.0|3\.1|4\.0)\//.exec(trimmed)?.[1] as CvssVersion | undefined;
  if (version === undefined) return undefined;
  try {
    const calculator = version === '4.0' ? new Cvss4P0(trimmed) : version === '3.1' ? new Cvss3P1(trimmed) : new Cvss3P0(trimmed);
    const base = calculator.calculateScores().base;
    if (typeof base !== 'number' || Number.isNaN(base)) return undefined;
    return { version, score: Math.round(base * 10) / 10, vector: trimmed };
  } catch {
    return undefined;
  }
}

export type SeverityBand = 'none' | 'low' | 'medium' | 'high' | 'critical';

/** FIRST bands (same for v3.1 and v4.0): 0 none, 0.1-3.9 low, 4-6.9 medium, 7-8.9 high, 9-10 critical. */
export function cvssBand(score: number): SeverityBand {
  if (score <= 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}
