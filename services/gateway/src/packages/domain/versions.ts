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
 * view, one a recall quarantines with `block` in this view is not served by this view.
 */
export function visibleVersions(record: PackageRecord, view: string): VersionRecord[] {
  const admitted = record.admissions.get(view);
  if (!admitted || admitted.size === 0) return [];
  return record.versions
    .filter((v) => admitted.has(v.version) && v.verdict !== 'block' && v.quarantines?.get(view)?.mode !== 'block')
    .sort((a, b) => compareVersions(a.version, b.version));
}
