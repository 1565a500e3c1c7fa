import { readFile } from 'node:fs/promises';
import { CliError, CliErrorCode } from '../cli-error';

/** One installed package of a package-lock.json (v2/v3 `packages`). */
export interface LockedPackage {
  name: string;
  version: string;
  /** Tarball URL the package was installed from. */
  resolved: string;
  integrity: string;
}

export interface Lockfile {
  /** Packages installed from a registry. */
  packages: LockedPackage[];
  /** `name@version` of entries without `resolved`/`integrity` (links, bundled, local): nothing to verify. */
  skipped: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the registry packages of a lockfile; the root project itself is not one of them. */
export function parseLockfile(text: string, path = 'package-lock.json'): Lockfile {
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch (e: unknown) {
    throw new CliError(CliErrorCode.Lockfile, `${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(lock) || !isObject(lock.packages)) {
    throw new CliError(CliErrorCode.Lockfile, `${path} has no "packages" (lockfileVersion 2 or 3 is needed; run npm install with npm 7 or later)`);
  }
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || !isObject(entry)) continue;
    const name = typeof entry.name === 'string' ? entry.name : path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const version = typeof entry.version === 'string' ? entry.version : '';
    if (entry.link === true || typeof entry.resolved !== 'string' || typeof entry.integrity !== 'string' || !/^https?:/.test(entry.resolved)) {
      skipped.push(version ? `${name}@${version}` : name);
      continue;
    }
    packages.push({ name, version, resolved: entry.resolved, integrity: entry.integrity });
  }
  packages.sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name.localeCompare(b.name)));
  return { packages, skipped };
}

export async function readLockfile(path: string): Promise<Lockfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    throw new CliError(CliErrorCode.Lockfile, `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseLockfile(text, path);
}

/**
 * The registry a package was installed from: its tarball URL up to the package path
 * (`http://host/dev/@s/pkg/-/pkg-1.0.0.tgz` → `http://host/dev/`), so a view prefix is kept.
 */
export function registryOf(pkg: LockedPackage): string | undefined {
  const url = new URL(pkg.resolved);
  const path = url.pathname;
  for (const form of [pkg.name, pkg.name.replace('/', '%2f'), pkg.name.replace('/', '%2F')]) {
    const at = path.indexOf(`/${form}/-/`);
    if (at >= 0) return `${url.origin}${path.slice(0, at)}/`;
  }
  return undefined;
}
