import { SpanKind, context, propagation, trace, type Context, type Span } from '@opentelemetry/api';
import { MessageHeaders, type DeliveredMessage } from './message';

const tracer = () => trace.getTracer('@palisade/messaging');

/** W3C trace context of the active span, as message headers. */
export function currentTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const headers: Record<string, string> = {};
  if (carrier.traceparent) headers[MessageHeaders.traceparent] = carrier.traceparent;
  if (carrier.tracestate) headers[MessageHeaders.tracestate] = carrier.tracestate;
  return headers;
}

export function contextFromHeaders(headers: Readonly<Record<string, string>>): Context {
  return propagation.extract(context.active(), headers);
}

/** Runs `fn` in a span that continues the trace carried by the message headers. */
export async function withMessageSpan<T>(
  name: string,
  kind: 'consumer' | 'server',
  headers: Readonly<Record<string, string>>,
  attributes: Record<string, string | number>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = contextFromHeaders(headers);
  const span = tracer().startSpan(name, { kind: kind === 'consumer' ? SpanKind.CONSUMER : SpanKind.SERVER, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error: unknown) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: 2 });
    throw error;
  } finally {
    span.end();
  }
}

/** Runs a consumer's handler in a span that continues the producer's trace. */
export function handleInConsumerSpan(durable: string, message: DeliveredMessage, handler: (message: DeliveredMessage) => Promise<void>): Promise<void> {
  return withMessageSpan(
    `${message.subject} process`,
    'consumer',
    message.headers,
    { 'messaging.destination.name': message.subject, 'messaging.message.id': message.id, 'messaging.consumer.group.name': durable, 'messaging.delivery.attempt': message.attempt },
    () => handler(message),
  );
}

/** Runs a command handler in a span that continues the requester's trace. */
export function handleInServerSpan<T>(subject: string, headers: Readonly<Record<string, string>>, fn: () => Promise<T>): Promise<T> {
  return withMessageSpan(`${subject} handle`, 'server', headers, { 'messaging.destination.name': subject }, fn);
}
