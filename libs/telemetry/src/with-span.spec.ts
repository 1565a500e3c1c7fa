import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { startTelemetry } from './start-telemetry';
import type { MemoryTelemetryHandle } from './start-telemetry';
import { withSpan } from './with-span';

describe('withSpan', () => {
  let telemetry: MemoryTelemetryHandle;
  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'palisade-span-spec', exporter: 'memory' });
  });
  afterEach(() => telemetry.reset());
  afterAll(() => telemetry.shutdown());

  it('returns the result and records kind and attributes', async () => {
    const result = await withSpan('promote', 'client', undefined, async () => 42, { attributes: { view: 'prod' } });
    expect(result).toBe(42);
    const [span] = telemetry.getFinishedSpans();
    expect([span.name, span.kind, span.attributes]).toEqual(['promote', SpanKind.CLIENT, { view: 'prod' }]);
  });

  it('nests under the active span when no parent is given', async () => {
    await withSpan('outer', 'server', undefined, () => withSpan('inner', 'internal', undefined, () => undefined));
    const [inner, outer] = telemetry.getFinishedSpans();
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });

  it('records a failure on the span and rethrows it unchanged', async () => {
    const failure = new Error('scan failed');
    await expect(withSpan('scan', 'consumer', undefined, () => Promise.reject(failure))).rejects.toBe(failure);
    const [span] = telemetry.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'scan failed' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });
});
