import { QuarantineMode, timestampDate, type VersionQuarantined, type VersionReleased } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';

/** How a view treats a quarantined version: `warn` keeps it installable with a deprecation, `block` hides it. */
export type ServedQuarantineMode = 'warn' | 'block';

/** npm prints the message on one line; long ones only bury the point (the case id is kept whole). */
const MAX_REASON = 400;

/** A quarantine as the read model keeps it, from `version.quarantined`. */
export interface ReceivedQuarantine {
  view: string;
  name: string;
  version: string;
  /** The exact bytes; empty when the event named none (then it holds for whatever bytes the version has). */
  integrity: string;
  /** The case that caused it; empty for a quarantine outside any case. */
  recallId: string;
  mode: ServedQuarantineMode;
  /** What clients are shown, the case id included. */
  reason: string;
  at: Date;
}

/** A lifted quarantine, from `version.released`; without a case id it lifts every case's quarantine. */
export interface ReceivedRelease {
  view: string;
  name: string;
  version: string;
  integrity: string;
  recallId: string;
  at: Date;
}

/** An unspecified mode counts as block: a quarantine that cannot say how it wants to be served is served safely. */
export function servedMode(mode: QuarantineMode): ServedQuarantineMode {
  return mode === QuarantineMode.WARN ? 'warn' : 'block';
}

export function quarantineModeOf(mode: ServedQuarantineMode): QuarantineMode {
  return mode === 'warn' ? QuarantineMode.WARN : QuarantineMode.BLOCK;
}

/**
 * What npm prints for the version in that view: the recall service's reason, followed by the case
 * id when the reason does not name it already, so that every warning and refusal leads to the case.
 */
export function servedReason(reason: string, recallId: string): string {
  const text = reason.trim() || 'recalled';
  const suffix = recallId && !text.includes(recallId) ? ` (recall ${recallId})` : '';
  const room = MAX_REASON - suffix.length;
  return `${text.length > room ? `${text.slice(0, room - 1)}…` : text}${suffix}`;
}

function required(event: { name: string; version: string; view: string }, what: string): void {
  if (!event.name || !event.version || !event.view) {
    throw new PermanentError('GATEWAY_EVENT_INVALID', `${what} needs name, version and view (got ${event.name}@${event.version} in ${JSON.stringify(event.view)})`);
  }
}

export function toReceivedQuarantine(event: VersionQuarantined): ReceivedQuarantine {
  required(event, 'version.quarantined');
  return {
    view: event.view,
    name: event.name,
    version: event.version,
    integrity: event.integrity,
    recallId: event.recallId,
    mode: servedMode(event.mode),
    reason: servedReason(event.reason, event.recallId),
    at: event.quarantinedAt ? timestampDate(event.quarantinedAt) : new Date(),
  };
}

export function toReceivedRelease(event: VersionReleased): ReceivedRelease {
  required(event, 'version.released');
  return {
    view: event.view,
    name: event.name,
    version: event.version,
    integrity: event.integrity,
    recallId: event.recallId,
    at: event.releasedAt ? timestampDate(event.releasedAt) : new Date(),
  };
}
