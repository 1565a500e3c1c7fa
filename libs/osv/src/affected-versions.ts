import semver from 'semver';
import type { OsvAffected, OsvEvent, OsvRange, OsvRecord } from './osv-record';

/** Reports a version string the matcher could not order (logged by the caller, never thrown). */
export type InvalidVersionListener = (problem: { advisoryId?: string; value: string; where: 'version' | 'event' }) => void;

export interface MatchOptions {
  onInvalidVersion?: InvalidVersionListener;
}

type Bound = 'introduced' | 'fixed' | 'last_affected' | 'limit';

interface OrderedEvent {
  bound: Bound;
  /** Parsed version; null for `introduced: "0"`, which sorts before every version. */
  at: semver.SemVer | null;
}

function boundOf(event: OsvEvent): [Bound, string] {
  if ('introduced' in event) return ['introduced', event.introduced];
  if ('fixed' in event) return ['fixed', event.fixed];
  if ('last_affected' in event) return ['last_affected', event.last_affected];
  return ['limit', event.limit];
}

/**
 * Strict SemVer 2.0 parse (build metadata kept but ignored by comparison, prereleases ordered by
 * SemVer precedence: `1.0.0-rc.1 < 1.0.0`). Null for anything else, e.g. `1.0` or `latest`.
 */
export function parseVersion(value: string): semver.SemVer | null {
  return semver.valid(value) === null ? null : new semver.SemVer(value);
}

/** Events in version order, `introduced: "0"` first; events that cannot be ordered are dropped. */
function orderedEvents(range: OsvRange, listener: ((value: string) => void) | undefined): OrderedEvent[] {
  const events: OrderedEvent[] = [];
  for (const event of range.events) {
    const [bound, value] = boundOf(event);
    if (bound === 'introduced' && value === '0') {
      events.push({ bound, at: null });
      continue;
    }
    if (bound === 'limit' && value === '*') continue;
    const at = parseVersion(value);
    if (at === null) {
      listener?.(value);
      continue;
    }
    events.push({ bound, at });
  }
  // Array.prototype.sort is stable: events at the same version keep the record's order.
  return events.sort((a, b) => (a.at === null ? (b.at === null ? 0 : -1) : b.at === null ? 1 : semver.compare(a.at, b.at)));
}

/**
 * The OSV "Evaluation" algorithm for one range: walk the events in version order; `introduced`
 * at or below the version opens, `fixed` at or below closes, `last_affected` below closes; a
 * range with `limit` events only applies below one of them.
 */
export function rangeAffects(range: OsvRange, version: semver.SemVer, listener?: (value: string) => void): boolean {
  if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') return false;
  const events = orderedEvents(range, listener);
  const limits = range.events.map(boundOf).filter(([bound]) => bound === 'limit');
  if (limits.length > 0) {
    const below = limits.some(([, value]) => {
      if (value === '*') return true;
      const limit = parseVersion(value);
      return limit !== null && semver.lt(version, limit);
    });
    if (!below) return false;
  }
  let affected = false;
  for (const event of events) {
    if (event.bound === 'introduced' && (event.at === null || semver.gte(version, event.at))) affected = true;
    else if (event.bound === 'fixed' && event.at !== null && semver.gte(version, event.at)) affected = false;
    else if (event.bound === 'last_affected' && event.at !== null && semver.gt(version, event.at)) affected = false;
  }
  return affected;
}

/** Whether one `affected[]` entry covers `version`: listed explicitly, or inside one of its ranges. */
export function entryAffects(entry: OsvAffected, version: string, options: MatchOptions & { advisoryId?: string } = {}): boolean {
  if ((entry.versions ?? []).includes(version)) return true;
  const parsed = parseVersion(version);
  if (parsed === null) {
    // Unorderable versions can only match the explicit list (OSV spec; never throw on them).
    options.onInvalidVersion?.({ advisoryId: options.advisoryId, value: version, where: 'version' });
    return false;
  }
  const listener = options.onInvalidVersion ? (value: string) => options.onInvalidVersion?.({ advisoryId: options.advisoryId, value, where: 'event' }) : undefined;
  return (entry.ranges ?? []).some((range) => rangeAffects(range, parsed, listener));
}

/**
 * Whether the advisory affects npm package `name` at `version`. Withdrawn records never match;
 * several `affected[]` blocks for the same package are OR-ed.
 */
export function affectsVersion(record: OsvRecord, name: string, version: string, options: MatchOptions = {}): boolean {
  if (record.withdrawn) return false;
  return (record.affected ?? []).some(
    (entry) => entry.package?.ecosystem === 'npm' && entry.package.name === name && entryAffects(entry, version, { ...options, advisoryId: record.id }),
  );
}

/** The `affected[]` entries of `record` for npm package `name`. */
export function entriesFor(record: OsvRecord, name: string): OsvAffected[] {
  return (record.affected ?? []).filter((entry) => entry.package?.ecosystem === 'npm' && entry.package.name === name);
}
