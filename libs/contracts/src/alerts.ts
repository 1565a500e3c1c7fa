import { PermanentError } from '@palisade/errors';
import { ContractErrorCode } from './errors';
import type { Alert } from './gen/palisade/v1/alert_events_pb';
import { Severity } from './gen/palisade/v1/common_pb';
import { type AlertSeverity, alertSubject } from './subjects';

const TOKEN_BY_SEVERITY: ReadonlyMap<Severity, AlertSeverity> = new Map([
  [Severity.INFO, 'info'],
  [Severity.LOW, 'low'],
  [Severity.MEDIUM, 'medium'],
  [Severity.HIGH, 'high'],
  [Severity.CRITICAL, 'critical'],
]);

/** Subject token of a proto severity; UNSPECIFIED (or an unknown value) has none. */
export function alertSeverityToken(severity: Severity): AlertSeverity {
  const found = TOKEN_BY_SEVERITY.get(severity);
  if (found === undefined) {
    throw new PermanentError(ContractErrorCode.INVALID_SUBJECT, `alert severity ${severity} has no subject token`);
  }
  return found;
}

/** Proto severity of a subject token. */
export function severityFromToken(token: AlertSeverity): Severity {
  for (const [severity, candidate] of TOKEN_BY_SEVERITY) if (candidate === token) return severity;
  throw new PermanentError(ContractErrorCode.INVALID_SUBJECT, `unknown alert severity ${JSON.stringify(token)}`);
}

/** The subject an alert is published on, derived from its own area/severity/kind. */
export function alertSubjectOf(alert: Pick<Alert, 'area' | 'severity' | 'kind'>): string {
  return alertSubject({ area: alert.area, severity: alertSeverityToken(alert.severity), kind: alert.kind });
}
