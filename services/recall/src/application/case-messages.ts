import { Events, encodeAlert, encodeMessage, timestampFromDate, type RecallResolution, type QuarantineMode } from '@palisade/contracts';
import type { OutboxEvent } from '@palisade/messaging';
import { quarantineReason } from '../domain/quarantine';
import { severityName } from '../domain/severity';
import { triggerToProto } from '../domain/trigger';
import type { CaseRow } from '../store/case-store';

/** The actor of everything the recall service decides by itself. */
export const SERVICE_ACTOR = 'service:recall';

export type AlertKind = 'opened' | 'enforced' | 'contained' | 'closed';

export function quarantinedEvent(
  c: Pick<CaseRow, 'id' | 'name' | 'severity' | 'reason'>,
  row: { version: string; view: string; mode: QuarantineMode; integrity: string },
  to: string | undefined,
  at: Date,
): OutboxEvent {
  const { schema, subject } = Events.versionQuarantined;
  return {
    subject,
    schema: schema.typeName,
    data: encodeMessage(schema, {
      name: c.name,
      version: row.version,
      integrity: row.integrity,
      view: row.view,
      mode: row.mode,
      reason: quarantineReason({ recallId: c.id, severity: c.severity, reason: c.reason, name: c.name, ...(to ? { to } : {}) }),
      recallId: c.id,
      quarantinedAt: timestampFromDate(at),
    }),
  };
}

export function releasedEvent(c: Pick<CaseRow, 'id' | 'name'>, row: { version: string; view: string; integrity: string }, reason: string, approvers: string[], at: Date): OutboxEvent {
  const { schema, subject } = Events.versionReleased;
  return {
    subject,
    schema: schema.typeName,
    data: encodeMessage(schema, { name: c.name, version: row.version, integrity: row.integrity, view: row.view, reason, recallId: c.id, approvers, releasedAt: timestampFromDate(at) }),
  };
}

export function openedEvent(c: CaseRow, versions: readonly string[]): OutboxEvent {
  const { schema, subject } = Events.recallOpened;
  return {
    subject,
    schema: schema.typeName,
    data: encodeMessage(schema, {
      recallId: c.id,
      trigger: triggerToProto(c.trigger),
      advisoryId: c.advisoryId,
      severity: c.severity,
      reason: c.reason,
      affected: versions.map((version) => ({ name: c.name, version })),
      views: c.views,
      openedBy: { principal: c.openedBy, tokenId: '' },
      drill: c.drill,
      openedAt: timestampFromDate(c.openedAt),
    }),
  };
}

export function closedEvent(c: CaseRow, resolution: RecallResolution, reason: string, closedBy: string, at: Date): OutboxEvent {
  const { schema, subject } = Events.recallClosed;
  return {
    subject,
    schema: schema.typeName,
    data: encodeMessage(schema, { recallId: c.id, resolution, reason, closedBy: { principal: closedBy, tokenId: '' }, drill: c.drill, closedAt: timestampFromDate(at) }),
  };
}

/**
 * `alerts.recall.<severity>.<kind>` for the security team; `details` always name the case, the
 * versions and the views concerned.
 */
export function recallAlert(
  c: Pick<CaseRow, 'id' | 'name' | 'severity' | 'trigger' | 'advisoryId' | 'drill'>,
  kind: AlertKind,
  scope: { versions: readonly string[]; views: readonly string[] },
  summary: string,
  at: Date,
  extra: Record<string, string> = {},
): OutboxEvent {
  const prefix = c.drill ? '[drill] ' : '';
  return encodeAlertEvent({
    area: 'recall',
    severity: c.severity,
    kind,
    summary: `${prefix}${summary}`,
    subjectPackage: { name: c.name, version: scope.versions.length === 1 ? scope.versions[0] : '' },
    details: {
      recallId: c.id,
      versions: scope.versions.join(','),
      views: scope.views.join(','),
      trigger: c.trigger,
      severity: severityName(c.severity),
      ...(c.advisoryId ? { advisoryId: c.advisoryId } : {}),
      ...extra,
    },
    recallId: c.id,
    drill: c.drill,
    raisedBy: 'recall',
    raisedAt: timestampFromDate(at),
  });
}

function encodeAlertEvent(alert: Parameters<typeof encodeAlert>[0]): OutboxEvent {
  return { ...encodeAlert(alert) };
}
