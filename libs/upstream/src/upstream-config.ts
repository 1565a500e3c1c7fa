import { bool, defineConfig, duration, list, oneOf, str, url, type ConfigVar } from '@palisade/config';

export const UPSTREAM_SIGNATURE_MODES = ['if-present', 'required'] as const;
export type UpstreamSignatureMode = (typeof UPSTREAM_SIGNATURE_MODES)[number];

/**
 * The read-through cache's settings, read by ingest (packuments, keys) and the gateway (which
 * names may go upstream, tarballs): one definition, so both always agree.
 */
export const upstreamConfigShape = {
  PALISADE_UPSTREAM_URL: {
    schema: url({ protocols: ['http', 'https'] }).optional(),
    description: 'Base URL of the upstream npm registry Palisade reads through (no default: unset means no read-through, only local packages).',
  },
  PALISADE_UPSTREAM_SIGNATURES: {
    schema: oneOf(UPSTREAM_SIGNATURE_MODES).default('if-present'),
    description:
      '`if-present`: verify upstream registry signatures where the upstream signs and accept unsigned versions as integrity-only; `required`: refuse versions without a valid upstream signature.',
  },
  PALISADE_UPSTREAM_KEYS: {
    schema: str().optional(),
    description:
      'Path of a JSON file that pins the upstream signing keys, shaped like the upstream’s `/-/npm/v1/keys`. Unset: fetched once from the upstream and stored; a later change is an alert, never trusted silently.',
  },
  PALISADE_UPSTREAM_TIMEOUT: {
    schema: duration({ minMs: 100, maxMs: 600_000 }).default(10_000),
    description: 'How long one upstream request may take (connect, headers, body gaps) before the cache is served instead.',
  },
  PALISADE_UPSTREAM_MAX_AGE: {
    schema: duration({ minMs: 0, maxMs: 7 * 24 * 3_600_000 }).default(300_000),
    description: 'How old a cached upstream packument may be before a request revalidates it with the upstream (conditional request, in the background).',
  },
  PALISADE_UPSTREAM_OFFLINE: {
    schema: bool().default(false),
    description: 'Serve the cache only: never contact the upstream (names not cached answer 404).',
  },
  PALISADE_INTERNAL_SCOPES: {
    schema: list().optional(),
    description: 'Scopes that are internal, comma-separated (e.g. `@acme,@acme-tools`): names in them are never resolved upstream.',
  },
} satisfies Record<string, ConfigVar>;

export const upstreamConfig = defineConfig(upstreamConfigShape, {
  rules: [
    (c) =>
      (c.PALISADE_INTERNAL_SCOPES ?? []).every((scope) => /^@[a-z0-9][a-z0-9._~-]*$/.test(scope))
        ? []
        : [{ variable: 'PALISADE_INTERNAL_SCOPES', message: 'must be npm scopes such as @acme (lower case, leading @)' }],
  ],
});

export interface UpstreamSettings {
  /** Base URL without a trailing slash; undefined when read-through is off. */
  url?: string;
  signatures: UpstreamSignatureMode;
  pinnedKeysFile?: string;
  timeoutMs: number;
  maxAgeMs: number;
  offline: boolean;
  internalScopes: readonly string[];
}

export function upstreamSettings(config: Readonly<Record<string, unknown>>): UpstreamSettings {
  const base = config.PALISADE_UPSTREAM_URL as string | undefined;
  const keys = config.PALISADE_UPSTREAM_KEYS as string | undefined;
  return {
    ...(base ? { url: base.replace(/\/+$/, '') } : {}),
    signatures: config.PALISADE_UPSTREAM_SIGNATURES as UpstreamSignatureMode,
    ...(keys ? { pinnedKeysFile: keys } : {}),
    timeoutMs: config.PALISADE_UPSTREAM_TIMEOUT as number,
    maxAgeMs: config.PALISADE_UPSTREAM_MAX_AGE as number,
    offline: config.PALISADE_UPSTREAM_OFFLINE as boolean,
    internalScopes: (config.PALISADE_INTERNAL_SCOPES as string[] | undefined) ?? [],
  };
}

/** Injection token of the parsed `UpstreamSettings`. */
export const UPSTREAM_SETTINGS = Symbol.for('palisade.upstream.settings');
