import { bool, defineConfig, int, secret, str, url, type ConfigVar } from '@palisade/config';
import { viewsConfig, viewsConfigShape } from '@palisade/platform';
import { upstreamConfig, upstreamConfigShape } from '@palisade/upstream';

export const gatewayConfigShape = {
  ...viewsConfigShape,
  PALISADE_DEFAULT_VIEW: { schema: str().default('dev'), description: 'The view `/` is an alias of.' },
  PALISADE_PUBLIC_URL: {
    schema: url({ protocols: ['http', 'https'] }).optional(),
    description: 'External base URL of the gateway (behind a proxy); by default taken from each request’s Host and X-Forwarded-* headers.',
  },
  PALISADE_OPEN_SIGNUP: { schema: bool().default(false), description: 'Let anyone create an account with `npm adduser`. Off by default.' },
  PALISADE_BOOTSTRAP_TOKEN: {
    schema: secret(str()).optional(),
    description: 'An admin token seeded at start (user `admin`), for creating the first accounts. Stored only as a hash.',
    secret: true,
  },
  PALISADE_MAX_TARBALL_BYTES: {
    schema: int({ min: 1024, max: 1024 ** 3 }).default(100 * 1024 * 1024),
    description: 'Largest tarball a publish may carry, in bytes; larger publishes get 413.',
  },
  PALISADE_DOWNLOADS_RECORD: {
    schema: bool().default(true),
    description: 'Record every tarball served (who, with which token, from which view) for recall blast radius; off only for benchmarks.',
  },
  ...upstreamConfigShape,
} satisfies Record<string, ConfigVar>;

export const gatewayConfig = defineConfig(gatewayConfigShape, {
  rules: [
    (c) => (c.PALISADE_VIEWS.includes(c.PALISADE_DEFAULT_VIEW) ? [] : [{ variable: 'PALISADE_DEFAULT_VIEW', message: `must be one of PALISADE_VIEWS (${c.PALISADE_VIEWS.join(', ')})` }]),
    ...viewsConfig.rules,
    ...upstreamConfig.rules,
  ],
});

export interface GatewaySettings {
  views: readonly string[];
  entryView: string;
  defaultView: string;
  publicUrl?: string;
  openSignup: boolean;
  bootstrapToken?: string;
  maxTarballBytes: number;
  /** Every tarball served is recorded (`download.recorded` batches) unless off. */
  recordDownloads: boolean;
}

export function gatewaySettings(config: Readonly<Record<string, unknown>>): GatewaySettings {
  const views = config.PALISADE_VIEWS as string[];
  return {
    views,
    entryView: views[0],
    defaultView: config.PALISADE_DEFAULT_VIEW as string,
    publicUrl: config.PALISADE_PUBLIC_URL as string | undefined,
    openSignup: config.PALISADE_OPEN_SIGNUP as boolean,
    bootstrapToken: config.PALISADE_BOOTSTRAP_TOKEN as string | undefined,
    maxTarballBytes: config.PALISADE_MAX_TARBALL_BYTES as number,
    recordDownloads: config.PALISADE_DOWNLOADS_RECORD !== false,
  };
}
