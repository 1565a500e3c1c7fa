import { randomUUID } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { PermanentError } from '@palisade/errors';
import { ALERT_CLOUDEVENT_TYPE, CLOUDEVENTS_JSON_CONTENT_TYPE, type AlertCloudEvent, serializeAlertCloudEvent } from './alert-cloudevent';
import { ContractErrorCode } from './errors';
import { AlertSchema, type Alert } from './gen/palisade/v1/alert_events_pb';
import { Severity } from './gen/palisade/v1/common_pb';
import { type AlertSeverity, alertSubject, isSubjectToken } from './subjects';

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

/** What producers hand over: the `Alert` fields (proto init shape), with area, severity and kind required. */
export type AlertInit = MessageInitShape<typeof AlertSchema> & Pick<Alert, 'area' | 'severity' | 'kind'>;

export interface AlertCloudEventOptions {
  /** CloudEvent id; a random UUID by default. */
  id?: string;
  /** Time used when the alert has no `raisedAt`. */
  now?: () => Date;
}

/**
 * The CloudEvents 1.0 envelope of an alert: `source` `/palisade/<raisedBy>`, `subject` the alert
 * subject, `time` its `raisedAt` (or now), and the alert itself in `data` (no package → null, no
 * recall → null). Throws `CONTRACT_INVALID_SUBJECT` when area, severity or kind are not subject tokens.
 */
export function alertCloudEvent(alert: AlertInit, options: AlertCloudEventOptions = {}): AlertCloudEvent {
  const message = create(AlertSchema, alert);
  const subject = alertSubjectOf(message);
  const pkg = message.subjectPackage;
  const raisedAt = message.raisedAt ? timestampDate(message.raisedAt) : (options.now ?? (() => new Date()))();
  return {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    source: `/palisade/${message.raisedBy || 'unknown'}`,
    type: ALERT_CLOUDEVENT_TYPE,
    subject,
    time: raisedAt.toISOString(),
    datacontenttype: 'application/json',
    data: {
      area: message.area,
      severity: alertSeverityToken(message.severity),
      kind: message.kind,
      summary: message.summary,
      package: pkg && pkg.name ? { name: pkg.name, version: pkg.version || null } : null,
      details: { ...message.details },
      recallId: message.recallId || null,
      drill: message.drill,
      raisedBy: message.raisedBy,
    },
  };
}

const utf8 = new TextEncoder();

/**
 * An alert ready for the outbox or the bus: its subject (from its own fields), schema name
 * (`io.palisade.alert.v1`), a `content-type` header and the UTF-8 JSON of its CloudEvent.
 */
export function encodeAlert(alert: AlertInit): { subject: string; schema: string; data: Uint8Array; headers: Readonly<Record<string, string>> } {
  const event = alertCloudEvent(alert);
  return {
    subject: event.subject,
    schema: ALERT_CLOUDEVENT_TYPE,
    data: utf8.encode(serializeAlertCloudEvent(event)),
    headers: { 'content-type': CLOUDEVENTS_JSON_CONTENT_TYPE },
  };
}

/**
 * Why `filter` cannot select alerts, or undefined when it can: a NATS subject filter
 * (`alerts.security.>`, `alerts.*.critical.*`) whose tokens are `*`, a final `>` or lower-case
 * subject tokens, starting with `alerts` (or a wildcard), at most four tokens long. For checking
 * filters given by people (webhook settings, `palisade alerts tail`) before they silently match nothing.
 */
export function alertFilterProblem(filter: string): string | undefined {
  const tokens = filter.split('.');
  if (tokens.length > 4) return 'an alert subject has four tokens (alerts.<area>.<severity>.<kind>)';
  for (const [index, part] of tokens.entries()) {
    if (part === '>' && index !== tokens.length - 1) return "'>' may only be the last token";
    if (part === '>' || part === '*') continue;
    if (!isSubjectToken(part)) return 'tokens are lower-case words joined by "-", "*" or a final ">"';
    if (index === 0 && part !== 'alerts') return 'alert subjects start with "alerts."';
  }
  return undefined;
}
