/** Verdict words as stored and as the heuristics library returns them. */
export const VERDICTS = ['clean', 'warn', 'block'] as const;
export type VerdictWord = (typeof VERDICTS)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type SeverityWord = (typeof SEVERITIES)[number];

export type CategoryWord = 'vulnerability' | 'malware' | 'install-script' | 'integrity' | 'suspicious';

/** One finding as stored in the verdict row (JSON) and mapped to the proto `Finding`. */
export interface ScanFinding {
  rule: string;
  category: CategoryWord;
  severity: SeverityWord;
  message: string;
  evidence?: { file: string; line: number; snippet: string };
  advisoryId?: string;
  cvssScore?: number;
}

/** What the tarball heuristics concluded about the bytes. */
export interface HeuristicOutcome {
  findings: ScanFinding[];
  malwareRisk: number;
  verdict: VerdictWord;
}

export function worstVerdict(...verdicts: VerdictWord[]): VerdictWord {
  return verdicts.reduce<VerdictWord>((worst, v) => (VERDICTS.indexOf(v) > VERDICTS.indexOf(worst) ? v : worst), 'clean');
}

export function severityRank(severity: SeverityWord): number {
  return SEVERITIES.indexOf(severity);
}
