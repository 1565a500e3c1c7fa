import { decodeBase64Strict } from './base64';
import { TlogErrorCode, TransparencyLogError } from './tlog-error';

/** One signature line of a signed note: `— <keyName> base64(keyId || signature)`. */
export interface NoteSignature {
  readonly keyName: string;
  /** The 4-byte key ID (big-endian uint32 on the wire). */
  readonly keyId: Buffer;
  readonly signature: Buffer;
}

export interface SignedNote {
  /** The signed text: everything before the separating blank line, final newline included. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

// c2sp.org/signed-note asks verifiers to cap signatures but accept at least 16.
const MAX_SIGNATURES = 64;
const MAX_NOTE_BYTES = 64 * 1024;
const KEY_ID_SIZE = 4;
const EM_DASH = '\u2014';
const SIGNATURE_LINE = new RegExp(`^${EM_DASH} (\\S+) (\\S+)$`);

const malformed = (why: string): never => {
  throw new TransparencyLogError(TlogErrorCode.CheckpointMalformed, `malformed signed note: ${why}`);
};

/** Signed notes may hold no ASCII control character (below U+0020) but, where allowed, newline. */
export function hasControlCharacter(text: string, newlineAllowed: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && !(newlineAllowed && c === 0x0a)) return true;
  }
  return false;
}

/** Key names must be non-empty and hold no Unicode space and no `+` (c2sp.org/signed-note). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasControlCharacter(name, false);
}

/** Parses the c2sp.org/signed-note format; signatures are split out, not verified. */
export function parseSignedNote(note: string | Uint8Array): SignedNote {
  const text = typeof note === 'string' ? note : decodeUtf8(note);
  if (Buffer.byteLength(text, 'utf8') > MAX_NOTE_BYTES) malformed(`larger than ${MAX_NOTE_BYTES} bytes`);
  if (Buffer.from(text, 'utf8').toString('utf8') !== text) malformed('not valid UTF-8');
  if (hasControlCharacter(text, true)) malformed('contains a control character other than newline');
  if (!text.endsWith('\n')) malformed('does not end with a newline');
  // The text may itself hold blank lines: the signatures start after the last one.
  const split = text.lastIndexOf('\n\n');
  if (split < 0) malformed('no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1);
  if (lines.length === 0) malformed('no signature lines');
  const signatureLines = lines.split('\n');
  if (signatureLines.length > MAX_SIGNATURES) malformed(`more than ${MAX_SIGNATURES} signatures`);
  return { text: body, signatures: signatureLines.map(parseSignatureLine) };
}

/** Writes a signed note; the inverse of `parseSignedNote`. */
export function formatSignedNote(text: string, signatures: readonly NoteSignature[]): string {
  if (!text.endsWith('\n') || hasControlCharacter(text, true)) malformed('the text must end with a newline and hold no control characters');
  if (signatures.length === 0) malformed('a signed note needs at least one signature');
  const lines = signatures.map(({ keyName, keyId, signature }) => {
    if (!isValidKeyName(keyName)) malformed(`invalid key name ${JSON.stringify(keyName)}`);
    if (keyId.length !== KEY_ID_SIZE) malformed(`key ID must be ${KEY_ID_SIZE} bytes`);
    if (signature.length === 0) malformed('empty signature');
    return `${EM_DASH} ${keyName} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

function parseSignatureLine(line: string): NoteSignature {
  const match = SIGNATURE_LINE.exec(line);
  if (!match) return malformed(`not a signature line: ${JSON.stringify(line.slice(0, 80))}`);
  const [, keyName, encoded] = match;
  if (!isValidKeyName(keyName)) malformed(`invalid key name ${JSON.stringify(keyName)}`);
  const bytes = decodeBase64Strict(encoded);
  if (!bytes || bytes.length <= KEY_ID_SIZE) return malformed(`signature of ${keyName} is not base64 of key ID and signature`);
  return { keyName, keyId: bytes.subarray(0, KEY_ID_SIZE), signature: bytes.subarray(KEY_ID_SIZE) };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (e: unknown) {
    throw new TransparencyLogError(TlogErrorCode.CheckpointMalformed, 'malformed signed note: not valid UTF-8', { cause: e });
  }
}
