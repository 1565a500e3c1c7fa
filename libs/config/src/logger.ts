import { hostname } from 'node:os';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { REDACTED } from './redact';
import { TOP_LEVEL_SECRET_KEYS, censorSecrets } from './log-redaction';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; stdout when omitted. Tests pass a stream to read the output. */
  destination?: DestinationStream;
  /** Exact pino redact paths for secrets under names the key pattern does not catch, e.g. `body.pin`. */
  redactPaths?: readonly string[];
}

/**
 * One JSON object per line with `service`, an ISO `time`, the level as a word, and `trace_id` /
 * `span_id` of the active OpenTelemetry span, so a line can be joined to its trace. Values under
 * secret-looking keys (`SECRET_KEY_PATTERN`) are `[redacted]` at any depth, also inside errors.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { service, level = 'info', destination, redactPaths = [] } = options;
  return pino(
    {
      level,
      base: { service, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => censorSecrets(object),
      },
      redact: { paths: [...TOP_LEVEL_SECRET_KEYS, ...redactPaths], censor: REDACTED },
      serializers: { err: serializeError },
      mixin: traceFields,
    },
    destination,
  );
}

/** Errors are class instances the generic walk skips; their serialised form is plain, so walk that. */
function serializeError(error: unknown): unknown {
  return censorSecrets({ ...pino.stdSerializers.err(error as Error) });
}

function traceFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
