/** String literals at least this long are remembered: encoded blobs and high-entropy strings live in them. */
export const MIN_REMEMBERED_LITERAL = 40;
const DATA_BLOB_LENGTH = 4096;

export interface ScannedJs {
  /**
   * The source with comments and multi-kilobyte data blobs blanked out (spaces, newlines kept) so
   * offsets and line numbers stay valid.
   */
  code: string;
  /** Spans `[start, end)` of string and template literals (quotes included) of at least MIN_REMEMBERED_LITERAL characters. */
  literals: [number, number][];
}

/**
 * One pass over JavaScript: blanks comments so detectors read only what runs (a URL or `rundll32`
 * in a comment is not behaviour) and remembers long string literals, where encoded payloads hide.
 */
export function scanJs(source: string): ScannedJs {
  const length = source.length;
  const parts: string[] = [];
  const literals: [number, number][] = [];
  let copied = 0;
  const blank = (from: number, to: number) => {
    parts.push(source.slice(copied, from), blankRange(source, from, to));
    copied = to;
  };
  // Jump from one character that can open a comment, string, template or regex to the next.
  const special = /[/"'`]/g;
  let i = 0;
  while (i < length) {
    special.lastIndex = i;
    const found = special.exec(source);
    if (!found) break;
    i = found.index;
    const char = source.charCodeAt(i);
    if (char === SLASH) {
      const next = source.charCodeAt(i + 1);
      if (next === SLASH) {
        const end = source.indexOf('\n', i);
        const stop = end === -1 ? length : end;
        blank(i, stop);
        i = stop;
      } else if (next === STAR) {
        const end = source.indexOf('*/', i + 2);
        const stop = end === -1 ? length : end + 2;
        blank(i, stop);
        i = stop;
      } else if (regexMayStart(source, previousSignificant(source, i))) {
        i = skipRegex(source, i);
      } else {
        i += 1;
      }
      continue;
    }
    const end = skipQuoted(source, i);
    if (end - i >= MIN_REMEMBERED_LITERAL) literals.push([i, end]);
    // Multi-kilobyte blobs without whitespace (inlined wasm, fonts, base64 payloads) are data: keep
    // them out of what detectors scan. They are still decoded (from the original text) when they hold text.
    if (end - i >= DATA_BLOB_LENGTH && !/\s/.test(source.slice(i + 1, i + 1 + DATA_BLOB_LENGTH))) {
      parts.push(source.slice(copied, i + 1), ' '.repeat(end - i - 2));
      copied = end - 1;
    }
    i = end;
  }
  if (copied === 0) return { code: source, literals };
  parts.push(source.slice(copied));
  return { code: parts.join(''), literals };
}

function previousSignificant(source: string, index: number): number {
  let i = index - 1;
  while (i >= 0 && isSpace(source.charCodeAt(i))) i -= 1;
  return i;
}

/** Spaces for a comment, keeping its newlines. */
function blankRange(source: string, from: number, to: number): string {
  const newline = source.indexOf('\n', from);
  if (newline === -1 || newline >= to) return ' '.repeat(to - from);
  return source
    .slice(from, to)
    .split('\n')
    .map((line) => ' '.repeat(line.length))
    .join('\n');
}

/** Blanks `#` comment lines of shell scripts (not the shebang) and `rem`/`::` lines of batch files. */
export function blankShellComments(source: string): string {
  return source.replace(/^([ \t]*)(#(?!!)[^\n]*|(?:rem\b|::)[^\n]*)/gim, (_, indent: string, comment: string) => indent + ' '.repeat(comment.length));
}

const SLASH = 0x2f;
const STAR = 0x2a;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const REGEX_PRECEDERS = new Set([...'(,=:[!&|?{};+-*%<>~^'].map((c) => c.charCodeAt(0)));
const KEYWORDS_BEFORE_REGEX = ['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'void', 'yield', 'await'];

function isSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === NEWLINE || char === 0x0d;
}

/** A `/` after `(`, `=`, `return`… starts a regex literal; after an identifier, number or `)` it divides. */
function regexMayStart(source: string, last: number): boolean {
  if (last < 0) return true;
  const char = source.charCodeAt(last);
  if (REGEX_PRECEDERS.has(char)) return true;
  if (char < 0x61 || char > 0x7a) return false;
  return KEYWORDS_BEFORE_REGEX.some((word) => source.startsWith(word, last - word.length + 1) && !/[\w$]/.test(source[last - word.length] ?? ''));
}

/** End of the string or template literal opening at `start` (indexOf jumps: literals can be megabytes long). */
function skipQuoted(source: string, start: number): number {
  const quote = source[start];
  const template = quote === '`';
  const length = source.length;
  let i = start + 1;
  let close = -2;
  let escape = -2;
  let newline = -2;
  for (;;) {
    if (close < i) close = source.indexOf(quote, i);
    if (escape < i && escape !== -1) escape = source.indexOf('\\', i);
    if (!template && newline < i && newline !== -1) newline = source.indexOf('\n', i);
    const end = close === -1 ? length : close;
    const stop = !template && newline !== -1 && newline < end ? newline : -1;
    if (escape !== -1 && escape < end && (stop === -1 || escape < stop)) {
      i = escape + 2;
      continue;
    }
    if (stop !== -1) return stop;
    return close === -1 ? length : close + 1;
  }
}

function skipRegex(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length) {
    const char = source.charCodeAt(i);
    if (char === BACKSLASH) i += 2;
    else if (char === NEWLINE) return i;
    else if (char === 0x5b) {
      inClass = true;
      i += 1;
    } else if (char === 0x5d) {
      inClass = false;
      i += 1;
    } else if (char === SLASH && !inClass) return i + 1;
    else i += 1;
  }
  return i;
}
