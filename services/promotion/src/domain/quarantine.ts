import type { QuarantineModeName } from './policy';

/** A recall's quarantine of one version in one view, as last heard (`version.quarantined`). */
export interface QuarantineRecord {
  view: string;
  /** The bytes it is about: it holds only while they are the version's ingested bytes. */
  integrity: string;
  recallId: string;
  /** As the event said; undefined when it left the mode to the view's policy (`quarantine`). */
  mode?: QuarantineModeName;
  reason: string;
  quarantinedAt: Date;
}

/** The mode a quarantine has in its view: the event's, else the view policy's. */
export function effectiveMode(quarantine: QuarantineRecord, policyMode: QuarantineModeName): QuarantineModeName {
  return quarantine.mode ?? policyMode;
}

/** Why the view does not admit (or hides) the version, naming the recall. */
export function quarantineReason(quarantine: QuarantineRecord): string {
  const recall = quarantine.recallId ? `recall ${quarantine.recallId}` : 'a recall';
  return `quarantined in ${quarantine.view} by ${recall}${quarantine.reason ? `: ${quarantine.reason}` : ''}`;
}
