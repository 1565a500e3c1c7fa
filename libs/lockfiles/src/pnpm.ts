import { invalid, LockfileError, quote } from './errors';
import { exactVersion, PackageCollector, splitAtName } from './packages';
import { entries, get, has, isTree, optionalString, optionalTree, type Tree } from './tree';
import type { LockedPackage } from './types';

const DIRECT_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];

/** `1.0.0(react@18.0.0)` (v6, v9) or `1.0.0_react@18.0.0` (v5) → `1.0.0`; semver has neither character. */
function withoutPeerSuffix(version: string): string {
  const cut = version.search(/[(_]/);
  return cut < 0 ? version : version.slice(0, cut);
}

/**
 * A package key or aliased reference → [name, version], undefined when it does not name a registry
 * version (`file:…`, `link:…`, git and tarball URLs, `github.com/…`):
 * v9 `name@1.0.0(peer@1.0.0)`, v6 `/name@1.0.0(…)`, v5 `/name/1.0.0_peer@1.0.0`, `/@scope/name/1.0.0`.
 */
function parseDepPath(key: string, major: number): [string, string] | undefined {
  const path = key.startsWith('/') ? key.slice(1) : key;
  if (major <= 5) {
    const parts = path.split('/');
    const scoped = parts[0]?.startsWith('@') ?? false;
    if (parts.length !== (scoped ? 3 : 2)) return undefined;
    const name = scoped ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
    const version = exactVersion(withoutPeerSuffix(parts[parts.length - 1] as string));
    return version === undefined ? undefined : [name, version];
  }
  const split = splitAtName(path);
  if (!split) return undefined;
  const version = exactVersion(withoutPeerSuffix(split[1]));
  return version === undefined ? undefined : [split[0], version];
}

/** Only an integrity-only resolution says "registry"; tarball/git/directory ones are other sources. */
function isPlainRegistryResolution(resolution: unknown): boolean {
  if (!isTree(resolution)) return false;
  return has(resolution, 'integrity') && !has(resolution, 'tarball') && !has(resolution, 'type') && !has(resolution, 'directory') && !has(resolution, 'commit');
}

function isLocalResolution(resolution: Tree, where: string): boolean {
  const type = optionalString(resolution, 'type', where);
  if (type === 'git' || type === 'directory' || has(resolution, 'directory') || has(resolution, 'gitHosted')) return true;
  const tarball = optionalString(resolution, 'tarball', where);
  return tarball !== undefined && !/^https?:\/\//i.test(tarball);
}

function lockfileMajor(lock: Tree): number {
  const raw = get(lock, 'lockfileVersion');
  const major = typeof raw === 'string' ? Number.parseInt(raw, 10) : Number.NaN;
  if (major === 5 || major === 6 || major === 7 || major === 9) return major;
  throw new LockfileError('LOCKFILE_UNSUPPORTED', `pnpm lockfileVersion ${quote(String(raw))} is not supported (5.x, 6.x and 9.x are)`);
}

/** Reads `packages` (its keys name every installed registry package) and marks importers['.']'s references direct. */
export function parsePnpm(lock: Tree): LockedPackage[] {
  const major = lockfileMajor(lock);
  const collector = new PackageCollector();

  const packages = optionalTree(lock, 'packages', 'pnpm-lock');
  for (const [key, entry] of packages ? entries(packages, 'packages') : []) {
    const where = `packages[${quote(key)}]`;
    if (!isTree(entry)) throw invalid(`${where} is not a mapping`);
    const resolution = optionalTree(entry, 'resolution', where);
    if (resolution && isLocalResolution(resolution, where)) continue;
    const parsed = parseDepPath(key, major);
    if (!parsed) {
      // A key that names no version is fine for other sources, not for a plain registry entry.
      if (isPlainRegistryResolution(resolution)) throw invalid(`${where} names no package version`);
      continue;
    }
    const integrity = resolution ? optionalString(resolution, 'integrity', where) : undefined;
    collector.add(parsed[0], parsed[1], false, integrity, where);
  }

  // Non-workspace v5 lockfiles keep the root's dependencies at the top level.
  const importers = optionalTree(lock, 'importers', 'pnpm-lock');
  const root = importers ? optionalTree(importers, '.', 'importers') : lock;
  for (const field of DIRECT_FIELDS) {
    const deps = root ? optionalTree(root, field, 'importers["."]') : undefined;
    for (const [alias, value] of deps ? entries(deps, field) : []) {
      const reference = isTree(value) ? get(value, 'version') : value;
      if (typeof reference !== 'string') throw invalid(`importers["."].${field}[${quote(alias)}] has no version`);
      const plain = exactVersion(withoutPeerSuffix(reference));
      const target: [string, string] | undefined = plain !== undefined ? [alias, plain] : parseDepPath(reference, major);
      if (target) collector.markDirect(target[0], target[1]);
    }
  }
  return collector.list();
}
