import { isPalisadeError } from '@palisade/errors';

/**
 * What a handler failure says about the future:
 * - `transient`: a dependency is away (database, bus, network, a timeout); the same message will
 *   succeed once it is back, so it is retried for as long as it takes and never dead-lettered;
 * - `permanent`: no retry can fix it (undecodable or invalid message, `PermanentError`);
 * - `unknown`: anything else; retried up to the consumer's `maxDeliver`, then dead-lettered.
 */
export type FailureClass = 'transient' | 'permanent' | 'unknown';

/** Node/libuv socket and DNS errors of a peer that is down, restarting or unreachable. */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTCONN',
  'ESOCKETTIMEDOUT',
]);

/**
 * PostgreSQL SQLSTATEs of an unavailable server or a conflict a retry resolves: class 08
 * (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
 * 57014 query_canceled (statement timeout), 53300 too_many_connections, 40001
 * serialization_failure, 40P01 deadlock_detected.
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '53300', '40001', '40P01']);

/** Palisade codes that mean "a dependency did not answer". */
const TRANSIENT_PALISADE_CODES = new Set(['MESSAGING_UNAVAILABLE', 'MESSAGING_PUBLISH_FAILED', 'COMMAND_TIMEOUT', 'COMMAND_NO_RESPONDERS', 'COMMAND_BUS_UNAVAILABLE']);

/** nats.js error classes of a connection that is down, closing or slow. */
const TRANSIENT_ERROR_NAMES = new Set(['TimeoutError', 'ConnectionError', 'ClosedConnectionError', 'DrainingConnectionError', 'NoRespondersError']);

/** Driver messages without a code (node-postgres, TypeORM, nats.js). */
const TRANSIENT_MESSAGES =
  /connection terminated|connection (?:refused|reset|closed)|timeout (?:expired|exceeded)|timed out|not queryable|the database system is (?:starting up|shutting down|in recovery mode)|CONNECTION_CLOSED|CONNECTION_DRAINING|DISCONNECT/i;

function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code);
}

function classifyOne(error: unknown): FailureClass {
  if (typeof error !== 'object' || error === null) return 'unknown';
  if (isPalisadeError(error)) {
    // RetryableError, PermanentError and every error that says so itself (StorageError, …).
    if ('retryable' in error && typeof error.retryable === 'boolean') return error.retryable ? 'transient' : 'permanent';
    if (TRANSIENT_PALISADE_CODES.has(error.code)) return 'transient';
  }
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (TRANSIENT_SYSTEM_CODES.has(code)) return 'transient';
    if (isSqlState(code) && (code.startsWith('08') || TRANSIENT_SQLSTATES.has(code))) return 'transient';
  }
  if (typeof name === 'string' && TRANSIENT_ERROR_NAMES.has(name)) return 'transient';
  if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return 'transient';
  return 'unknown';
}

/**
 * Classifies a handler failure, looking through wrappers (`cause`, TypeORM's `driverError`,
 * `AggregateError.errors`): the first explicit verdict wins, so a `PermanentError` wrapping a
 * socket error stays permanent, and an unknown wrapper around `ECONNREFUSED` is transient.
 */
export function classifyFailure(error: unknown): FailureClass {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const verdict = classifyOne(current);
    if (verdict !== 'unknown') return verdict;
    const { cause, driverError, errors } = current as { cause?: unknown; driverError?: unknown; errors?: unknown };
    queue.push(cause, driverError);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return 'unknown';
}
