import type { HeuristicEvidence } from '../types';

export const SNIPPET_MAX = 160;

/** How the scanner should read a unit of code: the detectors differ slightly between languages. */
export type SourceKind = 'js' | 'shell' | 'gyp' | 'other';

/**
 * Where a unit's text came from when it is not simply a file of the tarball: a lifecycle command
 * in package.json, or text decoded from a blob. Evidence then points at `line` of `file`.
 */
export interface SourceOrigin {
  line: number;
  label: string;
}

export interface SourceFileOptions {
  kind: SourceKind;
  installTime: boolean;
  origin?: SourceOrigin;
  /** Size of the original file (the text may be empty when the file was too large to read). */
  size?: number;
  /** How many decoding layers produced this text (0 for files of the tarball). */
  depth?: number;
  /** The text as written, for snippets, when `text` has comments blanked out. */
  display?: string;
  /** For install-time units: 0 for what a hook runs directly, +1 per require/import hop. */
  installDepth?: number;
  /** Spans of long string literals, when the text was tokenised (JavaScript files). */
  literals?: readonly (readonly [number, number])[];
}

export interface SignalMatch {
  index: number;
  /** The matched text (may be a summary for computed signals). */
  text: string;
}

/** A unit of text that rules inspect, with the bookkeeping needed to cite a line as evidence. */
export class SourceFile {
  readonly kind: SourceKind;
  readonly installTime: boolean;
  readonly origin?: SourceOrigin;
  readonly size: number;
  readonly depth: number;
  readonly literals?: readonly (readonly [number, number])[];
  readonly installDepth: number;
  readonly #display: string;
  readonly #memo = new Map<string, unknown>();
  #lineStarts: number[] | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    options: SourceFileOptions,
  ) {
    this.kind = options.kind;
    this.installTime = options.installTime;
    this.origin = options.origin;
    this.size = options.size ?? Buffer.byteLength(text);
    this.depth = options.depth ?? 0;
    this.#display = options.display ?? text;
    this.literals = options.literals;
    this.installDepth = options.installDepth ?? 0;
  }

  /** The text as written (`text` may have comments and data blobs blanked). */
  get display(): string {
    return this.#display;
  }

  /** Caches one computed signal per unit: several rules ask the same questions. */
  memo<T>(key: string, compute: () => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = compute();
    this.#memo.set(key, value);
    return value;
  }

  lineOf(index: number): number {
    if (this.origin) return this.origin.line;
    const starts = this.#starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= index) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  evidence(index: number): HeuristicEvidence {
    // Matches often start on the separator before the interesting word (a newline, a quote).
    while (index < this.text.length - 1 && /\s/.test(this.text[index])) index += 1;
    const snippet = snippetAround(this.#display, index);
    return {
      file: this.path,
      line: this.lineOf(index),
      snippet: this.origin ? truncate(`[${this.origin.label}] ${snippet}`) : snippet,
    };
  }

  #starts(): number[] {
    if (!this.#lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.#lineStarts = starts;
    }
    return this.#lineStarts;
  }
}

/** The line holding `index`, or a window around it when the line is long (minified code). */
export function snippetAround(text: string, index: number): string {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  const newline = text.indexOf('\n', index);
  const lineEnd = newline === -1 ? text.length : newline;
  if (lineEnd - lineStart <= SNIPPET_MAX) return clean(text.slice(lineStart, lineEnd));
  const from = Math.max(lineStart, index - 50);
  return truncate(clean(text.slice(from, Math.min(lineEnd, from + SNIPPET_MAX))));
}

export function truncate(value: string, max = SNIPPET_MAX): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

// Control characters would garble logs and UIs that show the snippet.
function clean(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    out += code < 0x20 || code === 0x7f ? ' ' : char;
  }
  return out.replace(/\s+/g, ' ').trim();
}
