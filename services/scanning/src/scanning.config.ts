import { defineConfig, duration, secret, str, type ConfigVar } from '@palisade/config';

export const scanningConfigShape = {
  PALISADE_OSV_SOURCE: {
    schema: str().optional(),
    description: 'OSV advisories to import (no default host): a local `all.zip`, a folder of OSV JSON files, one JSON file, or an http(s) URL of a zip or JSON (scanning).',
  },
  PALISADE_OSV_SYNC_INTERVAL: {
    schema: duration({ minMs: 60_000 }).optional(),
    description: 'How often the scanning service re-imports PALISADE_OSV_SOURCE (e.g. `1h`); unset: no scheduled mirror, imports only on demand. One replica imports at a time (PostgreSQL advisory lock).',
  },
  PALISADE_EPSS_SOURCE: {
    schema: str().optional(),
    description: 'Optional EPSS scores (FIRST `epss_scores-*.csv` or `.csv.gz`, file path or http(s) URL), imported with every advisory sync; they weigh the vulnerability risk (scanning).',
  },
  PALISADE_KEV_SOURCE: {
    schema: str().optional(),
    description: 'Optional CISA Known Exploited Vulnerabilities catalogue (`known_exploited_vulnerabilities.json`, file path or http(s) URL), imported with every advisory sync (scanning).',
  },
  PALISADE_SCANNING_ADMIN_TOKEN: {
    schema: secret(str()).optional(),
    description: 'Bearer token of the scanning admin API (advisory imports, verdict look-ups); at least 16 characters. Unset: the admin API answers 503 (scanning).',
    secret: true,
  },
} satisfies Record<string, ConfigVar>;

export const scanningConfig = defineConfig(scanningConfigShape, {
  rules: [
    (c) =>
      c.PALISADE_SCANNING_ADMIN_TOKEN !== undefined && c.PALISADE_SCANNING_ADMIN_TOKEN.length < 16
        ? [{ variable: 'PALISADE_SCANNING_ADMIN_TOKEN', message: 'must be at least 16 characters' }]
        : [],
    (c) =>
      c.PALISADE_OSV_SYNC_INTERVAL !== undefined && c.PALISADE_OSV_SOURCE === undefined
        ? [{ variable: 'PALISADE_OSV_SYNC_INTERVAL', message: 'needs PALISADE_OSV_SOURCE' }]
        : [],
  ],
});

export interface ScanningSettings {
  osvSource?: string;
  syncIntervalMs?: number;
  epssSource?: string;
  kevSource?: string;
  adminToken?: string;
}

export function scanningSettings(config: Readonly<Record<string, unknown>>): ScanningSettings {
  return {
    osvSource: config.PALISADE_OSV_SOURCE as string | undefined,
    syncIntervalMs: config.PALISADE_OSV_SYNC_INTERVAL as number | undefined,
    epssSource: config.PALISADE_EPSS_SOURCE as string | undefined,
    kevSource: config.PALISADE_KEV_SOURCE as string | undefined,
    adminToken: config.PALISADE_SCANNING_ADMIN_TOKEN as string | undefined,
  };
}
