export { createServiceDataSource, openServiceStore, isStoreReachable } from './service-data-source';
export type { ServiceStoreOptions } from './service-data-source';
export { quotedSchemaOf } from './schema-of';
