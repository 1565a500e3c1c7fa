import * as semver from 'semver';
import { expandBinDirectory, normalizePackageBin } from './package-bin';

/** The manifest fields that decide what installing a version does; they must agree with the tarball. */
export const INSTALL_FIELDS = [
  'name',
  'version',
  'scripts',
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bundleDependencies',
  'bin',
  'engines',
  'os',
  'cpu',
  'libc',
] as const;

export type InstallField = (typeof INSTALL_FIELDS)[number];

// Read by npm's normalisation to derive install fields; not compared themselves.
const INPUT_FIELDS = ['bundledDependencies', 'directories', 'gypfile'];

/**
 * The install fields of a manifest after the normalisation `npm publish` applies to the manifest
 * it sends (`npm pkg fix` steps, then `prepare`), restricted to what touches those fields. npm
 * packs package.json untouched, so the tarball's copy must go through the same steps before the
 * two can be compared; on a manifest npm already normalised the steps change nothing.
 * `files` (relative to the package root) feeds the steps that look at the package's files.
 */
export function normalizeInstallFields(manifest: Readonly<Record<string, unknown>>, files: readonly string[] = []): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of [...INSTALL_FIELDS, ...INPUT_FIELDS]) {
    if (manifest[field] !== undefined) data[field] = structuredClone(manifest[field]);
  }
  // `npm pkg fix` steps
  normalizePackageBin(data);
  fixBundleDependencies(data, false);
  if (typeof data.name === 'string') data.name = data.name.trim();
  if (typeof data.version === 'string') data.version = semver.clean(data.version, { loose: true }) ?? data.version;
  fixDependencies(data);
  fixScripts(data);
  // `prepare` steps
  addGypInstallScript(data, files);
  if (!expandBinDirectory(data, files)) normalizePackageBin(data);
  if (data.bundleDependencies === undefined && data.bundledDependencies !== undefined) data.bundleDependencies = data.bundledDependencies;
  fixBundleDependencies(data, true);
  bundleIntoDependencies(data);
  for (const field of INPUT_FIELDS) delete data[field];
  return data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `true` → every dependency; an object → its keys; `false` → `[]` (fix) or gone (prepare); junk → gone. */
function fixBundleDependencies(data: Record<string, unknown>, deleteFalse: boolean): void {
  const bundle = data.bundleDependencies;
  if (bundle === false && !deleteFalse) data.bundleDependencies = [];
  else if (bundle === true) data.bundleDependencies = Object.keys(isRecord(data.dependencies) ? data.dependencies : {});
  else if (isRecord(bundle)) data.bundleDependencies = Object.keys(bundle);
  else if (!Array.isArray(bundle)) delete data.bundleDependencies;
}

/** npm's normalize-data: bundled names must be strings, and each one is also a dependency (`*` when unlisted). */
function bundleIntoDependencies(data: Record<string, unknown>): void {
  if (!Array.isArray(data.bundleDependencies)) return;
  const names = data.bundleDependencies.filter((name): name is string => typeof name === 'string' && name !== '');
  data.bundleDependencies = names;
  if (names.length === 0) return;
  const dependencies = isRecord(data.dependencies) ? data.dependencies : {};
  for (const name of names) if (!Object.hasOwn(dependencies, name)) dependencies[name] = '*';
  data.dependencies = dependencies;
}

/** Legacy string and array forms become objects; invalid `dependencies` entries are dropped. */
function fixDependencies(data: Record<string, unknown>): void {
  for (const type of ['dependencies', 'optionalDependencies']) {
    let value = data[type];
    if (!value) continue;
    if (typeof value === 'string') value = value.trim().split(/[\n\r\s\t ,]+/);
    if (Array.isArray(value)) {
      const object: Record<string, string> = {};
      for (const item of value) {
        if (typeof item !== 'string') continue;
        const parts = item.trim().split(/(:?[@\s><=])/);
        const name = parts.shift() as string;
        object[name] = parts.join('').replace(/^@/, '').trim();
      }
      value = object;
    }
    data[type] = value;
  }
  if (!('dependencies' in data)) return;
  if (!isRecord(data.dependencies)) {
    delete data.dependencies;
    return;
  }
  for (const [name, spec] of Object.entries(data.dependencies)) if (typeof spec !== 'string') delete data.dependencies[name];
}

/** Non-string scripts go, and `node_modules/.bin/` prefixes are stripped (npm's `scriptpath`). */
function fixScripts(data: Record<string, unknown>): void {
  if (data.scripts === undefined) return;
  if (!isRecord(data.scripts)) {
    delete data.scripts;
    return;
  }
  const prefix = /^(\.[/\\])?node_modules[/\\].bin[\\/]/;
  for (const [name, script] of Object.entries(data.scripts)) {
    if (typeof script !== 'string') delete data.scripts[name];
    else data.scripts[name] = script.replace(prefix, '');
  }
}

/** A `*.gyp` file at the root implies `install: node-gyp rebuild` unless an install step exists or `gypfile: false`. */
function addGypInstallScript(data: Record<string, unknown>, files: readonly string[]): void {
  const scripts = isRecord(data.scripts) ? data.scripts : {};
  if (scripts.install || scripts.preinstall || data.gypfile === false) return;
  if (!files.some((file) => !file.includes('/') && file.endsWith('.gyp'))) return;
  data.scripts = { ...scripts, install: 'node-gyp rebuild' };
}
