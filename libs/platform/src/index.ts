export { startService } from './start-service';
export type { StartServiceOptions, RunningService } from './start-service';
export { runService } from './run-service';
export { SERVICE_NAMES, PLATFORM_STREAMS, schemaOf, serviceConfigDefinition, platformSettings } from './service-definition';
export type { ServiceDefinition, ServiceName, PlatformSettings } from './service-definition';
export { DATA_SOURCE, MESSAGE_BUS, LOGGER, METRICS, SERVICE_CONFIG } from './tokens';
export { Readiness } from './readiness';
export type { ReadinessReport } from './readiness';
