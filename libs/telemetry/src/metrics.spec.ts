import { createCounter, createGauge, createHistogram, createMetricsRegistry, metricsContentType } from './metrics';

describe('metrics registry', () => {
  it('renders a custom counter with the service label next to default Node metrics', async () => {
    const registry = createMetricsRegistry({ service: 'gateway' });
    const downloads = createCounter(registry, { name: 'palisade_downloads_total', help: 'Tarballs served', labelNames: ['view'] });
    downloads.inc({ view: 'prod' }, 3);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE palisade_downloads_total counter');
    expect(text).toContain('palisade_downloads_total{view="prod",service="gateway"} 3');
    expect(text).toMatch(/nodejs_heap_size_total_bytes\{service="gateway"\} \d+/);
  });

  it('keeps registries apart, so two services in one process do not clash', async () => {
    const a = createMetricsRegistry({ service: 'a', defaultMetrics: false });
    const b = createMetricsRegistry({ service: 'b', defaultMetrics: false });
    createGauge(a, { name: 'palisade_queue_depth', help: 'depth' }).set(5);
    createGauge(b, { name: 'palisade_queue_depth', help: 'depth' }).set(7);
    expect(await a.metrics()).toContain('palisade_queue_depth{service="a"} 5');
    expect(await b.metrics()).toContain('palisade_queue_depth{service="b"} 7');
    expect(await a.metrics()).not.toContain('nodejs_');
  });

  it('builds histograms with duration buckets in seconds', async () => {
    const registry = createMetricsRegistry({ service: 'ingest', defaultMetrics: false });
    createHistogram(registry, { name: 'palisade_publish_seconds', help: 'publish latency' }).observe(0.2);
    const text = await registry.metrics();
    expect(text).toContain('palisade_publish_seconds_bucket{le="0.25",service="ingest"} 1');
    expect(text).toContain('palisade_publish_seconds_bucket{le="0.1",service="ingest"} 0');
    expect(text).toContain('palisade_publish_seconds_count{service="ingest"} 1');
  });

  it('exposes the Prometheus text content type', () => {
    expect(metricsContentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
