import { bool, defineConfig, duration, int, list, secret, str, url, type ConfigVar } from '@palisade/config';
import { isIpv4Cidr } from './accounts/credentials/cidr';
import { viewsConfig, viewsConfigShape } from '@palisade/platform';
import { upstreamConfig, upstreamConfigShape } from '@palisade/upstream';

export const gatewayConfigShape = {
  ...viewsConfigShape,
  PALISADE_DEFAULT_VIEW: { schema: str().default('dev'), description: 'The view `/` is an alias of.' },
  PALISADE_PUBLIC_URL: {
    schema: url({ protocols: ['http', 'https'] }).optional(),
    description: 'External base URL of the gateway (behind a proxy); by default taken from each request’s Host header (and X-Forwarded-Host/-Proto from PALISADE_TRUSTED_PROXIES).',
  },
  PALISADE_TRUSTED_PROXIES: {
    schema: list().optional(),
    description: 'Comma-separated IPv4 addresses or CIDR ranges of reverse proxies whose X-Forwarded-Host and X-Forwarded-Proto headers are believed; unset: no client’s are.',
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
  PALISADE_PACKUMENT_CACHE_MAX_BYTES: {
    schema: int({ min: 1024 * 1024, max: 64 * 1024 ** 3 }).default(256 * 1024 * 1024),
    description: 'Memory the gateway keeps rendered packuments in (bytes, counting an allowance for their compressed forms); beyond it the least recently read are dropped and rendered again when asked for.',
  },
  PALISADE_DOWNLOADS_RECORD: {
    schema: bool().default(true),
    description: 'Record every tarball served (who, with which token, from which view) for recall blast radius; off only for benchmarks.',
  },
  PALISADE_LOGIN_MAX_FAILURES_PER_ACCOUNT: {
    schema: int({ min: 1, max: 10_000 }).default(10),
    description: 'Failed password checks (logins, token creation, basic credentials) one account may get within PALISADE_LOGIN_FAILURE_WINDOW before it is locked out (429) until the window passes.',
  },
  PALISADE_LOGIN_MAX_FAILURES_PER_ADDRESS: {
    schema: int({ min: 1, max: 100_000 }).default(50),
    description: 'Failed password checks one client address may cause within PALISADE_LOGIN_FAILURE_WINDOW before it is locked out (429).',
  },
  PALISADE_LOGIN_FAILURE_WINDOW: {
    schema: duration({ minMs: 1_000, maxMs: 86_400_000 }).default(15 * 60_000),
    description: 'The window failed password checks are counted in (ms, or `15m`).',
  },
  ...upstreamConfigShape,
} satisfies Record<string, ConfigVar>;

export const gatewayConfig = defineConfig(gatewayConfigShape, {
  rules: [
    (c) => (c.PALISADE_VIEWS.includes(c.PALISADE_DEFAULT_VIEW) ? [] : [{ variable: 'PALISADE_DEFAULT_VIEW', message: `must be one of PALISADE_VIEWS (${c.PALISADE_VIEWS.join(', ')})` }]),
    (c) =>
      (c.PALISADE_TRUSTED_PROXIES ?? []).every((entry) => isIpv4Cidr(entry.includes('/') ? entry : `${entry}/32`))
        ? []
        : [{ variable: 'PALISADE_TRUSTED_PROXIES', message: 'must be IPv4 addresses or CIDR ranges (10.0.0.0/8), comma-separated' }],
    ...viewsConfig.rules,
    ...upstreamConfig.rules,
  ],
});

export interface GatewaySettings {
  views: readonly string[];
  entryView: string;
  defaultView: string;
  publicUrl?: string;
  /** CIDR ranges of the reverse proxies whose X-Forwarded-Host/-Proto are believed; empty: nobody's. */
  trustedProxies: readonly string[];
  openSignup: boolean;
  bootstrapToken?: string;
  maxTarballBytes: number;
  packumentCacheMaxBytes: number;
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
    trustedProxies: ((config.PALISADE_TRUSTED_PROXIES as string[] | undefined) ?? []).map((entry) => (entry.includes('/') ? entry : `${entry}/32`)),
    openSignup: config.PALISADE_OPEN_SIGNUP as boolean,
    bootstrapToken: config.PALISADE_BOOTSTRAP_TOKEN as string | undefined,
    maxTarballBytes: config.PALISADE_MAX_TARBALL_BYTES as number,
    packumentCacheMaxBytes: config.PALISADE_PACKUMENT_CACHE_MAX_BYTES as number,
    recordDownloads: config.PALISADE_DOWNLOADS_RECORD !== false,
  };
}
