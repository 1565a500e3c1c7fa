import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  InMemorySpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export const TRACE_EXPORTERS = ['none', 'otlp', 'console', 'memory'] as const;
export type TraceExporterKind = (typeof TRACE_EXPORTERS)[number];

export interface SpanPipeline {
  processor: SpanProcessor;
  memory?: InMemorySpanExporter;
}

/**
 * The span processor for an exporter kind. `none` still records spans (and drops them) so that
 * trace ids exist, propagate to other services and reach the logs even without a tracing backend.
 * `memory` and `console` export each span as it ends, so a test sees it at once.
 */
export function spanPipeline(exporter: TraceExporterKind, endpoint: string | undefined): SpanPipeline {
  switch (exporter) {
    case 'none':
      return { processor: new NoopSpanProcessor() };
    case 'console':
      return { processor: new SimpleSpanProcessor(new ConsoleSpanExporter()) };
    case 'memory': {
      const memory = new InMemorySpanExporter();
      return { processor: new SimpleSpanProcessor(memory), memory };
    }
    case 'otlp':
      // Without an endpoint the exporter falls back to the standard OTEL_EXPORTER_OTLP_* variables.
      return { processor: new BatchSpanProcessor(new OTLPTraceExporter(endpoint === undefined ? {} : { url: otlpTracesUrl(endpoint) })) };
  }
}

/** Accepts the collector's base URL (`http://collector:4318`) or the full traces URL. */
export function otlpTracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}
