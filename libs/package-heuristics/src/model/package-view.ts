import type { PackageFile } from '../types';
import { type ModuleResolver, withSuffix } from './module-graph';

export const INSTALL_HOOK_NAMES = ['preinstall', 'install', 'postinstall'] as const;
export type InstallHookName = (typeof INSTALL_HOOK_NAMES)[number];

/** A lifecycle script the package manager runs when the package is installed as a dependency. */
export interface InstallHook {
  name: InstallHookName;
  command: string;
  /** npm's default `node-gyp rebuild` for a package with a root binding.gyp and no install/preinstall. */
  implicit: boolean;
}

export const IMPLICIT_GYP_COMMAND = 'node-gyp rebuild';

/** One version of a package, indexed for the rules: paths relative to the archive's top folder. */
export interface PackageView {
  name: string;
  version: string;
  /** The archive's top folder (`package` for npm-packed tarballs). */
  root: string;
  files: ReadonlyMap<string, PackageFile>;
  manifest: Record<string, unknown>;
  /** The tarball's own package.json text, when it has one. */
  packageJsonText?: string;
  packageJson?: Record<string, unknown>;
  hooks: InstallHook[];
  resolver: ModuleResolver;
}

export function buildPackageView(name: string, version: string, manifest: Record<string, unknown>, files: readonly PackageFile[]): PackageView {
  const root = archiveRoot(files);
  const map = new Map<string, PackageFile>();
  for (const file of files) {
    const relative = relativePath(file.path, root);
    if (relative) map.set(relative, file);
  }
  const packageFile = map.get('package.json');
  const packageJsonText = packageFile?.bytes.toString('utf8');
  const packageJson = packageJsonText === undefined ? undefined : parseObject(packageJsonText);
  const hasRootGyp = map.has('binding.gyp');
  const hooks = dedupeHooks([...installHooks(manifest, hasRootGyp), ...(packageJson ? installHooks(packageJson, hasRootGyp) : [])]);
  const exportsField = (packageJson ?? manifest).exports;
  return {
    name,
    version,
    root,
    files: map,
    manifest,
    packageJsonText,
    packageJson,
    hooks,
    resolver: {
      packageName: name,
      has: (path) => map.has(path),
      resolveSelf: (subpath) => resolveExport(exportsField, subpath, (path) => withSuffix(path, { packageName: name, has: (p) => map.has(p), resolveSelf: () => undefined })),
    },
  };
}

/** The lifecycle hooks npm would run on install, including the implicit node-gyp build. `prepare` never runs for registry tarballs. */
export function installHooks(manifest: Record<string, unknown>, hasRootBindingGyp: boolean): InstallHook[] {
  const scripts = stringRecord(manifest.scripts);
  const hooks: InstallHook[] = [];
  for (const name of INSTALL_HOOK_NAMES) {
    const command = scripts[name];
    if (typeof command === 'string' && command.trim() !== '') hooks.push({ name, command, implicit: false });
  }
  const gypfileOff = manifest.gypfile === false;
  if (hasRootBindingGyp && !gypfileOff && scripts.install === undefined && scripts.preinstall === undefined) {
    hooks.push({ name: 'install', command: IMPLICIT_GYP_COMMAND, implicit: true });
  }
  return hooks;
}

export function scriptsOf(view: PackageView): Record<string, string> {
  return { ...stringRecord(view.manifest.scripts), ...stringRecord(view.packageJson?.scripts) };
}

export function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}

/** 1-based line of `"key"` in the tarball's package.json, 1 when it cannot be found. */
export function packageJsonLine(view: PackageView, key: string, value?: string): number {
  const text = view.packageJsonText;
  if (!text) return 1;
  const quotedKey = JSON.stringify(key);
  let index = value === undefined ? text.indexOf(quotedKey) : text.indexOf(`${quotedKey}: ${JSON.stringify(value)}`);
  if (index === -1) index = text.indexOf(quotedKey);
  if (index === -1) return 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

function dedupeHooks(hooks: InstallHook[]): InstallHook[] {
  const seen = new Set<string>();
  return hooks.filter((hook) => {
    const key = `${hook.name}\u0000${hook.command}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function archiveRoot(files: readonly PackageFile[]): string {
  const manifest = files.find((file) => /^[^/]+\/package\.json$/.test(file.path));
  if (manifest) return manifest.path.slice(0, manifest.path.indexOf('/'));
  const first = files[0]?.path ?? 'package/';
  return first.includes('/') ? first.slice(0, first.indexOf('/')) : 'package';
}

function relativePath(path: string, root: string): string | undefined {
  const normalised = path.replace(/\\/g, '/').replace(/^\.\//, '');
  if (normalised.startsWith(`${root}/`)) return normalised.slice(root.length + 1);
  const slash = normalised.indexOf('/');
  return slash === -1 ? normalised : normalised.slice(slash + 1);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Follows `exports` for a subpath: exact keys, `./dir/*` patterns, and the first string in condition objects. */
function resolveExport(exportsField: unknown, subpath: string, resolve: (path: string) => string | undefined): string | undefined {
  if (typeof exportsField !== 'object' || exportsField === null) return undefined;
  const entries = exportsField as Record<string, unknown>;
  const direct = entries[subpath];
  if (direct !== undefined) return firstTarget(direct, resolve);
  for (const [key, target] of Object.entries(entries)) {
    const star = key.indexOf('*');
    if (star === -1) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (!subpath.startsWith(prefix) || !subpath.endsWith(suffix)) continue;
    const middle = subpath.slice(prefix.length, subpath.length - suffix.length);
    const pattern = firstTarget(target, (path) => path);
    if (pattern) return resolve(pattern.replace('*', middle).replace(/^\.\//, ''));
  }
  return undefined;
}

function firstTarget(target: unknown, resolve: (path: string) => string | undefined): string | undefined {
  if (typeof target === 'string') return resolve(target.replace(/^\.\//, ''));
  if (typeof target === 'object' && target !== null) {
    for (const value of Object.values(target)) {
      const found = firstTarget(value, resolve);
      if (found) return found;
    }
  }
  return undefined;
}

/** The files a consumer's `require`/`import` of the package loads first (main, module, browser, exports["."]). */
export function entryFiles(view: PackageView): string[] {
  const manifest = view.packageJson ?? view.manifest;
  const candidates: string[] = [];
  candidates.push(typeof manifest.main === 'string' ? manifest.main : 'index.js');
  if (typeof manifest.module === 'string') candidates.push(manifest.module);
  if (typeof manifest.browser === 'string') candidates.push(manifest.browser);
  const exportsField = manifest.exports;
  const dot = typeof exportsField === 'string' ? exportsField : typeof exportsField === 'object' && exportsField !== null ? ((exportsField as Record<string, unknown>)['.'] ?? exportsField) : undefined;
  collectStrings(dot, candidates);
  const found = new Set<string>();
  for (const candidate of candidates) {
    const resolved = withSuffix(candidate.replace(/^\.\//, ''), view.resolver);
    if (resolved) found.add(resolved);
  }
  return [...found];
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') {
    if (value.startsWith('./')) into.push(value);
  } else if (typeof value === 'object' && value !== null) {
    for (const entry of Object.values(value)) collectStrings(entry, into);
  }
}
