import { pino } from 'pino';
import type { ConfigDefinition, ConfigShape } from './config-definition';
import { toDefinition } from './config-definition';
import { ConfigError } from './config-error';
import type { Config, Env } from './load-config';
import { loadConfig } from './load-config';
import { createLogger } from './logger';

/**
 * sysexits.h EX_CONFIG. A distinct code tells the operator (and `kubectl describe`, systemd's
 * `RestartPreventExitStatus=78`, a compose healthcheck) that the deployment is misconfigured and a
 * restart cannot help — unlike 1, which means the program failed.
 */
export const EXIT_CONFIG = 78;

export interface LoadConfigOrExitOptions {
  service: string;
  env?: Env;
  /** Seams for tests; the process's own stderr and exit by default. */
  destination?: pino.DestinationStream;
  exit?: (code: number) => never;
}

/**
 * `loadConfig` for a service's `main`: on a configuration problem, writes one fatal JSON line to
 * stderr (listing every problem, no secret values) and exits with 78 instead of throwing a stack
 * trace at the operator. Any other error is rethrown.
 */
export function loadConfigOrExit<S extends ConfigShape>(definition: ConfigDefinition<S> | S, options: LoadConfigOrExitOptions): Config<S> {
  try {
    return loadConfig(toDefinition(definition), options.env);
  } catch (e: unknown) {
    if (!(e instanceof ConfigError)) throw e;
    // Synchronous, because the process exits on the next line and must not lose the message.
    const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
    const logger = createLogger({ service: options.service, level: 'info', destination });
    logger.fatal({ code: e.code, problems: e.problems }, e.message);
    return (options.exit ?? process.exit)(EXIT_CONFIG);
  }
}
