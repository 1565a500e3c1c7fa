import semver from 'semver';
import { invalid, quote } from './errors';
import type { LockedPackage } from './types';

// npm's rules, loosely: lower or upper case (old packages), no leading dot or underscore, at most
// one scope. Anything else in a lockfile's package position is a broken or forged entry.
const NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/i;

export function isPackageName(name: string): boolean {
  return name.length <= 214 && NAME.test(name);
}

/** The exact version, normalised (`v1.0.0` → `1.0.0`), or undefined when it is not semver. */
export function exactVersion(version: string): string | undefined {
  return semver.valid(version) ?? undefined;
}

/**
 * `name@rest` → [name, rest], the name possibly scoped (`@scope/name@rest`); undefined when there is
 * no `@` after the name. Works for npm specs, yarn descriptors/locators and pnpm v6/v9 keys.
 */
export function splitAtName(spec: string): [string, string] | undefined {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return [spec.slice(0, at), spec.slice(at + 1)];
}

/** Collects packages, deduplicated by (name, version): `direct` is or-ed, the first integrity kept. */
export class PackageCollector {
  private readonly byKey = new Map<string, LockedPackage>();

  /** Adds a registry package; a name or version that is not valid makes the whole file invalid. */
  add(name: string, version: string, direct: boolean, integrity: string | undefined, where: string): void {
    if (!isPackageName(name)) throw invalid(`${where}: ${quote(name)} is not a valid package name`);
    const exact = exactVersion(version);
    if (exact === undefined) throw invalid(`${where}: ${quote(version)} is not a valid version of ${quote(name)}`);
    const key = `${name}@${exact}`;
    const known = this.byKey.get(key);
    if (known) {
      if (direct) known.direct = true;
      if (known.integrity === undefined && integrity) known.integrity = integrity;
      return;
    }
    const entry: LockedPackage = { name, version: exact, direct };
    if (integrity) entry.integrity = integrity;
    this.byKey.set(key, entry);
  }

  /** Marks an already collected package direct; false when it is not in the list. */
  markDirect(name: string, version: string): boolean {
    const exact = exactVersion(version);
    const known = exact === undefined ? undefined : this.byKey.get(`${name}@${exact}`);
    if (known) known.direct = true;
    return known !== undefined;
  }

  list(): LockedPackage[] {
    return [...this.byKey.values()].sort((a, b) =>
      a.name === b.name ? semver.compare(a.version, b.version) : a.name < b.name ? -1 : 1,
    );
  }
}

const HASH_ALGORITHMS: ReadonlyArray<[cyclonedx: string, sri: string]> = [
  ['SHA-512', 'sha512'],
  ['SHA-384', 'sha384'],
  ['SHA-256', 'sha256'],
  ['SHA-1', 'sha1'],
];

/** A hex digest as an SRI string (`sha512-<base64>`), or undefined when it is not hex. */
export function hexToSri(algorithm: string, hex: string): string | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
  return `${algorithm}-${Buffer.from(hex, 'hex').toString('base64')}`;
}

/** The strongest of CycloneDX `hashes` (`{alg, content}` hex pairs) as an SRI string. */
export function strongestHash(hashes: ReadonlyMap<string, string>): string | undefined {
  for (const [alg, sri] of HASH_ALGORITHMS) {
    const hex = hashes.get(alg);
    if (hex !== undefined) {
      const value = hexToSri(sri, hex);
      if (value) return value;
    }
  }
  return undefined;
}
