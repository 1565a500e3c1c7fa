import type { SourceFile } from '../model/source-file';

// javascript-obfuscator output: `_0x4f2a` names and members reached through `['\x6c\x6f\x67']`.
// Nobody writes either by hand, so a handful per file is enough.
const HEX_IDENTIFIER = /\b_0x[0-9a-fA-F]{4,6}\b/g;
const ESCAPED_MEMBER = /\[\s*['"](?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}){3,}['"]\s*\]/g;
/** String literals spelled entirely as `\xNN` escapes of printable characters: `'\x62\x61\x73\x65\x36\x34'` is "base64". */
const ESCAPED_STRING = /(['"])(?:\\x[2-7][0-9a-fA-F]){4,}\1/g;
const MANGLING_THRESHOLD = 6;

/** True when a unit looks machine-obfuscated (used by other rules to harden their verdicts). */
export function isObfuscated(unit: SourceFile): boolean {
  return unit.kind === 'js' && manglingCount(unit) >= MANGLING_THRESHOLD;
}

export function manglingCount(unit: SourceFile): number {
  return unit.memo('mangling-count', () => {
    const identifiers = new Set<string>();
    if (!unit.text.includes('_0x') && !unit.text.includes('\\x') && !unit.text.includes('\\u')) return 0;
    for (const match of unit.text.matchAll(HEX_IDENTIFIER)) {
      identifiers.add(match[0]);
      if (identifiers.size >= 50) break;
    }
    let escaped = 0;
    for (const _ of unit.text.matchAll(ESCAPED_MEMBER)) if (++escaped >= 50) break;
    let spelled = 0;
    if (unit.text.includes('\\x')) for (const _ of unit.text.matchAll(ESCAPED_STRING)) if (++spelled >= 50) break;
    return Math.min(50, identifiers.size + Math.max(escaped, spelled));
  });
}

/** Offset of the first mangled name, for evidence. */
export function firstMangledIndex(unit: SourceFile): number {
  const match = /\b_0x[0-9a-fA-F]{4,6}\b/.exec(unit.text) ?? /\[\s*['"](?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}){3,}['"]\s*\]/.exec(unit.text);
  return match?.index ?? 0;
}
