import type { AnalysisContext } from '../model/analysis-context';
import type { SignalMatch, SourceFile } from '../model/source-file';
import type { HeuristicCategory, HeuristicEvidence, HeuristicFinding, HeuristicSeverity, RuleDescription } from '../types';

/** One family of related rules (one file under `rules/`): the ids it may emit and the check itself. */
export interface RuleFamily {
  readonly name: string;
  readonly rules: readonly RuleDescription[];
  check(context: AnalysisContext): HeuristicFinding[];
}

export function finding(
  rule: string,
  category: HeuristicCategory,
  severity: HeuristicSeverity,
  message: string,
  evidence?: HeuristicEvidence,
): HeuristicFinding {
  return evidence ? { rule, category, severity, message, evidence } : { rule, category, severity, message };
}

export function evidenceOf(unit: SourceFile, match: SignalMatch): HeuristicEvidence {
  return unit.evidence(match.index);
}

/**
 * Install-time code close to a hook (what it runs, and what that loads directly). Escalations that
 * make a finding malware by itself apply only here: a hook that loads a whole CLI makes hundreds of
 * files "install-time", most of which never run during the install.
 */
export function nearHook(unit: SourceFile): boolean {
  return unit.installTime && unit.installDepth <= 1;
}

const ORDER: Record<HeuristicSeverity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function severityRank(severity: HeuristicSeverity): number {
  return ORDER[severity];
}
