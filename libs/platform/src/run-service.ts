import { ConfigError, EXIT_CONFIG } from '@palisade/config';
import { startService, type RunningService } from './start-service';
import type { ServiceDefinition } from './service-definition';

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
  startService(definition)
    .then((service) => {
      running = service;
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
