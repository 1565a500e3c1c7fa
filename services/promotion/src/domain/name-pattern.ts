/**
 * Package name patterns of a policy: an exact name (`lodash`), a scope (`@acme/*`), or any glob
 * where `*` stands for any run of characters (`*`, `@acme/cli-*`).
 */
export function matchesPattern(name: string, pattern: string): boolean {
  if (!pattern.includes('*')) return name === pattern;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesPattern(name, pattern));
}

/** A pattern is a non-empty string without whitespace. */
export function isNamePattern(value: unknown): value is string {
  return typeof value === 'string' && /^\S+$/.test(value);
}
