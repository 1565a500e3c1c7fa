import { RecallTrigger } from '@palisade/contracts';

/** What opened a case, as stored. */
export const TRIGGER_WORDS = ['advisory', 'rescan', 'tamper', 'manual', 'upstream-removed'] as const;
export type TriggerWord = (typeof TRIGGER_WORDS)[number];

const TO_PROTO: Record<TriggerWord, RecallTrigger> = {
  advisory: RecallTrigger.ADVISORY,
  rescan: RecallTrigger.RESCAN,
  tamper: RecallTrigger.TAMPER,
  manual: RecallTrigger.MANUAL,
  'upstream-removed': RecallTrigger.UPSTREAM_REMOVED,
};

export function triggerToProto(trigger: string): RecallTrigger {
  return TO_PROTO[trigger as TriggerWord] ?? RecallTrigger.UNSPECIFIED;
}

/**
 * Automatic cases are grouped: one open case per advisory and package, and one per package for
 * rescans, tampering and upstream removals. A later version with the same key joins the open case
 * instead of opening another. Manual cases are never grouped (undefined).
 */
export function caseGroupKey(trigger: TriggerWord, name: string, advisoryId = ''): string | undefined {
  switch (trigger) {
    case 'advisory':
      return advisoryId ? `advisory:${advisoryId}:${name}` : `rescan:${name}`;
    case 'rescan':
    case 'tamper':
    case 'upstream-removed':
      return `${trigger}:${name}`;
    case 'manual':
      return undefined;
  }
}
