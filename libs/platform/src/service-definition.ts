import type { Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { commonConfig, extendConfig, httpPortVar, retentionConfig, type Config, type ConfigDefinition, type ConfigProblem, type ConfigShape } from '@palisade/config';
import type { RetentionRule } from '@palisade/persistence';
import { blobConfig } from './blob-config';
import { STREAMS } from '@palisade/contracts';
import type { StreamSpec } from '@palisade/messaging';

export const SERVICE_NAMES = ['gateway', 'ingest', 'scanning', 'signing', 'promotion', 'recall'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** What a service declares; the platform does the rest (config, store, bus, HTTP, health). */
export interface ServiceDefinition {
  name: ServiceName;
  /** The service's own Nest module: its handlers and providers. */
  module: Type<unknown>;
  /** Migrations of the service's own schema, after the shared outbox/inbox tables. */
  migrations?: ReadonlyArray<new () => MigrationInterface>;
  /** Environment variable of its HTTP port, and the default (distinct per service, so all fit one host). */
  port: { variable: string; default: number };
  /** The service keeps tarballs: it gets the blob store settings and the BLOB_STORE provider. */
  blobStore?: boolean;
  /** The service's own variables (and rules across them), as `defineConfig` returns them. */
  config?: { readonly shape: ConfigShape; readonly rules: ReadonlyArray<(config: never) => readonly ConfigProblem[]> };
  /** TypeORM entities of the service's schema. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: ReadonlyArray<Function>;
  /**
   * Rules for the service's own tables that grow with traffic, from its parsed config; the outbox
   * and inbox rules come from the platform. Tables audit or the transparency log need have none.
   */
  retention?: (config: Readonly<Record<string, unknown>>) => readonly RetentionRule[];
  /** HTTP server tuning; `bodyLimit` from the parsed config (bytes). */
  http?: { bodyLimit?: (config: Readonly<Record<string, unknown>>) => number };
}

const DAY_MS = 86_400_000;

/** Streams every service provisions (idempotently) at start. Downloads are bounded in age and size. */
export const PLATFORM_STREAMS: readonly StreamSpec[] = [
  { name: STREAMS.REGISTRY.name, subjects: [...STREAMS.REGISTRY.subjects] },
  { name: STREAMS.ALERTS.name, subjects: [...STREAMS.ALERTS.subjects], maxAgeMs: 90 * DAY_MS },
  { name: STREAMS.DOWNLOADS.name, subjects: [...STREAMS.DOWNLOADS.subjects], maxAgeMs: 400 * DAY_MS, maxBytes: 10 * 1024 ** 3 },
];

/**
 * A definition whose rules read fields by name; rules receive the whole parsed config at run
 * time, so widening their parameter type changes nothing but what the compiler can check.
 */
function widen(definition: { readonly shape: ConfigShape; readonly rules: readonly unknown[] }): ConfigDefinition<ConfigShape> {
  return definition as unknown as ConfigDefinition<ConfigShape>;
}

/** Common settings, the service's port, retention, the blob store settings when it keeps tarballs, and its own. */
export function serviceConfigDefinition(definition: ServiceDefinition): ConfigDefinition<ConfigShape> {
  let config = widen(extendConfig(commonConfig, httpPortVar(definition.port.variable, definition.port.default, definition.name)));
  const parts = [retentionConfig, definition.blobStore ? blobConfig : undefined, definition.config];
  for (const part of parts) if (part) config = widen(extendConfig(config, part.shape, { rules: [...widen(part).rules] }));
  return config;
}

/** The settings every service reads, resolved; the port is the service's own. */
export interface PlatformSettings {
  logLevel: Config<typeof commonConfig.shape>['PALISADE_LOG_LEVEL'];
  natsUrl: string;
  databaseUrl: string;
  httpHost: string;
  httpPort: number;
  otelExporter: 'none' | 'otlp' | 'console';
  otelEndpoint?: string;
}

export function platformSettings(definition: ServiceDefinition, config: Readonly<Record<string, unknown>>): PlatformSettings {
  return {
    logLevel: config.PALISADE_LOG_LEVEL as PlatformSettings['logLevel'],
    natsUrl: config.PALISADE_NATS_URL as string,
    databaseUrl: config.PALISADE_DATABASE_URL as string,
    httpHost: config.PALISADE_HTTP_HOST as string,
    httpPort: config[definition.port.variable] as number,
    otelExporter: config.PALISADE_OTEL_EXPORTER as PlatformSettings['otelExporter'],
    otelEndpoint: config.PALISADE_OTEL_ENDPOINT as string | undefined,
  };
}

/** Each service owns the schema `palisade_<name>`; no other service touches it. */
export function schemaOf(name: ServiceName): string {
  return `palisade_${name}`;
}
