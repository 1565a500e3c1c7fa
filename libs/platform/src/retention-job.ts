import type { DataSource } from 'typeorm';
import type { Logger, RetentionSettings } from '@palisade/config';
import { messagingRetentionRules } from '@palisade/messaging';
import { keepForDays, runRetention, type RetentionRule } from '@palisade/persistence';
import { createCounter } from '@palisade/telemetry';
import type { Registry } from 'prom-client';
import { PeriodicJob } from './periodic-job';

export interface RetentionJobOptions {
  dataSource: DataSource;
  settings: RetentionSettings;
  /** The service's own rules, after the outbox and inbox. */
  rules: readonly RetentionRule[];
  metrics: Registry;
  logger: Logger;
}

/** Every rule a service runs: the platform's outbox and inbox rules, then the service's own. */
export function serviceRetentionRules(settings: RetentionSettings, own: readonly RetentionRule[]): RetentionRule[] {
  return [...messagingRetentionRules({ outboxKeepMs: keepForDays(settings.outboxDays), inboxKeepMs: keepForDays(settings.inboxDays) }), ...own];
}

/**
 * Applies the service's retention every PALISADE_RETENTION_INTERVAL (and once shortly after
 * start): one info line per run with the rows deleted per table, and the counter
 * `palisade_retention_deleted_rows_total{table}`. A replica that finds another one running skips
 * its turn.
 */
export function retentionJob(options: RetentionJobOptions): PeriodicJob {
  const rules = serviceRetentionRules(options.settings, options.rules);
  const deletedRows = createCounter(options.metrics, {
    name: 'palisade_retention_deleted_rows_total',
    help: 'Rows deleted by retention, per table of this service',
    labelNames: ['table'],
  });
  // Every table shows up at 0 from the start, so a dashboard can tell "nothing to delete" from "not running".
  for (const rule of rules) if (rule.keepMs !== undefined) deletedRows.inc({ table: rule.table }, 0);
  return new PeriodicJob({
    name: 'retention',
    intervalMs: options.settings.intervalMs,
    runAtStart: true,
    onError: (error) => options.logger.warn({ err: error }, 'retention run failed; retrying at the next interval'),
    run: async (signal) => {
      const started = Date.now();
      const report = await runRetention(options.dataSource, rules, {
        batchSize: options.settings.batchSize,
        signal,
        onDeleted: (table, rows) => deletedRows.inc({ table }, rows),
      });
      if (!report.ran) {
        options.logger.debug('retention skipped: another replica is running it');
        return;
      }
      const total = Object.values(report.deleted).reduce((sum, n) => sum + n, 0);
      const perTable = Object.entries(report.deleted).map(([table, n]) => `${table} ${n}`).join(', ');
      options.logger.info({ retention: { deleted: report.deleted, ms: Date.now() - started } }, `retention deleted ${total} rows (${perTable || 'nothing to apply'})`);
    },
  });
}
