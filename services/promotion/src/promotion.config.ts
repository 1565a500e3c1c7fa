import { duration, extendConfig, str } from '@palisade/config';
import { viewsConfig } from '@palisade/platform';

export const promotionConfig = extendConfig(viewsConfig, {
  PALISADE_POLICY_FILE: {
    schema: str().optional(),
    description:
      'YAML file with the promotion policy of every view and the approval teams, loaded at start (a changed file becomes a new policy version). Unset: the built-in policy (see README "Promotion").',
  },
  PALISADE_PROMOTION_REEVALUATE_INTERVAL: {
    schema: duration({ minMs: 10, maxMs: 3_600_000 }).default(60_000),
    description: 'How often the promotion service re-evaluates time-based rules (minimum age) and versions not yet decided under the current policy, without waiting for an event (ms, or 500ms, 30s, 5m).',
  },
});

export interface PromotionSettings {
  views: readonly string[];
  policyFile?: string;
  reevaluateIntervalMs: number;
}

export function promotionSettings(config: Readonly<Record<string, unknown>>): PromotionSettings {
  return {
    views: config.PALISADE_VIEWS as string[],
    ...(config.PALISADE_POLICY_FILE ? { policyFile: config.PALISADE_POLICY_FILE as string } : {}),
    reevaluateIntervalMs: config.PALISADE_PROMOTION_REEVALUATE_INTERVAL as number,
  };
}

/** Injection token of the parsed `PromotionSettings`. */
export const PROMOTION_SETTINGS = Symbol.for('palisade.promotion.settings');
