import { CommandError, CommandErrorCodes } from '@palisade/messaging';
import { RegistryHttpError } from './registry-errors';

/**
 * How long a client is told to wait while NATS is away. The bus reconnects every 250 ms, so a
 * broker restart is usually over by then; npm retries a 503 on its own.
 */
export const BUS_RETRY_AFTER_SECONDS = 5;

/** A command refused before it was sent because the gateway has no NATS connection. */
export function isBusUnavailable(error: unknown): error is CommandError {
  return error instanceof CommandError && error.code === CommandErrorCodes.busUnavailable;
}

/** The answer to a request that needs the bus while it is disconnected: 503 at once, with `Retry-After`. */
export function busUnavailable(cause: unknown): RegistryHttpError {
  return new RegistryHttpError('PAL_ERR_BUS_UNAVAILABLE', `the registry's message bus is disconnected; try again in ${BUS_RETRY_AFTER_SECONDS} s`, {
    cause,
    headers: { 'retry-after': String(BUS_RETRY_AFTER_SECONDS) },
  });
}
