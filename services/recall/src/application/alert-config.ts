import { defineConfig, duration, int, list, secret, str, type ConfigProblem, type ConfigVar } from '@palisade/config';
import { parseAlertWebhooks, type AlertWebhook } from '../domain/alert-webhooks';

/** The recall service's alert log and webhook settings; merged into the recall config. */
export const alertConfigShape = {
  PALISADE_ALERT_WEBHOOKS: {
    schema: list().optional(),
    description:
      'Comma-separated webhooks every alert is POSTed to as CloudEvents JSON, signed with PALISADE_ALERT_WEBHOOK_SECRET: `<url>` or `<url>|<subject filter>` (e.g. `https://hooks.internal/sec|alerts.security.>`); http(s) only. Unset: no webhooks (recall).',
  },
  PALISADE_ALERT_WEBHOOK_SECRET: {
    schema: secret(str()).optional(),
    description: 'HMAC-SHA256 key of the `x-palisade-signature` header of webhook deliveries; at least 16 characters, required when PALISADE_ALERT_WEBHOOKS is set. Never logged (recall).',
    secret: true,
  },
  PALISADE_ALERT_WEBHOOK_MAX_ATTEMPTS: {
    schema: int({ min: 1, max: 100 }).default(8),
    description: 'Attempts per webhook delivery before it is given up as `failed` (recall).',
  },
  PALISADE_ALERT_WEBHOOK_BACKOFF: {
    schema: duration({ minMs: 10, maxMs: 3_600_000 }).default(1_000),
    description: 'Wait after the first failed webhook attempt, doubled after each further failure up to PALISADE_ALERT_WEBHOOK_MAX_BACKOFF (ms, or 1s) (recall).',
  },
  PALISADE_ALERT_WEBHOOK_MAX_BACKOFF: {
    schema: duration({ minMs: 10, maxMs: 86_400_000 }).default(300_000),
    description: 'Longest wait between two attempts of a webhook delivery (ms, or 5m) (recall).',
  },
} satisfies Record<string, ConfigVar>;

type AlertVariable = keyof typeof alertConfigShape;

type AlertConfigValues = {
  PALISADE_ALERT_WEBHOOKS?: string[];
  PALISADE_ALERT_WEBHOOK_SECRET?: string;
  PALISADE_ALERT_WEBHOOK_BACKOFF: number;
  PALISADE_ALERT_WEBHOOK_MAX_BACKOFF: number;
};

/** Rules across the alert variables; add them to the recall config's rules. */
export const alertConfigRules = [
  (c: AlertConfigValues): ConfigProblem<AlertVariable>[] => {
    const problems: ConfigProblem<AlertVariable>[] = [];
    const entries = c.PALISADE_ALERT_WEBHOOKS ?? [];
    for (const message of parseAlertWebhooks(entries).problems) problems.push({ variable: 'PALISADE_ALERT_WEBHOOKS', message });
    if (entries.length > 0 && c.PALISADE_ALERT_WEBHOOK_SECRET === undefined) {
      problems.push({ variable: 'PALISADE_ALERT_WEBHOOK_SECRET', message: 'is required when PALISADE_ALERT_WEBHOOKS is set' });
    }
    if (c.PALISADE_ALERT_WEBHOOK_SECRET !== undefined && c.PALISADE_ALERT_WEBHOOK_SECRET.length < 16) {
      problems.push({ variable: 'PALISADE_ALERT_WEBHOOK_SECRET', message: 'must be at least 16 characters' });
    }
    if (c.PALISADE_ALERT_WEBHOOK_MAX_BACKOFF < c.PALISADE_ALERT_WEBHOOK_BACKOFF) {
      problems.push({ variable: 'PALISADE_ALERT_WEBHOOK_MAX_BACKOFF', message: 'must not be shorter than PALISADE_ALERT_WEBHOOK_BACKOFF' });
    }
    return problems;
  },
] as const;

export interface AlertSettings {
  webhooks: readonly AlertWebhook[];
  /** Present whenever `webhooks` is not empty (the config refuses otherwise). */
  secret: string | undefined;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Per attempt, connect to last byte. */
  timeoutMs: number;
  /** How often the delivery worker looks for due deliveries (it is also woken by each new alert). */
  pollIntervalMs: number;
}

export function alertSettings(config: Readonly<Record<string, unknown>>): AlertSettings {
  const backoffMs = config.PALISADE_ALERT_WEBHOOK_BACKOFF as number;
  return {
    webhooks: parseAlertWebhooks((config.PALISADE_ALERT_WEBHOOKS as string[] | undefined) ?? []).webhooks,
    secret: config.PALISADE_ALERT_WEBHOOK_SECRET as string | undefined,
    maxAttempts: config.PALISADE_ALERT_WEBHOOK_MAX_ATTEMPTS as number,
    backoffMs,
    maxBackoffMs: config.PALISADE_ALERT_WEBHOOK_MAX_BACKOFF as number,
    timeoutMs: 10_000,
    // A retry is looked for no later than it is due (short backoffs), and at least every second.
    pollIntervalMs: Math.min(1_000, backoffMs),
  };
}

/** Injection token of the parsed `AlertSettings`. */
export const ALERT_SETTINGS = Symbol.for('palisade.recall.alert-settings');

/** The alert variables and their rules as one definition (for `extendConfig`, or on their own in tests). */
export const alertConfig = defineConfig(alertConfigShape, { rules: [...alertConfigRules] });
