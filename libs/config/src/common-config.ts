import type { z } from 'zod';
import type { ConfigVar } from './config-definition';
import { defineConfig } from './config-definition';
import { LOG_LEVELS } from './logger';
import { oneOf, port, str, url } from './schemas';

export const OTEL_EXPORTERS = ['none', 'otlp', 'console'] as const;
export type OtelExporter = (typeof OTEL_EXPORTERS)[number];

/**
 * Variables every service reads. The defaults run the whole stack on one machine against local
 * NATS and PostgreSQL, bound to loopback only; deployments override them.
 */
export const commonConfigShape = {
  PALISADE_LOG_LEVEL: {
    schema: oneOf(LOG_LEVELS).default('info'),
    description: 'Minimum level of the JSON log lines written to stdout.',
  },
  PALISADE_NATS_URL: {
    schema: url({ protocols: ['nats', 'tls'] }).default('nats://127.0.0.1:4222'),
    description: 'NATS server with JetStream that carries events, commands and alerts.',
  },
  PALISADE_DATABASE_URL: {
    schema: url({ protocols: ['postgres', 'postgresql'] }).default('postgres://postgres@127.0.0.1:5432/postgres'),
    description: "PostgreSQL connection URL; each service uses its own schema in it. May hold a password, so it is never logged.",
    secret: true,
  },
  PALISADE_HTTP_HOST: {
    schema: str().default('127.0.0.1'),
    description: 'Interface the HTTP server binds to (loopback by default; 0.0.0.0 in a container).',
  },
  PALISADE_OTEL_EXPORTER: {
    schema: oneOf(OTEL_EXPORTERS).default('none'),
    description: 'Where trace spans go: none (ids still propagate and appear in logs), otlp, or console.',
  },
  PALISADE_OTEL_ENDPOINT: {
    schema: url({ protocols: ['http', 'https'] }).optional(),
    description: 'OTLP/HTTP collector base URL (e.g. http://otel-collector:4318); required when PALISADE_OTEL_EXPORTER=otlp.',
  },
} satisfies Record<string, ConfigVar>;

export type CommonConfigShape = typeof commonConfigShape;

export const commonConfig = defineConfig(commonConfigShape, {
  rules: [
    (c) =>
      c.PALISADE_OTEL_EXPORTER === 'otlp' && c.PALISADE_OTEL_ENDPOINT === undefined
        ? [{ variable: 'PALISADE_OTEL_ENDPOINT', message: 'is required when PALISADE_OTEL_EXPORTER=otlp' }]
        : [],
  ],
});

/**
 * The HTTP port variable of one service, to spread into its shape:
 * `extendConfig(commonConfig, { ...httpPortVar('PALISADE_GATEWAY_HTTP_PORT', 4873, 'gateway') })`.
 */
export function httpPortVar<N extends string>(name: N, defaultPort: number, service: string): { readonly [K in N]: PortVar } {
  const entry: PortVar = {
    schema: port().default(defaultPort),
    description: `TCP port the ${service} HTTP server listens on (also serves /metrics and health).`,
  };
  return { [name]: entry } as { readonly [K in N]: PortVar };
}

export type PortVar = ConfigVar<z.ZodDefault<z.ZodType<number, string>>>;
