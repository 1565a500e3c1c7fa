import { SpanKind, context, trace } from '@opentelemetry/api';
import { startTelemetry } from './start-telemetry';
import type { MemoryTelemetryHandle } from './start-telemetry';
import { extractTraceContext, injectTraceContext } from './trace-context';
import { withSpan } from './with-span';

describe('trace context across a message', () => {
  let telemetry: MemoryTelemetryHandle;
  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'palisade-trace-spec', exporter: 'memory' });
  });
  afterEach(() => telemetry.reset());
  afterAll(() => telemetry.shutdown());

  it('continues the producer trace in the consumer, with the producer span as parent', async () => {
    const headers: Record<string, string> = {};
    await withSpan('registry.evt.version.ingested publish', 'producer', undefined, () => {
      injectTraceContext((key, value) => {
        headers[key] = value;
      });
    });
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    // Nothing active on the consumer side: only the headers link the two.
    expect(trace.getSpan(context.active())).toBeUndefined();
    const parent = extractTraceContext((key) => headers[key]);
    await withSpan('registry.evt.version.ingested process', 'consumer', parent, () => undefined);

    const [producer, consumer] = telemetry.getFinishedSpans();
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.parentSpanContext?.isRemote).toBe(true);
  });

  it('starts a new trace when the headers carry none', async () => {
    const parent = extractTraceContext(() => undefined);
    await withSpan('orphan', 'consumer', parent, () => undefined);
    const [span] = telemetry.getFinishedSpans();
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('injects nothing outside a span', () => {
    const headers: Record<string, string> = {};
    injectTraceContext((key, value) => {
      headers[key] = value;
    });
    expect(headers).toEqual({});
  });
});
