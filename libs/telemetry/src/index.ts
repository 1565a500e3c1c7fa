export { startTelemetry } from './start-telemetry';
export type {
  TelemetryOptions,
  StandardTelemetryOptions,
  MemoryTelemetryOptions,
  TelemetryHandle,
  MemoryTelemetryHandle,
} from './start-telemetry';
export { TRACE_EXPORTERS, otlpTracesUrl } from './span-processor';
export type { TraceExporterKind } from './span-processor';
export { TelemetryError } from './telemetry-error';
export type { TelemetryErrorCode } from './telemetry-error';
export { injectTraceContext, extractTraceContext } from './trace-context';
export type { HeaderGetter, HeaderSetter } from './trace-context';
export { withSpan, TRACER_NAME } from './with-span';
export type { SpanKindName, WithSpanOptions } from './with-span';
export {
  createMetricsRegistry,
  createCounter,
  createGauge,
  createHistogram,
  metricsContentType,
  DURATION_BUCKETS_SECONDS,
} from './metrics';
export type { MetricsRegistryOptions } from './metrics';
export type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
export type { Registry, Counter, Gauge, Histogram } from 'prom-client';
