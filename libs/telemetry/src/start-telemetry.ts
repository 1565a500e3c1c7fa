import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TraceExporterKind } from './span-processor';
import { spanPipeline } from './span-processor';
import { TelemetryError } from './telemetry-error';

export interface StandardTelemetryOptions {
  /** OpenTelemetry `service.name`, e.g. `palisade-gateway`. */
  serviceName: string;
  exporter: 'none' | 'otlp' | 'console';
  /** OTLP/HTTP collector base URL (`/v1/traces` is appended) or full traces URL; only for `otlp`. */
  endpoint?: string;
}

export interface MemoryTelemetryOptions {
  serviceName: string;
  /** Keeps finished spans in memory for tests. */
  exporter: 'memory';
}

export type TelemetryOptions = StandardTelemetryOptions | MemoryTelemetryOptions;

export interface TelemetryHandle {
  readonly serviceName: string;
  readonly exporter: TraceExporterKind;
  /** Exports the spans ended so far (useful before a short-lived process exits). */
  forceFlush(): Promise<void>;
  /** Flushes, stops the SDK and unregisters it from the OpenTelemetry API. Safe to call twice. */
  shutdown(): Promise<void>;
}

export interface MemoryTelemetryHandle extends TelemetryHandle {
  readonly exporter: 'memory';
  /** Spans ended so far, oldest first. Emptied by `reset()` and by `shutdown()`. */
  getFinishedSpans(): readonly ReadableSpan[];
  reset(): void;
}

let active: { key: string; handle: TelemetryHandle } | undefined;

/**
 * Starts OpenTelemetry tracing for this process: NodeSDK with `service.name`, the chosen exporter,
 * the W3C trace-context propagator and async-hooks context. No instrumentation, metrics or log
 * exporters are set up (Prometheus serves metrics; pino writes logs).
 *
 * The OpenTelemetry API is process-global, so there is one active setup at a time: starting again
 * with the same options returns the running handle; different options throw
 * `TELEMETRY_ALREADY_STARTED` until the running one is shut down.
 */
export function startTelemetry(options: MemoryTelemetryOptions): MemoryTelemetryHandle;
export function startTelemetry(options: TelemetryOptions): TelemetryHandle;
export function startTelemetry(options: TelemetryOptions): TelemetryHandle {
  const endpoint = options.exporter === 'memory' ? undefined : options.endpoint;
  const key = JSON.stringify([options.serviceName, options.exporter, endpoint]);
  if (active !== undefined) {
    if (active.key === key) return active.handle;
    throw new TelemetryError('TELEMETRY_ALREADY_STARTED', `telemetry is already running as ${active.key}; shut it down before starting ${key}`);
  }

  const { processor, memory } = spanPipeline(options.exporter, endpoint);
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: [processor],
    // Host detection resolves the machine id asynchronously and holds every span back until it
    // does; tests read spans right after they end, and need no host attributes.
    autoDetectResources: options.exporter !== 'memory',
    textMapPropagator: new W3CTraceContextPropagator(),
    // Empty lists, because NodeSDK otherwise builds OTLP metric and log exporters from OTEL_* defaults.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    serviceName: options.serviceName,
    exporter: options.exporter,
    forceFlush: () => processor.forceFlush(),
    shutdown: () => {
      stopping ??= sdk.shutdown().finally(() => {
        // NodeSDK leaves its globals registered; clear them so a later start (next test) can register.
        trace.disable();
        propagation.disable();
        context.disable();
        if (active?.handle === handle) active = undefined;
      });
      return stopping;
    },
  };
  const result: TelemetryHandle | MemoryTelemetryHandle =
    memory === undefined
      ? handle
      : Object.assign(handle, {
          exporter: 'memory' as const,
          getFinishedSpans: () => memory.getFinishedSpans(),
          reset: () => memory.reset(),
        });
  active = { key, handle: result };
  return result;
}
