import { Severity, Verdict, type Finding, type VersionScanned } from '@palisade/contracts';

export type ServedVerdict = 'clean' | 'warn' | 'block';

const WORD: Record<number, ServedVerdict> = { [Verdict.CLEAN]: 'clean', [Verdict.WARN]: 'warn', [Verdict.BLOCK]: 'block' };

/** npm prints the deprecation message on one line; long ones only bury the point. */
const MAX_REASON = 400;

/** The verdict as served; an unspecified verdict counts as clean (nothing to act on). */
export function servedVerdict(event: Pick<VersionScanned, 'verdict'>): ServedVerdict {
  return WORD[event.verdict] ?? 'clean';
}

/**
 * What clients are told: `Palisade scan: <verdict>: <strongest findings>`. Delivered as npm's
 * `deprecated` message for warn verdicts and as the refusal reason for blocked ones.
 */
export function verdictReason(event: Pick<VersionScanned, 'verdict' | 'findings'>): string {
  const findings = [...event.findings].sort((a, b) => b.severity - a.severity || a.rule.localeCompare(b.rule));
  const shown = findings.slice(0, 3).map(describe);
  const more = findings.length > 3 ? ` (+${findings.length - 3} more)` : '';
  const text = `Palisade scan: ${servedVerdict(event)}${shown.length > 0 ? `: ${shown.join('; ')}${more}` : ''}`;
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

const SEVERITY_WORD: Record<number, string> = {
  [Severity.INFO]: 'info',
  [Severity.LOW]: 'low',
  [Severity.MEDIUM]: 'medium',
  [Severity.HIGH]: 'high',
  [Severity.CRITICAL]: 'critical',
};

function describe(finding: Finding): string {
  return `[${SEVERITY_WORD[finding.severity] ?? 'info'}] ${finding.message}`;
}
