import { invalid, quote } from './errors';
import { hexToSri, PackageCollector, splitAtName } from './packages';
import type { LockedPackage } from './types';

/** A parsed yarn v1 block: a string value or a nested block. Maps only, so no key reaches a prototype. */
export type YarnClassicBlock = Map<string, string | YarnClassicBlock>;

type Token = { kind: 'string'; value: string } | { kind: 'colon' } | { kind: 'comma' };

function tokenize(text: string, lineNo: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ') {
      i += 1;
    } else if (c === ':') {
      tokens.push({ kind: 'colon' });
      i += 1;
    } else if (c === ',') {
      tokens.push({ kind: 'comma' });
      i += 1;
    } else if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) throw invalid(`yarn.lock line ${lineNo}: unterminated string`);
      let value: unknown;
      try {
        value = JSON.parse(text.slice(i, end + 1));
      } catch (error) {
        throw invalid(`yarn.lock line ${lineNo}: bad string escape`, error);
      }
      tokens.push({ kind: 'string', value: value as string });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !' :,'.includes(text[end] as string)) end += 1;
      tokens.push({ kind: 'string', value: text.slice(i, end) });
      i = end;
    }
  }
  return tokens;
}

/**
 * Yarn v1's own format (not YAML): `key value` lines and `key1, key2:` blocks, nesting by two-space
 * indentation, `#` comment lines. Several keys of one block share one Map.
 */
export function parseYarnClassicText(content: string): YarnClassicBlock {
  const root: YarnClassicBlock = new Map();
  const stack: Array<{ indent: number; block: YarnClassicBlock }> = [{ indent: -1, block: root }];
  const lines = content.split(/\r?\n/);
  for (let n = 0; n < lines.length; n += 1) {
    const line = (lines[n] as string).trimEnd();
    const lineNo = n + 1;
    const indent = line.length - line.trimStart().length;
    const text = line.slice(indent);
    if (text === '' || text.startsWith('#')) continue;
    if (/[^ ]/.test(line.slice(0, indent))) throw invalid(`yarn.lock line ${lineNo}: indentation must be spaces`);
    while ((stack[stack.length - 1] as { indent: number }).indent >= indent) stack.pop();
    const parent = (stack[stack.length - 1] as { block: YarnClassicBlock }).block;
    if (stack.length === 1 && indent !== 0) throw invalid(`yarn.lock line ${lineNo}: unexpected indentation`);

    const tokens = tokenize(text, lineNo);
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'colon') {
      // `key1, key2:` opens a block shared by every key.
      const keys: string[] = [];
      for (let t = 0; t < tokens.length - 1; t += 1) {
        const token = tokens[t] as Token;
        const expectKey = t % 2 === 0;
        if (expectKey ? token.kind !== 'string' : token.kind !== 'comma') throw invalid(`yarn.lock line ${lineNo}: malformed key list`);
        if (token.kind === 'string') keys.push(token.value);
      }
      if (keys.length === 0 || tokens.length % 2 !== 0) throw invalid(`yarn.lock line ${lineNo}: malformed key list`);
      const block: YarnClassicBlock = new Map();
      for (const key of keys) parent.set(key, block);
      stack.push({ indent, block });
    } else {
      const [key, value, ...rest] = tokens;
      if (key?.kind !== 'string' || value?.kind !== 'string' || rest.length > 0 || stack.length === 1) {
        throw invalid(`yarn.lock line ${lineNo}: expected "key value"`);
      }
      parent.set(key.value, value.value);
    }
  }
  return root;
}

/**
 * A pattern's range from a registry: a semver range or tag (`^1.0.0`, `latest`, empty) or an
 * `npm:name@range` alias. Protocols (`file:`, `link:`, `git+…`, `https:`, `github:`) and paths or
 * `user/repo` shorthands (they contain `/`) are other sources.
 */
function registryName(pattern: string): string | undefined {
  const split = splitAtName(pattern);
  const [name, range] = split ?? [pattern, ''];
  if (range.startsWith('npm:')) {
    const aliased = splitAtName(range.slice(4));
    if (aliased) return registryName(range.slice(4)) === undefined ? undefined : aliased[0];
    return range.slice(4);
  }
  return range.includes(':') || range.includes('/') ? undefined : name;
}

/** The `#<sha1 hex>` suffix of `resolved`, as an SRI string (yarn < 1.10 wrote no `integrity`). */
function sha1FromResolved(resolved: string | undefined): string | undefined {
  const hash = resolved?.match(/#([0-9a-f]{40})$/i)?.[1];
  return hash === undefined ? undefined : hexToSri('sha1', hash);
}

export function parseYarnClassic(content: string, directDependencies: readonly string[] = []): LockedPackage[] {
  const root = parseYarnClassicText(content);
  const directNames = new Set<string>();
  const directPatterns = new Set<string>();
  for (const dependency of Array.isArray(directDependencies) ? directDependencies : []) {
    if (typeof dependency === 'string') (splitAtName(dependency) ? directPatterns : directNames).add(dependency);
  }

  const patternsOf = new Map<YarnClassicBlock, string[]>();
  for (const [pattern, block] of root) {
    if (typeof block === 'string') throw invalid(`yarn.lock entry ${quote(pattern)} is not a block`);
    const patterns = patternsOf.get(block) ?? [];
    patterns.push(pattern);
    patternsOf.set(block, patterns);
  }

  const collector = new PackageCollector();
  for (const [block, patterns] of patternsOf) {
    const where = `yarn.lock entry ${quote(patterns.join(', '))}`;
    const names = patterns.map(registryName).filter((name): name is string => name !== undefined);
    if (names.length === 0) continue; // file:, link:, git, tarball URL
    const field = (key: string): string | undefined => {
      const value = block.get(key);
      if (value !== undefined && typeof value !== 'string') throw invalid(`${where}: ${key} is not a string`);
      return value;
    };
    const version = field('version');
    if (version === undefined) throw invalid(`${where} has no version`);
    const direct = patterns.some((pattern) => directPatterns.has(pattern) || directNames.has(splitAtName(pattern)?.[0] ?? pattern));
    collector.add(names[0] as string, version, direct, field('integrity') ?? sha1FromResolved(field('resolved')), where);
  }
  return collector.list();
}
