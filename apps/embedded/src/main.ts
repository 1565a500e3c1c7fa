import { resolve, join } from 'node:path';
import { ConfigError, EXIT_CONFIG, createLogger, loadConfig } from '@palisade/config';
import { EmbeddedBus } from '@palisade/messaging';
import { startService, type RunningService, type ServiceDefinition } from '@palisade/platform';
import { FileSystemBlobStore } from '@palisade/storage';
import { startTelemetry } from '@palisade/telemetry';
import { gatewayService } from '@palisade/service-gateway';
import { ingestService } from '@palisade/service-ingest';
import { promotionService } from '@palisade/service-promotion';
import { recallService } from '@palisade/service-recall';
import { scanningService } from '@palisade/service-scanning';
import { signingService } from '@palisade/service-signing';
import { embeddedConfig } from './embedded.config';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres';
import { freeLoopbackPort } from './free-port';

// The gateway starts last: once it answers, every service behind it is consuming.
const SERVICES: ServiceDefinition[] = [ingestService, scanningService, signingService, promotionService, recallService, gatewayService];

/** SIGTERM to exit: services get this long, then PostgreSQL stops (fast shutdown, at most 5 s more). */
const SERVICES_STOP_TIMEOUT_MS = 3_000;

function loadSettings() {
  try {
    return loadConfig(embeddedConfig);
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`palisade: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

async function main(): Promise<void> {
  const config = loadSettings();
  const logger = createLogger({ service: 'palisade', level: config.PALISADE_LOG_LEVEL });
  const dataDir = resolve(config.PALISADE_DATA_DIR);
  const telemetry = startTelemetry(
    config.PALISADE_OTEL_EXPORTER === 'otlp'
      ? { serviceName: 'palisade', exporter: 'otlp', endpoint: config.PALISADE_OTEL_ENDPOINT }
      : { serviceName: 'palisade', exporter: config.PALISADE_OTEL_EXPORTER },
  );
  const running: RunningService[] = [];
  let postgres: EmbeddedPostgresHandle | undefined;
  let bus: EmbeddedBus | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // Services get a few seconds to finish; PostgreSQL is stopped in any case (and by its
    // watchdog if this process is SIGKILLed meanwhile), so a supervisor's SIGKILL finds nothing left.
    const services = (async () => {
      for (const service of running.reverse()) await service.stop().catch((error: unknown) => logger.warn({ err: error }, `stopping ${service.name} failed`));
      await bus?.close().catch(() => undefined);
    })();
    const late = await Promise.race([services.then(() => false), new Promise<boolean>((done) => setTimeout(() => done(true), SERVICES_STOP_TIMEOUT_MS).unref())]);
    if (late) logger.warn(`services did not stop within ${SERVICES_STOP_TIMEOUT_MS} ms; stopping PostgreSQL anyway`);
    await postgres?.stop().catch(() => undefined);
    await Promise.race([telemetry.shutdown(), new Promise((done) => setTimeout(done, 1_000).unref())]);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'Palisade crashed');
    void stop(1);
  });
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'Palisade crashed (unhandled rejection)');
    void stop(1);
  });

  try {
    const port = config.PALISADE_EMBEDDED_POSTGRES_PORT || (await freeLoopbackPort());
    postgres = await startEmbeddedPostgres(dataDir, port, (line) => logger.debug({ component: 'postgres' }, line));
    bus = await EmbeddedBus.open({ url: postgres.url });
    const blobStore = new FileSystemBlobStore({ root: join(dataDir, 'blobs') });
    for (const definition of SERVICES) {
      const env = {
        ...process.env,
        PALISADE_DATABASE_URL: postgres.url,
        PALISADE_DATA_DIR: dataDir,
        // Only the gateway's port is public; the others serve health and metrics on a free one.
        ...(definition === gatewayService ? {} : { [definition.port.variable]: String(await freeLoopbackPort()) }),
      };
      running.push(await startService(definition, { bus, blobStore, env, telemetry: false }));
    }
    const gateway = running[running.length - 1];
    logger.info({ url: gateway.url, dataDir }, `Palisade is running (embedded): npm set registry ${gateway.url}/`);
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      process.stderr.write(`palisade: ${error.message}\n`);
      await stop(EXIT_CONFIG);
      return;
    }
    logger.fatal({ err: error }, 'Palisade failed to start');
    await stop(1);
  }
}

void main();
