import * as semver from 'semver';
import type { PackageRecord, VersionRecord } from './package-record';

/** Semver order; versions ingest let through are valid, but a stray one must not break a sort. */
export function compareVersions(a: string, b: string): number {
  const validA = semver.valid(a, true);
  const validB = semver.valid(b, true);
  if (validA && validB) return semver.compare(validA, validB, true);
  if (validA) return 1;
  if (validB) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isPrerelease(version: string): boolean {
  return (semver.prerelease(version, true)?.length ?? 0) > 0;
}

/** The highest stable version, else the highest of all (npm's idea of a sensible `latest`). */
export function highestPreferringStable(versions: readonly string[]): string | undefined {
  const sorted = [...versions].sort(compareVersions);
  const stable = sorted.filter((v) => !isPrerelease(v));
  return stable.at(-1) ?? sorted.at(-1);
}

/**
 * The versions a view serves, in ascending semver order: a version a scan blocked is served by no
 * view, one a recall quarantines with `block` in this view is not served by this view. A view that
 * judges upstream versions on demand (`listsUnjudged`) also lists those not judged yet, unless its
 * policy refused them: a client asks for a document, so it must see every version it may get.
 */
export function visibleVersions(record: PackageRecord, view: string, listsUnjudged = false): VersionRecord[] {
  const admitted = record.admissions.get(view) ?? new Set<string>();
  const listed = (v: VersionRecord) => admitted.has(v.version) || (listsUnjudged && v.fromUpstream === true && !v.dismissedIn?.has(view));
  return record.versions
    .filter((v) => listed(v) && v.verdict !== 'block' && v.quarantines?.get(view)?.mode !== 'block')
    .sort((a, b) => compareVersions(a.version, b.version));
}
