import { ConfigError, EXIT_CONFIG } from '@palisade/config';
import { startService, type RunningService } from './start-service';
import type { ServiceDefinition } from './service-definition';

/** What a service sends its supervisor (a parent with an IPC channel, as `start:distributed`) once it serves. */
export const SERVICE_STARTED_MESSAGE = 'palisade.service.started';

/**
 * A service's `main`: start, stop cleanly on SIGTERM/SIGINT (Kubernetes sends SIGTERM), and exit
 * with a message naming the variable when the configuration is wrong.
 */
export function runService(definition: ServiceDefinition): void {
  let running: RunningService | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    running?.logger.info({ signal }, `${definition.name} stopping`);
    await running?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // Started by a supervisor: when it is gone (even SIGKILLed), stop rather than run on unsupervised.
  if (process.send) process.once('disconnect', () => void shutdown('supervisor gone'));
  startService(definition)
    .then((service) => {
      running = service;
      if (process.connected) process.send?.({ type: SERVICE_STARTED_MESSAGE, service: definition.name });
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`palisade-${definition.name}: ${error.message}\n`);
        process.exit(EXIT_CONFIG);
      }
      process.stderr.write(`palisade-${definition.name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
