import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { createLogger, loadConfig, retentionSettings, type Env, type Logger } from '@palisade/config';
import { JetStreamBus, MESSAGING_MIGRATIONS, OutboxRelay, PalisadeTransport, type MessageBus } from '@palisade/messaging';
import { openServiceStore } from '@palisade/persistence';
import { createCounter, createGauge, createMetricsRegistry, startTelemetry, type TelemetryHandle } from '@palisade/telemetry';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { ServiceExceptionFilter } from './exception.filter';
import { HealthController } from './health.controller';
import { NestPinoLogger } from './nest-logger';
import { Readiness } from './readiness';
import { PLATFORM_STREAMS, platformSettings, schemaOf, serviceConfigDefinition, type PlatformSettings, type ServiceDefinition } from './service-definition';
import { BLOB_STORE, DATA_SOURCE, LOGGER, MESSAGE_BUS, METRICS, PLATFORM_SETTINGS, READINESS, SERVICE_CONFIG } from './tokens';
import { openBlobStore } from './blob-config';
import { retentionJob } from './retention-job';
import type { BlobStore } from '@palisade/storage';

export interface StartServiceOptions {
  env?: Env;
  /** A bus shared by several services in one process (embedded mode); otherwise JetStream. */
  bus?: MessageBus;
  /** Where log lines go (stdout by default). */
  logDestination?: DestinationStream;
  /** Skip the global OpenTelemetry SDK (when the caller manages it, e.g. several services in one process). */
  telemetry?: false;
  /** A blob store shared by several services in one process; otherwise opened from the settings. */
  blobStore?: BlobStore;
}

export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly app: NestFastifyApplication;
  readonly dataSource: DataSource;
  readonly bus: MessageBus;
  readonly logger: Logger;
  readonly settings: PlatformSettings;
  readonly config: Readonly<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * Dead letters of this service's consumers raise an error log line and count in
 * `palisade_messaging_dead_letters_total` (the bus raises the alert); the consumers' backlog is
 * the `palisade_messaging_backlog` gauge. On a bus shared by several services (embedded mode),
 * each service reports its own consumers (durable names start with `<service>_`). A lost and a
 * restored broker connection are one warn and one info line each, however long the outage.
 */
function watchMessaging(service: string, bus: MessageBus, metrics: Registry, logger: Logger, undo: Array<() => Promise<unknown>>): void {
  const own = (consumer: string) => consumer.startsWith(`${service}_`);
  const deadLetters = createCounter(metrics, {
    name: 'palisade_messaging_dead_letters_total',
    help: 'Messages dead-lettered by this service\'s consumers',
    labelNames: ['stream', 'consumer', 'error_code'],
  });
  const unlisten = bus.onDeadLetter?.((notice) => {
    if (!own(notice.consumer)) return;
    deadLetters.inc({ stream: notice.stream, consumer: notice.consumer, error_code: notice.errorCode });
    logger.error({ deadLetter: notice }, `message dead-lettered by ${notice.consumer}: ${notice.errorCode} after ${notice.attempts} attempt(s) (subject ${notice.subject})`);
  });
  if (unlisten) undo.push(async () => unlisten());
  const unwatchConnection = bus.onConnectionChange?.(({ connected, server }) => {
    if (connected) logger.info({ server }, 'NATS connection restored');
    else logger.warn({ server }, 'NATS connection lost; commands fail at once (503 at the gateway) and events wait in the outbox until it is back');
  });
  if (unwatchConnection) undo.push(async () => unwatchConnection());
  const backlog = bus.backlog?.bind(bus);
  if (!backlog) return;
  createGauge(metrics, {
    name: 'palisade_messaging_backlog',
    help: 'Messages this service\'s consumers have not finished: pending (not yet handled) and redelivering (failed, waiting for a retry)',
    labelNames: ['consumer', 'state'],
    async collect() {
      this.reset();
      const counts = await backlog().catch(() => ({}) as Awaited<ReturnType<typeof backlog>>);
      for (const [consumer, { pending, redelivering }] of Object.entries(counts)) {
        if (!own(consumer)) continue;
        this.set({ consumer, state: 'pending' }, pending);
        this.set({ consumer, state: 'redelivering' }, redelivering);
      }
    },
  });
}

