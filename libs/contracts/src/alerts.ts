import { PermanentError } from '@palisade/errors';
import { ContractErrorCode } from './errors';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { AlertSchema, type Alert } from './gen/palisade/v1/alert_events_pb';
import { encodeMessage } from './codec';
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

/** An alert ready for the outbox or the bus: its subject (from its own fields), schema name and bytes. */
export function encodeAlert(alert: MessageInitShape<typeof AlertSchema> & Pick<Alert, 'area' | 'severity' | 'kind'>): { subject: string; schema: string; data: Uint8Array } {
  return { subject: alertSubjectOf(alert), schema: AlertSchema.typeName, data: encodeMessage(AlertSchema, alert) };
}
