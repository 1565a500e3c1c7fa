import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Content-Type of the `/metrics` response (Prometheus text format 0.0.4). */
export const metricsContentType: string = Registry.PROMETHEUS_CONTENT_TYPE;

export interface MetricsRegistryOptions {
  /** Added as the `service` label on every series, default Node metrics included. */
  service: string;
  /** Process, heap, event-loop and GC metrics; on unless turned off (e.g. several registries in one test). */
  defaultMetrics?: boolean;
}

/**
 * A registry of its own per service rather than prom-client's global one, so that the embedded
 * mode (all services in one process) serves each service's series under its own label.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

type OwnConfiguration<C> = Omit<C, 'registers'>;

export function createCounter<L extends string = string>(registry: Registry, config: OwnConfiguration<CounterConfiguration<L>>): Counter<L> {
  return new Counter<L>({ ...config, registers: [registry] });
}

export function createGauge<L extends string = string>(registry: Registry, config: OwnConfiguration<GaugeConfiguration<L>>): Gauge<L> {
  return new Gauge<L>({ ...config, registers: [registry] });
}

/** Buckets in seconds, from 5 ms to 30 s: fits request handling and message processing alike. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createHistogram<L extends string = string>(
  registry: Registry,
  config: OwnConfiguration<HistogramConfiguration<L>>,
): Histogram<L> {
  return new Histogram<L>({ buckets: [...DURATION_BUCKETS_SECONDS], ...config, registers: [registry] });
}
