import { duration, type ConfigVar } from '@palisade/config';

const DAY_MS = 86_400_000;

export const reconcileConfigShape = {
  PALISADE_RECONCILE_INTERVAL: {
    schema: duration({ minMs: 0, maxMs: DAY_MS }).default(60_000),
    description: 'How often (ms, or `30s`, `5m`) ingest checks that accepted versions reached their expected state and re-issues missing steps; `0` turns the periodic check off (on demand still works). One replica runs at a time.',
  },
  PALISADE_RECONCILE_OLDER_THAN: {
    schema: duration({ minMs: 1_000, maxMs: 30 * DAY_MS }).default(300_000),
    description: 'How long after its acceptance a version must have reached every step before reconciliation re-issues what is missing (ms, or `5m`).',
  },
  PALISADE_RECONCILE_LOOKBACK: {
    schema: duration({ minMs: 60_000, maxMs: 3650 * DAY_MS }).default(7 * DAY_MS),
    description: 'Reconciliation checks versions accepted within this long (ms, or `7d`); keep it shorter than the inbox and outbox retention.',
  },
} satisfies Record<string, ConfigVar>;

export interface ReconcileSettings {
  intervalMs: number;
  olderThanMs: number;
  lookbackMs: number;
}

export function reconcileSettings(config: Readonly<Record<string, unknown>>): ReconcileSettings {
  return {
    intervalMs: config.PALISADE_RECONCILE_INTERVAL as number,
    olderThanMs: config.PALISADE_RECONCILE_OLDER_THAN as number,
    lookbackMs: config.PALISADE_RECONCILE_LOOKBACK as number,
  };
}

export const RECONCILE_SETTINGS = Symbol.for('palisade.ingest.reconcile-settings');
