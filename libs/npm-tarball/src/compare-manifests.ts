import npa from 'npm-package-arg';
import { INSTALL_FIELDS, normalizeInstallFields, type InstallField } from './install-fields';

export interface CompareManifestsOptions {
  /** Regular files of the tarball, relative to its root (`TarballInspection.files`): npm derives `bin` and gyp install scripts from them. */
  files?: readonly string[];
}

const MAP_FIELDS: ReadonlySet<InstallField> = new Set(['scripts', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines']);
const DEPENDENCY_FIELDS: ReadonlySet<InstallField> = new Set(['dependencies', 'optionalDependencies', 'peerDependencies']);
// Lists whose order means nothing to npm.
const SET_FIELDS: ReadonlySet<InstallField> = new Set(['os', 'cpu', 'libc', 'bundleDependencies']);
const SHOWN_CHARS = 120;

/**
 * Every disagreement between the manifest a client published and the package.json inside its
 * tarball, over the fields that decide what an install does (name, version, scripts, every kind
 * of dependency, bin, engines, os, cpu, libc). A client shows and runs the published manifest
 * while the installed files carry the other one ("manifest confusion"), so any difference is a
 * problem. Both sides are normalised as `npm publish` normalises its manifest first, so an
 * honest `npm publish` always agrees. Empty means they agree.
 */
export function compareManifests(published: Readonly<Record<string, unknown>>, fromTarball: Readonly<Record<string, unknown>>, options: CompareManifestsOptions = {}): string[] {
  const left = normalizeInstallFields(published, options.files);
  const right = normalizeInstallFields(fromTarball, options.files);
  const problems: string[] = [];
  for (const field of INSTALL_FIELDS) {
    const a = emptyToAbsent(left[field]);
    const b = emptyToAbsent(right[field]);
    if (MAP_FIELDS.has(field) && isRecord(a ?? {}) && isRecord(b ?? {})) {
      problems.push(...compareMaps(field, (a ?? {}) as Record<string, unknown>, (b ?? {}) as Record<string, unknown>));
    } else if (!sameValue(field, a, b)) {
      problems.push(describe(field, a, b));
    }
  }
  return problems;
}

function compareMaps(field: InstallField, a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((key) => !(DEPENDENCY_FIELDS.has(field) ? sameDependency(key, a[key], b[key]) : canonical(a[key]) === canonical(b[key])))
    .map((key) => describe(`${field}.${key}`, a[key], b[key]));
}

function sameValue(field: InstallField, a: unknown, b: unknown): boolean {
  if (SET_FIELDS.has(field) && Array.isArray(a) && Array.isArray(b)) {
    return canonical([...a].map(canonical).sort()) === canonical([...b].map(canonical).sort());
  }
  return canonical(a) === canonical(b);
}

/**
 * Specs are compared as written, except git specs of a known host, which npm rewrites when it
 * publishes (`user/repo` → `github:user/repo`): those agree when host, repository, committish,
 * semver range and sub-directory all agree.
 */
function sameDependency(name: string, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return canonical(a) === canonical(b);
  const left = hostedIdentity(name, a);
  return left !== null && left === hostedIdentity(name, b);
}

function hostedIdentity(name: string, spec: string): string | null {
  try {
    const parsed = npa.resolve(name, spec);
    const hosted = parsed.hosted;
    if (parsed.type !== 'git' || !hosted) return null;
    return JSON.stringify([hosted.type, hosted.user, hosted.project, parsed.gitCommittish ?? null, parsed.gitRange ?? null, parsed.gitSubdir ?? null]);
  } catch {
    // an unparsable spec only ever equals itself, which was checked first
    return null;
  }
}

function emptyToAbsent(value: unknown): unknown {
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (isRecord(value) && Object.keys(value).length === 0) return undefined;
  return value;
}

function describe(path: string, published: unknown, tarball: unknown): string {
  return `${path}: the published manifest has ${show(published)}, the tarball's package.json has ${show(tarball)}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted, so key order never counts as a difference. */
function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, inner: unknown) =>
    isRecord(inner) ? Object.fromEntries(Object.keys(inner).sort().map((key) => [key, inner[key]])) : inner,
  );
}
