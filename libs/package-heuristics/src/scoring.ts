import type { HeuristicFinding, HeuristicVerdict } from './types';
import { severityRank } from './rules/rule';

/** Base risk per finding: malware counts fully, other categories stay below the block band. */
const MALWARE_RISK = { info: 5, low: 20, medium: 50, high: 85, critical: 95 } as const;
const OTHER_RISK = { info: 2, low: 15, medium: 45, high: 60, critical: 65 } as const;
const CORROBORATION_STEP = 5;
const CORROBORATION_MAX = 20;

/**
 * Block only on high-confidence malware (a malware-category finding of high or critical severity);
 * warn on anything medium or above; otherwise clean, whatever the info/low capabilities say.
 */
export function verdictOf(findings: readonly HeuristicFinding[]): HeuristicVerdict {
  if (findings.some((f) => f.category === 'malware' && severityRank(f.severity) >= severityRank('high'))) return 'block';
  if (findings.some((f) => severityRank(f.severity) >= severityRank('medium'))) return 'warn';
  return 'clean';
}

/**
 * 0–100: the strongest finding sets the level, each further medium-or-worse finding corroborates
 * it a little. Clamped into the band of the verdict (clean 0–39, warn 40–69, block 70–100) so the
 * number and the verdict never disagree.
 */
export function malwareRiskOf(findings: readonly HeuristicFinding[], verdict: HeuristicVerdict): number {
  if (findings.length === 0) return 0;
  const scores = findings.map((f) => (f.category === 'malware' ? MALWARE_RISK : OTHER_RISK)[f.severity]);
  const strongest = Math.max(...scores);
  const corroborating = findings.filter((f) => severityRank(f.severity) >= severityRank('medium')).length - 1;
  const raw = strongest + Math.min(CORROBORATION_MAX, Math.max(0, corroborating) * CORROBORATION_STEP);
  const [low, high] = verdict === 'block' ? [70, 100] : verdict === 'warn' ? [40, 69] : [0, 39];
  return Math.max(low, Math.min(high, Math.round(raw)));
}

/** Most severe first, then malware before other categories, then by rule id: a stable order for reports and tests. */
export function sortFindings(findings: HeuristicFinding[]): HeuristicFinding[] {
  return findings.sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || Number(b.category === 'malware') - Number(a.category === 'malware') || a.rule.localeCompare(b.rule),
  );
}
