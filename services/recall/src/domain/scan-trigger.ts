import { Severity } from '@palisade/contracts';
import { maxSeverity, severityName } from './severity';
import type { VerdictWord } from './verdict';

export interface ScanFindingFacts {
  rule: string;
  severity: number;
  message: string;
  advisoryId: string;
}

export interface RaisedScan {
  name: string;
  version: string;
  integrity: string;
  verdict: Exclude<VerdictWord, 'clean'>;
  previousVerdict?: VerdictWord;
  findings: readonly ScanFindingFacts[];
  /** Advisories the previous scan of the same bytes already matched. */
  previousAdvisoryIds: readonly string[];
}

export interface ScanCaseOpening {
  trigger: 'advisory' | 'rescan';
  advisoryId: string;
  severity: Severity;
  /** Every advisory id the findings carry. */
  advisoryIds: string[];
  evidence: Record<string, unknown>;
}

const MAX_FINDINGS_KEPT = 20;

/**
 * What a raised rescan opens. A finding that names an advisory makes it an ADVISORY case about
 * that advisory — preferring an advisory the previous scan did not match (the news), then the
 * most severe, then the lowest id so the choice is stable; without one it is a RESCAN case.
 * Severity is the highest finding severity, at least HIGH for a block verdict (MEDIUM for a warn
 * without any graded finding).
 */
export function scanCaseOpening(scan: RaisedScan): ScanCaseOpening {
  const findings = [...scan.findings].sort((a, b) => b.severity - a.severity || a.rule.localeCompare(b.rule));
  const advisoryIds = [...new Set(findings.map((f) => f.advisoryId).filter((id) => id.length > 0))].sort();
  const previous = new Set(scan.previousAdvisoryIds);
  const withAdvisory = findings.filter((f) => f.advisoryId);
  const fresh = withAdvisory.filter((f) => !previous.has(f.advisoryId));
  const pool = fresh.length > 0 ? fresh : withAdvisory;
  const chosen = [...pool].sort((a, b) => b.severity - a.severity || a.advisoryId.localeCompare(b.advisoryId))[0];

  let severity: Severity = findings.reduce<Severity>((max, f) => maxSeverity(max, f.severity), Severity.UNSPECIFIED);
  if (scan.verdict === 'block') severity = maxSeverity(severity, Severity.HIGH);
  if (severity === Severity.UNSPECIFIED) severity = Severity.MEDIUM;

  return {
    trigger: chosen ? 'advisory' : 'rescan',
    advisoryId: chosen?.advisoryId ?? '',
    severity,
    advisoryIds,
    evidence: {
      integrity: scan.integrity,
      verdict: scan.verdict,
      previousVerdict: scan.previousVerdict ?? null,
      advisoryIds,
      findings: findings.slice(0, MAX_FINDINGS_KEPT).map((f) => ({ rule: f.rule, severity: severityName(f.severity), advisoryId: f.advisoryId || undefined, message: f.message.slice(0, 300) })),
    },
  };
}

/** The reason people read (and npm prints) for a scan-opened case. */
export function scanCaseReason(opening: ScanCaseOpening, scan: Pick<RaisedScan, 'verdict' | 'findings'>, advisorySummary?: string): string {
  if (opening.trigger === 'advisory') {
    const summary = advisorySummary?.trim() || scan.findings.find((f) => f.advisoryId === opening.advisoryId)?.message.trim() || '';
    return clip(`${opening.advisoryId}${summary ? `: ${summary}` : ''}`);
  }
  const top = [...scan.findings].sort((a, b) => b.severity - a.severity)[0];
  const what = top ? `${top.rule || 'finding'}${top.message ? ` ${top.message}` : ''}` : 'no finding details';
  return clip(`rescan verdict ${scan.verdict}: ${what}`);
}

export function clip(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
