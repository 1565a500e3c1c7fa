export { createServiceDataSource, openServiceStore, isStoreReachable } from './service-data-source';
export type { ServiceStoreOptions } from './service-data-source';
export { quotedSchemaOf } from './schema-of';
export { planRetention, keepForDays, runRetention, retentionLockName, DEFAULT_RETENTION_BATCH } from './retention';
export type { RetentionRule, RetentionStatement, RetentionPlanOptions, RetentionRunOptions, RetentionReport } from './retention';
