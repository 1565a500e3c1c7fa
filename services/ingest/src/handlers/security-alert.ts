import type { EntityManager } from 'typeorm';
import { encodeAlert, timestampNow, type Severity } from '@palisade/contracts';
import { addToOutbox } from '@palisade/messaging';

export interface SecurityAlert {
  severity: Severity;
  /** Subject token, e.g. `tamper`. */
  kind: string;
  summary: string;
  name: string;
  version?: string;
  details?: Record<string, string>;
}

/**
 * Queues `alerts.security.<severity>.<kind>` in the caller's transaction. `id` makes a repeated
 * detection of the same thing one alert (the relay's message id is de-duplicated).
 */
export async function raiseSecurityAlert(tx: EntityManager, id: string, alert: SecurityAlert): Promise<void> {
  const payload = {
    area: 'security',
    severity: alert.severity,
    kind: alert.kind,
    summary: alert.summary,
    subjectPackage: { name: alert.name, version: alert.version ?? '' },
    details: alert.details ?? {},
    raisedBy: 'ingest',
    raisedAt: timestampNow(),
  };
  await addToOutbox(tx, { id: `alert:${alert.kind}:${id}`, ...encodeAlert(payload) });
}
