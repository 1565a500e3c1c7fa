import { invalid, quote } from './errors';

/**
 * A parsed mapping: a `Map` (YAML, parsed with `mapAsMap`, and the yarn classic parser) or a plain
 * object (JSON.parse). Only own entries are ever read, so a `__proto__` key is just a key.
 */
export type Tree = ReadonlyMap<unknown, unknown> | { readonly [key: string]: unknown };

export function isTree(value: unknown): value is Tree {
  if (value instanceof Map) return true;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Set);
}

export function get(tree: Tree, key: string): unknown {
  if (tree instanceof Map) return tree.get(key);
  const record = tree as { readonly [key: string]: unknown };
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function has(tree: Tree, key: string): boolean {
  return tree instanceof Map ? tree.has(key) : Object.hasOwn(tree, key);
}

/** Own entries; a non-string key (a YAML complex key) makes the file invalid. */
export function entries(tree: Tree, where: string): Array<[string, unknown]> {
  if (!(tree instanceof Map)) return Object.entries(tree as { readonly [key: string]: unknown });
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of tree) {
    if (typeof key !== 'string') throw invalid(`${where} has a key that is not a string`);
    out.push([key, value]);
  }
  return out;
}

/** A child mapping, absent → undefined, present but not a mapping → LOCKFILE_INVALID. */
export function optionalTree(tree: Tree, key: string, where: string): Tree | undefined {
  const value = get(tree, key);
  if (value === undefined || value === null) return undefined;
  if (!isTree(value)) throw invalid(`${where}.${key} is not a mapping`);
  return value;
}

/** A string field, absent → undefined, present but not a string → LOCKFILE_INVALID. */
export function optionalString(tree: Tree, key: string, where: string): string | undefined {
  const value = get(tree, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${where}: ${quote(key)} is not a string`);
  return value;
}
