import { MIN_BASE64_BLOB, findEncodedBlobs } from '../model/decoded-blobs';
import type { SignalMatch, SourceFile } from '../model/source-file';
import { DECODE_PATTERNS, DYNAMIC_CODE_SINK, EXEC_CALL, NETWORK } from './capabilities';
import { detect, mentions } from './detector';

const ENCODED_ARGUMENT = new RegExp(String.raw`['"\x60](?:[A-Za-z0-9+/]{${MIN_BASE64_BLOB},}={0,2}|(?:[0-9a-fA-F]{2}){80,}|(?:\\x[0-9a-fA-F]{2}){40,})['"\x60]`);
const REMOTE_ARGUMENT = /\bawait\b[^;]*\b(?:fetch|text|json|get|request)\b|\.(?:data|body|responseText|text\(\))\b|\bresponse\b|\bres\.on\b/;
/** A sink inside a response handler: `res.on('end', () => eval(body))`. */
const REMOTE_CONTEXT = /\.on\(\s*['"`](?:end|data)['"`]|\bawait\s+fetch\b|\.then\s*\(\s*(?:\(?\s*[\w$]+\s*\)?\s*=>|function)/;
const TIMER_STRING_ARGUMENT = /^\s*(?:atob|Buffer\.from|String\.fromCharCode|unescape|decodeURIComponent|['"`])/;
const THEN_SINK = /\.then\s*\(\s*(?:eval|Function|vm\.runInThisContext|runInThisContext)\s*\)/g;
const SINK_HINTS = ['eval', 'Function', 'vm', 'Script', '_compile', 'constructor', 'data:', 'setTimeout', 'setInterval', 'setImmediate'];
const EXEC_HINTS = ['exec', 'spawn'];

/** A place where a unit runs text as code (or as a command), and what that text is. */
export interface SinkHit {
  match: SignalMatch;
  reason: string;
  remote: boolean;
}

export function sinkHits(unit: SourceFile): SinkHit[] {
  return unit.memo('sink-hits', () => {
    const text = unit.text;
    const hits: SinkHit[] = [];
    let decoded: Map<string, number> | undefined;
    const invisible = findEncodedBlobs(unit).some((blob) => blob.encoding === 'invisible-unicode');
    const sinks = mentions(text, SINK_HINTS) ? [...text.matchAll(DYNAMIC_CODE_SINK)].map((m) => ({ m, exec: false })) : [];
    if (mentions(text, EXEC_HINTS)) for (const m of text.matchAll(EXEC_CALL)) sinks.push({ m, exec: true });
    for (const { m, exec } of sinks.slice(0, 400)) {
      const open = m.index + m[0].lastIndexOf('(');
      const args = callArguments(text, open);
      const match = { index: m.index, text: m[0] };
      // A timer runs a string only when handed one: a callback is ordinary code.
      if (m[0].startsWith('set') && !TIMER_STRING_ARGUMENT.test(args)) continue;
      const target = exec ? 'decoded data as a command' : 'decoded data';
      if (invisible && !exec) {
        hits.push({ match, reason: 'data hidden in invisible characters', remote: false });
      } else if (DECODE_PATTERNS.some((pattern) => pattern.test(args))) {
        hits.push({ match, reason: target, remote: false });
      } else if (ENCODED_ARGUMENT.test(args)) {
        hits.push({ match, reason: exec ? 'an encoded literal as a command' : 'a large encoded literal', remote: false });
      } else {
        decoded ??= decodedNames(text);
        const code = args.replace(QUOTED, "''");
        const name = [...decoded].find(([candidate, at]) => bindingReaches(candidate, at, m.index) && new RegExp(String.raw`(?<![\w$.])${candidate.replace(/\$/g, '\\$')}(?![\w$])`).test(code))?.[0];
        if (name) hits.push({ match, reason: `${target} (\`${name}\`)`, remote: false });
        else if (!exec && !m[0].startsWith('set') && runsDownloadedText(unit, args, m.index)) hits.push({ match, reason: 'downloaded code', remote: true });
      }
    }
    if (text.includes('.then')) for (const m of text.matchAll(THEN_SINK)) if (detect(unit, NETWORK)) hits.push({ match: { index: m.index, text: m[0] }, reason: 'downloaded code', remote: true });
    return hits;
  });
}

/** A sink fed a response (`eval(res.data)`, `Function(await r.text())`) or sitting in a response handler. */
function runsDownloadedText(unit: SourceFile, args: string, sinkAt: number): boolean {
  const before = unit.text.slice(Math.max(0, sinkAt - 300), sinkAt);
  return (REMOTE_ARGUMENT.test(args) || REMOTE_CONTEXT.test(before)) && detect(unit, NETWORK) !== undefined;
}

/** The text between a call's parentheses (bounded), skipping over string literals. */
export function callArguments(text: string, open: number, max = 4000): string {
  let depth = 0;
  const end = Math.min(text.length, open + max);
  for (let i = open; i < end; i += 1) {
    const char = text[i];
    if (char === '"' || char === "'" || char === '`') {
      const close = skipString(text, i, end);
      i = close;
      continue;
    }
    if (char === '(') depth += 1;
    else if (char === ')') {
      depth -= 1;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1, end);
}

function skipString(text: string, start: number, end: number): number {
  const quote = text[start];
  for (let i = start + 1; i < end; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === quote) return i;
    else if (text[i] === '\n' && quote !== '`') return i;
  }
  return end;
}

const ASSIGNMENT = /(?:(?:const|let|var)\s+)?([\w$]+)\s*=(?![=>])\s*([^;\n]{1,400})/g;
const FUNCTION_DECLARATION = /function\s+([\w$]+)\s*\([^)]*\)\s*\{([^}]{0,600})/g;
const QUOTED = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g;
/** Minified code reuses one- and two-letter names in every scope: only trust them close to their binding. */
const SHORT_NAME_REACH = 400;
/** A hoisted helper (`function d(x) {…}`) may be declared a little after its use. */
const HOISTED_REACH = 4000;

function bindingReaches(name: string, boundAt: number, usedAt: number): boolean {
  const distance = usedAt - boundAt;
  return name.length >= 3 ? distance > -HOISTED_REACH : distance >= 0 && distance <= SHORT_NAME_REACH;
}

/** Names bound to decoded data or to helpers that decode (two hops deep), with where they are bound. */
function decodedNames(text: string): Map<string, number> {
  const names = new Map<string, number>();
  const decodes = (value: string) => DECODE_PATTERNS.some((pattern) => pattern.test(value)) || ENCODED_ARGUMENT.test(value);
  for (const match of text.matchAll(FUNCTION_DECLARATION)) if (decodes(match[2])) names.set(match[1], match.index);
  const assignments = [...text.matchAll(ASSIGNMENT)].slice(0, 5000);
  for (let round = 0; round < 2; round += 1) {
    const known = [...names.keys()];
    for (const match of assignments) {
      if (names.has(match[1])) continue;
      const value = match[2];
      if (decodes(value) || known.some((name) => bindingReaches(name, names.get(name) ?? 0, match.index) && new RegExp(String.raw`(?<![\w$.])${name.replace(/\$/g, '\\$')}(?![\w$])`).test(value))) names.set(match[1], match.index);
    }
  }
  return names;
}
