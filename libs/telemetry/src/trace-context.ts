import type { Context } from '@opentelemetry/api';
import { context, propagation } from '@opentelemetry/api';

/** Writes one header into whatever carries the message (NATS headers, HTTP headers, a plain object). */
export type HeaderSetter = (key: string, value: string) => void;
/** Reads one header; `undefined` (or an empty string) when it is absent. */
export type HeaderGetter = (key: string) => string | undefined;

/**
 * Writes the trace context of `ctx` (the active one by default) as W3C `traceparent`/`tracestate`
 * headers through `set`, e.g. `injectTraceContext((k, v) => headers.set(k, v))`. Writes nothing
 * when there is no valid span or telemetry is not started.
 */
export function injectTraceContext(set: HeaderSetter, ctx: Context = context.active()): void {
  propagation.inject(ctx, undefined, { set: (_carrier, key, value) => set(key, value) });
}

/**
 * The context carried by incoming headers, on top of `base` (the active context by default). Pass
 * it as the parent of the consumer span so the trace continues across the bus.
 */
export function extractTraceContext(get: HeaderGetter, base: Context = context.active()): Context {
  return propagation.extract(base, undefined, {
    get: (_carrier, key) => get(key),
    // Only needed by propagators that enumerate headers (baggage); W3C trace context reads by name.
    keys: () => [],
  });
}