/**
 * Boots one service: validated config, telemetry, its own schema with migrations, the bus with
 * its streams, the outbox relay, the Nest transport for its handlers and the HTTP server with
 * /healthz, /readyz and /metrics. Everything started is stopped again, in reverse, by `stop()`
 * or when a later step fails.
 */
export async function startService(definition: ServiceDefinition, options: StartServiceOptions = {}): Promise<RunningService> {
  const config = loadConfig(serviceConfigDefinition(definition), options.env ?? process.env);
  const settings = platformSettings(definition, config);
  const logger = createLogger({ service: definition.name, level: settings.logLevel, destination: options.logDestination });
  const undo: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  try {
    let telemetry: TelemetryHandle | undefined;
    if (options.telemetry !== false) {
      telemetry = startTelemetry(
        settings.otelExporter === 'otlp'
          ? { serviceName: `palisade-${definition.name}`, exporter: 'otlp', endpoint: settings.otelEndpoint }
          : { serviceName: `palisade-${definition.name}`, exporter: settings.otelExporter },
      );
      undo.push(() => (telemetry as TelemetryHandle).shutdown());
    }

    const dataSource = await openServiceStore({
      url: settings.databaseUrl,
      schema: schemaOf(definition.name),
      migrations: [...MESSAGING_MIGRATIONS, ...(definition.migrations ?? [])],
      entities: [...(definition.entities ?? [])],
      applicationName: `palisade-${definition.name}`,
    });
    undo.push(() => dataSource.destroy());

    const bus = options.bus ?? (await JetStreamBus.connect({ servers: settings.natsUrl, name: `palisade-${definition.name}` }));
    if (!options.bus) undo.push(() => bus.close());
    await bus.provision(PLATFORM_STREAMS);

    const relay = new OutboxRelay(dataSource, bus, { onError: (error) => logger.warn({ err: error }, 'outbox relay could not publish; will retry') });
    relay.start();
    undo.push(() => relay.stop());

    const transport = new PalisadeTransport(bus, { service: definition.name, streams: PLATFORM_STREAMS });
    const metrics = createMetricsRegistry({ service: definition.name });
    const retention = retentionJob({ dataSource, settings: retentionSettings(config), rules: definition.retention?.(config) ?? [], metrics, logger });
    retention.start();
    undo.push(() => retention.stop());
    const readiness = new Readiness({ bus, dataSource, transport, relay });
    watchMessaging(definition.name, bus, metrics, logger, undo);
    createGauge(metrics, {
      name: 'palisade_ready',
      help: '1 when the service reports ready (bus, store, consumers, outbox relay)',
      async collect() {
        this.set((await readiness.report()).ready ? 1 : 0);
      },
    });

    @Module({
      imports: [definition.module],
      controllers: [HealthController],
    })
    class ServiceRootModule {}
    const platform: DynamicModule = {
      module: ServiceRootModule,
      global: true,
      providers: [
        { provide: DATA_SOURCE, useValue: dataSource },
        { provide: MESSAGE_BUS, useValue: bus },
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useValue: metrics },
        { provide: READINESS, useValue: readiness },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: PLATFORM_SETTINGS, useValue: settings },
        ...(definition.blobStore ? [{ provide: BLOB_STORE, useValue: options.blobStore ?? openBlobStore(config) }] : []),
        { provide: APP_FILTER, useClass: ServiceExceptionFilter },
      ],
      exports: [DATA_SOURCE, MESSAGE_BUS, LOGGER, METRICS, SERVICE_CONFIG, PLATFORM_SETTINGS, ...(definition.blobStore ? [BLOB_STORE] : [])],
    };

    const app = await NestFactory.create<NestFastifyApplication>(platform, new FastifyAdapter({ bodyLimit: definition.http?.bodyLimit?.(config) }), { logger: new NestPinoLogger(logger), abortOnError: false });
    undo.push(() => app.close());
    // inheritAppConfig: the RPC side uses the same global filter (APP_FILTER) as HTTP.
    app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.listen(settings.httpPort, settings.httpHost);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : settings.httpPort;
    const url = `http://${settings.httpHost}:${port}`;
    logger.info({ url, schema: schemaOf(definition.name) }, `${definition.name} started`);
    return { name: definition.name, url, app, dataSource, bus, logger, settings, config, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}
