/**
 * Package names as they appear in paths: `@scope%2fname` (npm), `@scope%2Fname`, or a literal
 * `@scope/name`. One group for either form, to splice into route patterns.
 */
export const PACKAGE_NAME = String.raw`(?<name>@[^/]+(?:%2[fF]|/)[^/]+|[^@/][^/]*)`;

/** The real name from its path form (`@scope%2fname` → `@scope/name`). */
export function decodePackageName(raw: string): string {
  return decodeURIComponent(raw);
}

/** The path form npm uses for a packument URL. */
export function escapePackageName(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

/** `@scope/pkg` → `pkg`: tarball file names carry the name without its scope. */
export function unscopedName(name: string): string {
  return name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
}

export function scopeOf(name: string): string | undefined {
  return name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
}
