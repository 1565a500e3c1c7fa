import { posix } from 'node:path';

/*
 * npm's `bin` normalisation (@npmcli/package-json, formerly npm-normalize-package-bin), which
 * `npm publish` applies to the manifest it sends but not to the package.json it packs.
 */

/** `a\b:c` → `a/b/c`, anchored and cleaned; '' for anything that resolves to the package root or above it. */
export function secureAndUnixifyPath(ref: string): string {
  const unixify = (value: string) => value.replace(/\\|:/g, '/');
  const secured = unixify(posix.join('.', posix.join('/', unixify(ref))));
  return secured.startsWith('./') ? '' : secured;
}

/** A string bin becomes `{ <unscoped name>: path }`, an array `{ <basename>: path }`; invalid entries go. */
export function normalizePackageBin(data: Record<string, unknown>): void {
  let bin = data.bin;
  if (!bin) {
    delete data.bin;
    return;
  }
  if (typeof bin === 'string' && typeof data.name === 'string' && data.name) {
    bin = { [data.name]: bin };
  } else if (Array.isArray(bin)) {
    bin = Object.fromEntries(bin.map((target: unknown) => [posix.basename(String(target)), target]));
  }
  if (typeof bin !== 'object' || bin === null) {
    delete data.bin;
    return;
  }
  const clean: Record<string, string> = {};
  for (const [key, target] of Object.entries(bin as Record<string, unknown>)) {
    if (typeof target !== 'string') continue;
    const base = posix.basename(secureAndUnixifyPath(key));
    const path = secureAndUnixifyPath(target);
    if (base && path) clean[base] = path;
  }
  if (Object.keys(clean).length === 0) delete data.bin;
  else data.bin = clean;
}

/**
 * `directories.bin` without `bin`: npm lists that folder (glob `**`, so sub-folders too, dot
 * entries skipped) and makes each entry a bin named by its basename.
 */
export function expandBinDirectory(data: Record<string, unknown>, files: readonly string[]): boolean {
  const directories = data.directories as Record<string, unknown> | undefined;
  if (data.bin || typeof directories !== 'object' || directories === null || typeof directories.bin !== 'string' || !directories.bin) return false;
  const binPath = secureAndUnixifyPath(directories.bin);
  const prefix = binPath === '' ? '' : `${binPath}/`;
  const found = new Set<string>();
  for (const file of files) {
    if (!file.startsWith(prefix)) continue;
    const parts = file.slice(prefix.length).split('/');
    // glob `**` yields the folders on the way as well as the files
    for (let depth = 1; depth <= parts.length; depth += 1) {
      if (parts.slice(0, depth).some((part) => part.startsWith('.'))) break;
      found.add(parts.slice(0, depth).join('/'));
    }
  }
  const bin: Record<string, string> = {};
  for (const entry of found) bin[posix.basename(entry)] = `${binPath}/${secureAndUnixifyPath(entry)}`;
  data.bin = bin;
  return true;
}
