import { SourceFile } from './source-file';

/** An encoded literal found in a unit, with where it sits. */
export interface EncodedBlob {
  encoding: 'base64' | 'hex' | 'escapes' | 'char-codes' | 'invisible-unicode';
  index: number;
  length: number;
  decoded: string;
}

export const MIN_BASE64_BLOB = 160;
const MAX_BLOBS_PER_UNIT = 24;
const MAX_DECODED_CHARS = 1024 * 1024;
const MAX_DEPTH = 3;

const BASE64_LITERAL = /(['"`])([A-Za-z0-9+/_-]{160,}={0,2})\1/g;
const HEX_LITERAL = /(['"`])((?:[0-9a-fA-F]{2}){80,})\1/g;
const ESCAPED_LITERAL = /(['"`])((?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]{1,6}\}|\\[0-7]{3}){40,})\1/g;
const CHAR_CODE_LIST = /\[\s*((?:\d{2,3}\s*,\s*){39,}\d{2,3})\s*\]|fromCharCode\(\s*((?:\d{2,3}\s*,\s*){39,}\d{2,3})\s*\)/g;
// Variation selectors (U+FE00–FE0F, U+E0100–E01EF) render as nothing; a run of them can carry one byte each.
const HAS_VARIATION_SELECTOR = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;
const INVISIBLE_RUN_ONE = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{24,}/u;
const INVISIBLE_RUN = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{24,}/gu;

/** Finds encoded literals in a unit and decodes the ones that turn out to be text. */
export function findEncodedBlobs(unit: SourceFile): EncodedBlob[] {
  return unit.memo('encoded-blobs', () => {
    const text = unit.text;
    const blobs: EncodedBlob[] = [];
    const push = (blob: EncodedBlob | undefined) => {
      if (blob && blobs.length < MAX_BLOBS_PER_UNIT) blobs.push(blob);
    };
    if (unit.literals) {
      // Tokenised JavaScript: only the long string literals can hold a blob.
      for (const [start, end] of unit.literals) push(literalBlob(unit.display, start, end));
    } else if (text.length >= MIN_BASE64_BLOB) {
      for (const match of text.matchAll(BASE64_LITERAL)) push(decodeBase64Blob(match[2], match.index));
      for (const match of text.matchAll(HEX_LITERAL)) push(textBlob('hex', match.index, match[0].length, Buffer.from(match[2], 'hex')));
      if (text.includes('\\x') || text.includes('\\u') || /\\[0-7]{3}/.test(text)) for (const match of text.matchAll(ESCAPED_LITERAL)) push(textBlob('escapes', match.index, match[0].length, Buffer.from(unescapeLiteral(match[2]), 'utf8')));
      if (HAS_VARIATION_SELECTOR.test(text)) for (const match of text.matchAll(INVISIBLE_RUN)) push(textBlob('invisible-unicode', match.index, match[0].length, decodeVariationSelectors(match[0])));
    }
    if (text.length >= MIN_BASE64_BLOB) {
      if (text.includes('fromCharCode') || text.includes('fromCodePoint')) for (const match of text.matchAll(CHAR_CODE_LIST)) {
        const codes = (match[1] ?? match[2]).split(',').map((value) => Number(value.trim()));
        if (codes.every((code) => code >= 9 && code <= 126)) push(textBlob('char-codes', match.index, match[0].length, Buffer.from(codes)));
      }
    }
    return blobs;
  });
}

/** Units for the decoded text of every blob, so the same rules run on what was hidden. */
export function decodedUnits(unit: SourceFile): SourceFile[] {
  if (unit.depth >= MAX_DEPTH) return [];
  return findEncodedBlobs(unit).map(
    (blob) =>
      new SourceFile(unit.path, blob.decoded, {
        kind: unit.kind === 'shell' ? 'shell' : 'js',
        installTime: unit.installTime,
        installDepth: unit.installDepth,
        origin: { line: unit.lineOf(blob.index), label: `decoded ${blob.encoding}` },
        depth: unit.depth + 1,
      }),
  );
}

export function decodeVariationSelectors(run: string): Buffer {
  const bytes: number[] = [];
  for (const char of run) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xfe00 && code <= 0xfe0f) bytes.push(code - 0xfe00);
    else if (code >= 0xe0100 && code <= 0xe01ef) bytes.push(code - 0xe0100 + 16);
  }
  return Buffer.from(bytes);
}

const PERCENT_CONTENT = /^(?:%[0-9a-fA-F]{2}){40,}$/;
const BASE64_CONTENT = /^[A-Za-z0-9+/_-]{160,}={0,2}$/;
const HEX_CONTENT = /^(?:[0-9a-fA-F]{2}){80,}$/;
const ESCAPED_CONTENT = /^(?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]{1,6}\}|\\[0-7]{3}){40,}$/;

function literalBlob(text: string, start: number, end: number): EncodedBlob | undefined {
  // Classify by the first characters, so a multi-megabyte literal is only read whole when it is worth it.
  const head = text.slice(start + 1, Math.min(end - 1, start + 1 + 4096));
  const length = end - start - 2;
  const content = () => text.slice(start + 1, end - 1);
  if (length >= MIN_BASE64_BLOB) {
    // Past the sample, the decoders skip stray characters; validating megabytes by regex costs more than it tells.
    const valid = (pattern: RegExp) => length > head.length || pattern.test(head);
    if (/^[0-9a-fA-F]{160}/.test(head)) return valid(HEX_CONTENT) ? textBlob('hex', start, end - start, Buffer.from(content(), 'hex')) : undefined;
    if (/^[A-Za-z0-9+/_-]{160}/.test(head)) return valid(BASE64_CONTENT) ? decodeBase64Blob(content(), start) : undefined;
  }
  if (head.startsWith('%') && PERCENT_CONTENT.test(content())) return textBlob('escapes', start, end - start, Buffer.from(content().replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1'));
  if (head.startsWith('\\') && ESCAPED_CONTENT.test(content())) return textBlob('escapes', start, end - start, Buffer.from(unescapeLiteral(content()), 'utf8'));
  if (HAS_VARIATION_SELECTOR.test(head)) {
    const run = INVISIBLE_RUN_ONE.exec(content());
    if (run) return textBlob('invisible-unicode', start + 1 + run.index, run[0].length, decodeVariationSelectors(run[0]));
  }
  return undefined;
}

function decodeBase64Blob(literal: string, index: number): EncodedBlob | undefined {
  // A long run of letters only (a word list, an identifier) is not base64 worth decoding.
  if (!/[0-9+/_-]/.test(literal) || !/[a-z]/.test(literal) || !/[A-Z]/.test(literal)) return undefined;
  // Node decodes base64url as base64; decode a sample first: multi-megabyte blobs are nearly always binary (wasm, images).
  if (!isMostlyText(Buffer.from(literal.slice(0, 4096), 'base64'))) return undefined;
  let decoded = Buffer.from(literal.slice(0, (MAX_DECODED_CHARS / 3) * 4), 'base64');
  // Layered encoding (base64 of base64) is a common way to hide a payload: peel it.
  for (let layer = 0; layer < 3; layer += 1) {
    const inner = decoded.toString('latin1').trim();
    if (inner.length < 16 || !/^[A-Za-z0-9+/=\s]+$/.test(inner) || inner.length % 4 !== 0) break;
    decoded = Buffer.from(inner, 'base64');
  }
  return textBlob('base64', index, literal.length + 2, decoded);
}

function textBlob(encoding: EncodedBlob['encoding'], index: number, length: number, bytes: Buffer): EncodedBlob | undefined {
  if (bytes.length < 16 || !isMostlyText(bytes)) return undefined;
  return { encoding, index, length, decoded: bytes.subarray(0, MAX_DECODED_CHARS).toString('utf8') };
}

/** True when at least 90 % of the first 4 KiB are printable ASCII or common whitespace (not an image or wasm). */
export function isMostlyText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 4096);
  let printable = 0;
  for (const byte of sample) if ((byte >= 0x20 && byte < 0x7f) || byte === 0x0a || byte === 0x0d || byte === 0x09) printable += 1;
  return printable >= sample.length * 0.9;
}

function unescapeLiteral(value: string): string {
  return value
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\u\{([0-9a-fA-F]{1,6})\}/g, (_, hex: string) => String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)))
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
