import { Severity } from '@palisade/contracts';

/** Severities lowest first, as the proto `Severity` scale names them (alert subject tokens). */
export const SEVERITY_NAMES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

export function isKnownSeverity(severity: number): severity is Severity {
  return Number.isInteger(severity) && severity >= Severity.INFO && severity <= Severity.CRITICAL;
}

/** `high` for Severity.HIGH; `unknown` for UNSPECIFIED or out-of-range values. */
export function severityName(severity: number): SeverityName | 'unknown' {
  return isKnownSeverity(severity) ? SEVERITY_NAMES[severity - 1] : 'unknown';
}

/** The higher of two severities (UNSPECIFIED counts as lowest). */
export function maxSeverity(a: number, b: number): Severity {
  return (Math.max(isKnownSeverity(a) ? a : 0, isKnownSeverity(b) ? b : 0) || Severity.UNSPECIFIED) as Severity;
}
