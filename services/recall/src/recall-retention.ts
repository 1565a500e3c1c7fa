import { int, type ConfigVar } from '@palisade/config';
import { keepForDays, type RetentionRule } from '@palisade/persistence';

/** Retention of the recall tables that grow with traffic; cases and their timelines have none. */
export const recallRetentionConfigShape = {
  PALISADE_RETENTION_DOWNLOADS_DAYS: {
    schema: int({ min: 0, max: 36_500 }).default(400),
    description:
      'Days a download record (who fetched a version, the blast radius of a recall) is kept after it was last seen; records of versions named in a recall case are kept as long as the case. 0 keeps them forever (recall).',
  },
  PALISADE_RETENTION_ALERTS_DAYS: {
    schema: int({ min: 0, max: 36_500 }).default(90),
    description:
      'Days the alert log (`palisade alerts tail`) keeps an alert, with its finished webhook deliveries and their attempts; deliveries still pending are kept. 0 keeps them forever (recall).',
  },
} satisfies Record<string, ConfigVar>;

/**
 * In order: children before the rows they reference (attempts, deliveries, alerts), so every
 * statement deletes only rows nothing points at any more.
 */
export function recallRetentionRules(config: Readonly<Record<string, unknown>>): RetentionRule[] {
  const downloads = keepForDays(config.PALISADE_RETENTION_DOWNLOADS_DAYS as number);
  const alerts = keepForDays(config.PALISADE_RETENTION_ALERTS_DAYS as number);
  return [
    {
      table: 'download',
      keepMs: downloads,
      // A case's blast radius is read from these rows: the versions a case names keep theirs.
      expired: (s) => `t.last_seen_at < $1 AND NOT EXISTS (SELECT 1 FROM ${s}.affected_version a WHERE a.name = t.name AND a.version = t.version)`,
    },
    {
      table: 'alert_delivery_attempts',
      keepMs: alerts,
      expired: (s) =>
        `t.delivery_id IN (SELECT d.id FROM ${s}.alert_deliveries d JOIN ${s}.alert_log a ON a.seq = d.alert_seq WHERE a.received_at < $1 AND d.status <> 'pending')`,
    },
    {
      table: 'alert_deliveries',
      keepMs: alerts,
      expired: (s) =>
        `t.status <> 'pending' AND t.alert_seq IN (SELECT a.seq FROM ${s}.alert_log a WHERE a.received_at < $1)
         AND NOT EXISTS (SELECT 1 FROM ${s}.alert_delivery_attempts x WHERE x.delivery_id = t.id)`,
    },
    {
      table: 'alert_log',
      keepMs: alerts,
      expired: (s) => `t.received_at < $1 AND NOT EXISTS (SELECT 1 FROM ${s}.alert_deliveries d WHERE d.alert_seq = t.seq)`,
    },
  ];
}
