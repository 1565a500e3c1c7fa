import { isSpanContextValid } from '@opentelemetry/api';
import { isPalisadeError } from '@palisade/errors';
import { startTelemetry } from './start-telemetry';
import type { TelemetryHandle } from './start-telemetry';
import { injectTraceContext } from './trace-context';
import { withSpan } from './with-span';

describe('startTelemetry', () => {
  let running: TelemetryHandle | undefined;
  afterEach(async () => {
    await running?.shutdown();
    running = undefined;
  });

  it('records spans in memory with the service name', async () => {
    const telemetry = startTelemetry({ serviceName: 'palisade-spec', exporter: 'memory' });
    running = telemetry;
    await withSpan('ingest.validate', 'internal', undefined, (span) => span.setAttribute('package', 'left-pad'));
    const spans = telemetry.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['ingest.validate']);
    expect(spans[0].attributes).toEqual({ package: 'left-pad' });
    expect(spans[0].resource.attributes['service.name']).toBe('palisade-spec');
    telemetry.reset();
    expect(telemetry.getFinishedSpans()).toEqual([]);
  });

  it('returns the running handle for the same options and refuses different ones', () => {
    const first = startTelemetry({ serviceName: 'a', exporter: 'memory' });
    running = first;
    expect(startTelemetry({ serviceName: 'a', exporter: 'memory' })).toBe(first);
    let error: unknown;
    try {
      startTelemetry({ serviceName: 'b', exporter: 'none' });
    } catch (e: unknown) {
      error = e;
    }
    expect(isPalisadeError(error) && error.code).toBe('TELEMETRY_ALREADY_STARTED');
  });

  it('can be shut down twice and started again, registering the new setup', async () => {
    const first = startTelemetry({ serviceName: 'first', exporter: 'memory' });
    await Promise.all([first.shutdown(), first.shutdown()]);
    await first.shutdown();
    const second = startTelemetry({ serviceName: 'second', exporter: 'memory' });
    running = second;
    expect(second).not.toBe(first);
    await withSpan('after-restart', 'internal', undefined, () => undefined);
    expect(second.getFinishedSpans().map((s) => [s.name, s.resource.attributes['service.name']])).toEqual([['after-restart', 'second']]);
  });

  it('with exporter none still creates trace ids and propagates them', async () => {
    running = startTelemetry({ serviceName: 'quiet', exporter: 'none' });
    const headers: Record<string, string> = {};
    const spanContext = await withSpan('work', 'producer', undefined, (span) => {
      injectTraceContext((k, v) => {
        headers[k] = v;
      });
      return span.spanContext();
    });
    expect(isSpanContextValid(spanContext)).toBe(true);
    expect(headers.traceparent).toBe(`00-${spanContext.traceId}-${spanContext.spanId}-01`);
  });
});
