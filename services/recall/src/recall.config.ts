import { defineConfig, duration, type ConfigVar } from '@palisade/config';
import { alertConfigRules, alertConfigShape } from './application/alert-config';
import { recallRetentionConfigShape } from './recall-retention';

export const recallConfigShape = {
  PALISADE_RECALL_TICK_INTERVAL: {
    schema: duration({ minMs: 10, maxMs: 3_600_000 }).default(5_000),
    description:
      'How often the recall service looks for expired waivers and puts their quarantine back (ms, or 500ms, 5s, 1m). Several replicas may run; one acts per tick (PostgreSQL advisory lock) (recall).',
  },
} satisfies Record<string, ConfigVar>;

export const recallConfig = defineConfig({ ...recallConfigShape, ...alertConfigShape, ...recallRetentionConfigShape }, { rules: [...alertConfigRules] });

export interface RecallSettings {
  tickIntervalMs: number;
}

export function recallSettings(config: Readonly<Record<string, unknown>>): RecallSettings {
  return { tickIntervalMs: config.PALISADE_RECALL_TICK_INTERVAL as number };
}

/** Injection token of the parsed `RecallSettings`. */
export const RECALL_SETTINGS = Symbol.for('palisade.recall.settings');
