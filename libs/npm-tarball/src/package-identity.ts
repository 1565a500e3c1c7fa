import * as semver from 'semver';
import validateNpmPackageName from 'validate-npm-package-name';

/**
 * Why `name` cannot be published as a new package (npm's own rules), or with `existing` cannot
 * name a package at all (names taken before today's rules are kept); empty when it can.
 */
export function validatePackageName(name: string, rules: 'new' | 'existing' = 'new'): string[] {
  const result = validateNpmPackageName(name);
  // A name taken before npm's current rules (`punycode`, capitals) is still a name for reading through.
  if (rules === 'existing' ? result.validForOldPackages : result.validForNewPackages) return [];
  const problems = [...(result.errors ?? []), ...(rules === 'new' ? (result.warnings ?? []) : [])];
  return problems.length > 0 ? problems : [`"${name}" is not a valid package name`];
}

/**
 * Why `version` is not an exact, canonical semver version; empty when it is. Canonical means
 * what npm publishes: no leading `v` or `=`, no spaces, no build metadata (npm strips it, so
 * `1.0.0+a` and `1.0.0+b` would both be `1.0.0`).
 */
export function validateVersion(version: string): string[] {
  if (version === '') return ['version is empty'];
  const canonical = semver.valid(version);
  if (canonical === version) return [];
  if (canonical === null) return [`"${version}" is not a valid semver version`];
  return [`"${version}" is not in canonical form; publish it as "${canonical}"`];
}
