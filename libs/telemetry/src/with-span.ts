import type { Attributes, Context, Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';

export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

const SPAN_KINDS: Readonly<Record<SpanKindName, SpanKind>> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

export const TRACER_NAME = '@palisade/telemetry';

export interface WithSpanOptions {
  attributes?: Attributes;
}

/**
 * Runs `fn` inside a new active span that is a child of `parentCtx` (the active context when
 * `undefined`; an `extractTraceContext` result for a consumer). The span ends when `fn` settles;
 * a thrown error is recorded on it, marks it failed and is rethrown unchanged.
 */
export async function withSpan<T>(
  name: string,
  kind: SpanKindName,
  parentCtx: Context | undefined,
  fn: (span: Span) => Promise<T> | T,
  options: WithSpanOptions = {},
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const spanOptions = { kind: SPAN_KINDS[kind], attributes: options.attributes };
  return tracer.startActiveSpan(name, spanOptions, parentCtx ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (e: unknown) {
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      span.end();
    }
  });
}
