import { buildAnalysisContext } from './model/analysis-context';
import { RULE_FAMILIES } from './rules';
import { malwareRiskOf, sortFindings, verdictOf } from './scoring';
import type { HeuristicsInput, HeuristicsReport } from './types';

/**
 * Inspects one version's tarball (plus, when given, the previous version) and reports what its
 * code can do and what it appears to attempt. Pure and synchronous: no I/O, no network.
 */
export function analyzePackage(input: HeuristicsInput): HeuristicsReport {
  const context = buildAnalysisContext(input);
  const findings = sortFindings(RULE_FAMILIES.flatMap((family) => family.check(context)));
  const verdict = verdictOf(findings);
  return { findings, malwareRisk: malwareRiskOf(findings, verdict), verdict };
}
