import { isScalar, parseAllDocuments, visit, type Document } from 'yaml';
import { invalid, LockfileError, quote } from './errors';
import { parseCycloneDx } from './cyclonedx';
import { parseNpm } from './npm';
import { parsePnpm } from './pnpm';
import { has, isTree, get, type Tree } from './tree';
import type { LockfileHint, ParsedLockfile } from './types';
import { parseYarnBerry } from './yarn-berry';
import { parseYarnClassic } from './yarn-classic';

/** Larger content is refused before any parsing (UTF-8 bytes). */
export const MAX_LOCKFILE_BYTES = 32 * 1024 * 1024;

function unsupported(message: string): LockfileError {
  return new LockfileError('LOCKFILE_UNSUPPORTED', message);
}

function named(hint: LockfileHint | undefined): string {
  return hint?.filename ? ` (${quote(hint.filename)})` : '';
}

/** A parser's message without the excerpt of the (untrusted) input it quotes. */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] as string;
}

function parseJson(text: string, hint: LockfileHint | undefined): ParsedLockfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`lockfile${named(hint)} is not valid JSON: ${firstLine(error)}`, error);
  }
  if (!isTree(value)) throw invalid(`lockfile${named(hint)} is JSON but not an object`);
  if (get(value, 'bomFormat') === 'CycloneDX') return { format: 'cyclonedx', packages: parseCycloneDx(value) };
  if (!has(value, 'lockfileVersion')) throw unsupported(`JSON${named(hint)} is neither an npm lockfile nor a CycloneDX BOM`);
  const version = get(value, 'lockfileVersion');
  if (version === 1) {
    throw unsupported('npm lockfileVersion 1 (npm 6 and older) is not supported: regenerate package-lock.json with npm 7 or newer (lockfileVersion 2 or 3)');
  }
  if (version === 2) return { format: 'npm-v2', packages: parseNpm(value) };
  if (version === 3) return { format: 'npm-v3', packages: parseNpm(value) };
  throw unsupported(`npm lockfileVersion ${quote(String(version))} is not supported (2 and 3 are)`);
}

/** The first key that a YAML mapping repeats (a later entry would silently replace an earlier one). */
function duplicateKey(document: Document.Parsed): string | undefined {
  let found: string | undefined;
  visit(document, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue; // complex keys are refused when read
        const key = String(pair.key.value);
        if (seen.has(key)) {
          found = key;
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * YAML with the failsafe schema (every scalar a string, so `version: 1.10` stays "1.10") into Maps
 * (no key can reach a prototype). pnpm may put an environment document (pnpm's own config
 * dependencies) before the project's: the last lockfile document is the one installed.
 */
function parseYaml(text: string, hint: LockfileHint | undefined): Tree | undefined {
  let documents;
  try {
    // `uniqueKeys` compares each key with every earlier one (quadratic): duplicates are found below.
    documents = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false });
  } catch (error) {
    throw invalid(`lockfile${named(hint)} is not valid YAML: ${firstLine(error)}`, error);
  }
  if (!Array.isArray(documents)) return undefined; // empty stream
  let found: Tree | undefined;
  for (const document of documents) {
    const error = document.errors[0];
    if (error) throw invalid(`lockfile${named(hint)} is not valid YAML: ${firstLine(error)}`, error);
    const duplicate = duplicateKey(document);
    if (duplicate !== undefined) throw invalid(`lockfile${named(hint)} is not valid YAML: duplicate key ${quote(duplicate)}`);
    let value: unknown;
    try {
      value = document.toJS({ mapAsMap: true, maxAliasCount: 100 });
    } catch (cause) {
      throw invalid(`lockfile${named(hint)} is not valid YAML: ${firstLine(cause)}`, cause);
    }
    if (isTree(value) && (has(value, '__metadata') || has(value, 'lockfileVersion'))) found = value;
    else if (documents.length === 1 && !isTree(value)) throw invalid(`lockfile${named(hint)} is not a mapping`);
  }
  return found;
}

function byteLength(content: string): number {
  // Every UTF-16 unit is at least one UTF-8 byte and at most three: count only when it can matter.
  if (content.length > MAX_LOCKFILE_BYTES) return content.length;
  return content.length * 3 <= MAX_LOCKFILE_BYTES ? content.length : Buffer.byteLength(content, 'utf8');
}

/**
 * The installed registry packages of a lockfile or SBOM, the format detected from the content:
 * npm package-lock v2/v3, pnpm-lock.yaml v5/v6/v9, yarn.lock v1 and berry (2+), CycloneDX JSON.
 * Throws `LockfileError` (`LOCKFILE_UNSUPPORTED`, `LOCKFILE_INVALID`).
 */
export function parseLockfile(content: string, hint?: LockfileHint): ParsedLockfile {
  if (typeof content !== 'string') throw invalid('lockfile content is not a string');
  if (byteLength(content) > MAX_LOCKFILE_BYTES) {
    throw unsupported(`lockfile${named(hint)} is larger than ${MAX_LOCKFILE_BYTES / 1024 / 1024} MiB`);
  }
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  const start = text.trimStart();
  if (start === '') throw invalid(`lockfile${named(hint)} is empty`);
  if (start.startsWith('{') || start.startsWith('[')) return parseJson(text, hint);
  if (start.startsWith('<')) throw unsupported(`XML${named(hint)} is not supported: send a CycloneDX BOM as JSON`);

  const head = text.slice(0, 1024);
  if (/^# yarn lockfile v1\s*$/m.test(head)) {
    return { format: 'yarn-classic', packages: parseYarnClassic(text, hint?.directDependencies) };
  }
  let yamlError: unknown;
  let tree: Tree | undefined;
  try {
    tree = parseYaml(text, hint);
  } catch (error) {
    yamlError = error;
  }
  if (tree && has(tree, '__metadata')) return { format: 'yarn-berry', packages: parseYarnBerry(tree) };
  if (tree) return { format: 'pnpm', packages: parsePnpm(tree) };
  // A yarn.lock that lost its header comment is still yarn v1 (its syntax is not YAML).
  if (hint?.filename && /(^|[\\/])yarn\.lock$/.test(hint.filename)) {
    return { format: 'yarn-classic', packages: parseYarnClassic(text, hint.directDependencies) };
  }
  if (yamlError) throw yamlError;
  throw unsupported(`lockfile${named(hint)} is not a known format (npm, pnpm, yarn, CycloneDX JSON)`);
}
