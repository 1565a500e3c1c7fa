export { planRetention, keepForDays, DAY_MS } from './retention-rule';
export type { RetentionRule, RetentionStatement, RetentionPlanOptions } from './retention-rule';
export { runRetention, retentionLockName, DEFAULT_RETENTION_BATCH } from './retention-run';
export type { RetentionRunOptions, RetentionReport } from './retention-run';
