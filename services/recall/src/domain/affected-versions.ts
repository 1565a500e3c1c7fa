import semver from 'semver';
import { RecallError, RecallErrorCode } from './recall-error';

export interface AffectedRequest {
  /** Exact versions named by the request. */
  versions: readonly string[];
  /** A semver range; empty for none. Prereleases are included. */
  range: string;
}

/** semver order; strings that are not versions sort after every version, by text. */
export function compareVersions(a: string, b: string): number {
  const va = semver.valid(a);
  const vb = semver.valid(b);
  if (va && vb) return semver.compare(va, vb);
  if (va) return -1;
  if (vb) return 1;
  return a.localeCompare(b);
}

/**
 * The versions a manual recall covers: the exact versions requested (each must be recorded) and
 * every recorded version the range matches, prereleases included; sorted, without duplicates.
 * Refuses (RecallError) an invalid range, an unknown exact version and a request that matches
 * nothing.
 */
export function resolveAffectedVersions(known: readonly string[], request: AffectedRequest): string[] {
  const range = request.range.trim();
  const exact = request.versions.map((v) => v.trim()).filter((v) => v.length > 0);
  if (exact.length === 0 && !range) {
    throw new RecallError(RecallErrorCode.InvalidRequest, 'name the versions to recall, a version range, or both', ['versions: empty', 'version_range: empty']);
  }
  if (range && semver.validRange(range, { includePrerelease: true }) === null) {
    throw new RecallError(RecallErrorCode.InvalidRange, `"${range}" is not a semver range`, [`version_range: "${range}" is not a semver range`]);
  }
  const byNormal = new Map<string, string>();
  for (const version of known) byNormal.set(semver.valid(version) ?? version, version);
  const matched = new Set<string>();
  const missing: string[] = [];
  for (const version of exact) {
    const found = byNormal.get(semver.valid(version) ?? version);
    if (found === undefined) missing.push(version);
    else matched.add(found);
  }
  if (missing.length > 0) {
    throw new RecallError(
      RecallErrorCode.NoMatchingVersion,
      `${missing.length === 1 ? 'a requested version is' : 'requested versions are'} not recorded: ${missing.join(', ')}`,
      missing.map((v) => `versions: ${v} is not a recorded version`),
    );
  }
  if (range) {
    for (const version of known) {
      if (semver.valid(version) && semver.satisfies(version, range, { includePrerelease: true })) matched.add(version);
    }
  }
  if (matched.size === 0) {
    throw new RecallError(RecallErrorCode.NoMatchingVersion, `no recorded version matches ${range}`, [`version_range: ${range} matches none of ${known.length} recorded versions`]);
  }
  return [...matched].sort(compareVersions);
}
