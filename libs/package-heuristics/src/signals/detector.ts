import type { SignalMatch, SourceFile, SourceKind } from '../model/source-file';

/** A named question asked of a unit of code; answers are memoised per unit. */
export interface Detector {
  id: string;
  find(unit: SourceFile): SignalMatch | undefined;
}

/**
 * A regex with optional literal hints: the regex only runs when the text contains one of the hints.
 * `String#includes` is an order of magnitude cheaper than an alternation-heavy regex, and most
 * files contain none of the words a detector is looking for.
 */
export type Pattern = RegExp | { re: RegExp; hints: readonly string[] };

export function hinted(re: RegExp, ...hints: string[]): Pattern {
  return { re, hints };
}

/** Detector matching the first of several patterns, optionally only for some languages. */
export function patternDetector(id: string, patterns: readonly Pattern[], kinds?: readonly SourceKind[]): Detector {
  return {
    id,
    find: (unit) => {
      if (kinds && !kinds.includes(unit.kind)) return undefined;
      return firstMatch(unit.text, patterns);
    },
  };
}

export function detectorOf(id: string, find: (unit: SourceFile) => SignalMatch | undefined): Detector {
  return { id, find };
}

/** True when the text contains at least one of the words. */
export function mentions(text: string, words: readonly string[]): boolean {
  return words.some((word) => text.includes(word));
}

/** Runs a detector once per unit. */
export function detect(unit: SourceFile, detector: Detector): SignalMatch | undefined {
  return unit.memo(`detector:${detector.id}`, () => detector.find(unit));
}

export function firstMatch(text: string, patterns: readonly Pattern[]): SignalMatch | undefined {
  let best: SignalMatch | undefined;
  for (const pattern of patterns) {
    let re: RegExp;
    if (pattern instanceof RegExp) re = pattern;
    else if (pattern.hints.some((hint) => text.includes(hint))) re = pattern.re;
    else continue;
    const match = re.exec(text);
    if (match && (best === undefined || match.index < best.index)) best = { index: match.index, text: match[0] };
  }
  return best;
}
