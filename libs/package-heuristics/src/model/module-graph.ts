import { posix } from 'node:path';

const STATIC_REFERENCE =
  /\brequire\s*\(\s*(['"`])([^'"`\n]{1,200})\1\s*\)|\bimport\s*\(\s*(['"`])([^'"`\n]{1,200})\3\s*\)|\b(?:import|export)\b[^'"`;]{0,300}?\bfrom\s*(['"`])([^'"`\n]{1,200})\5|\bimport\s*(['"`])([^'"`\n]{1,200})\7/g;
/** File names in string literals: `spawn('node', [path.join(__dirname, 'payload.js')])` runs that file. */
const FILE_LITERAL = /(?<=['"`\s=])((?:\.{0,2}\/)?[\w@.-]+(?:\/[\w@.-]+)*\.(?:c?js|mjs|ts|sh|bash|bat|cmd|ps1|py|vbs|exe|dll|so|node|dylib))(?=['"`\s;&|),])/gi;
const RESOLVE_SUFFIXES = ['', '.js', '.cjs', '.mjs', '.json', '/index.js', '/index.cjs', '/index.mjs'];

export interface ModuleResolver {
  /** Package-relative paths of the files the tarball holds. */
  has(relativePath: string): boolean;
  /** The package's own name, for self-references (`puppeteer/internal/x.js`). */
  packageName: string;
  /** Maps a self-reference subpath through the package's `exports`, when it can. */
  resolveSelf(subpath: string): string | undefined;
}

/** Resolves a specifier written in `fromFile` to a package-relative path, or undefined. */
export function resolveSpecifier(specifier: string, fromFile: string, resolver: ModuleResolver): string | undefined {
  const bare = specifier.replace(/^node:/, '').split(/[?#]/)[0];
  let base: string | undefined;
  if (bare.startsWith('./') || bare.startsWith('../') || bare === '.' || bare === '..') {
    base = posix.normalize(posix.join(posix.dirname(fromFile), bare));
  } else if (bare === resolver.packageName || bare.startsWith(`${resolver.packageName}/`)) {
    const subpath = `.${bare.slice(resolver.packageName.length)}`;
    base = resolver.resolveSelf(subpath) ?? posix.normalize(subpath);
  } else if (bare.startsWith('/')) {
    return undefined;
  } else {
    return undefined;
  }
  return withSuffix(base.replace(/^\.\//, ''), resolver);
}

/** Resolves a file named in a string literal, first beside `fromFile`, then from the package root. */
export function resolveFileLiteral(literal: string, fromFile: string, resolver: ModuleResolver): string | undefined {
  const trimmed = literal.replace(/^\.\//, '');
  const candidates = [posix.normalize(posix.join(posix.dirname(fromFile), trimmed)), posix.normalize(trimmed)];
  return candidates.find((candidate) => !candidate.startsWith('..') && resolver.has(candidate));
}

/** Every local file `text` (written in `fromFile`) loads or names. Best effort: no evaluation. */
export function localReferences(text: string, fromFile: string, resolver: ModuleResolver): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(STATIC_REFERENCE)) {
    const specifier = match[2] ?? match[4] ?? match[6] ?? match[8];
    const resolved = specifier === undefined ? undefined : resolveSpecifier(specifier, fromFile, resolver);
    if (resolved) found.add(resolved);
  }
  for (const match of text.matchAll(FILE_LITERAL)) {
    const resolved = resolveFileLiteral(match[1], fromFile, resolver);
    if (resolved) found.add(resolved);
  }
  found.delete(fromFile);
  return [...found];
}

export function withSuffix(base: string, resolver: ModuleResolver): string | undefined {
  if (base.startsWith('..')) return undefined;
  for (const suffix of RESOLVE_SUFFIXES) {
    const candidate = posix.normalize(`${base}${suffix}`).replace(/^\.\//, '');
    if (candidate !== '.' && resolver.has(candidate)) return candidate;
  }
  return undefined;
}
