import { TlogErrorCode, isTransparencyLogError } from './tlog-error';
import { formatSignedNote, parseSignedNote } from './signed-note';

// The example note of c2sp.org/signed-note (C2SP/C2SP signed-note.md): its text holds a blank line,
// so only the last blank line separates text and signatures.
const SPEC_EXAMPLE =
  'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n\n' +
  '\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';

function malformedCode(note: string | Uint8Array): string | undefined {
  try {
    parseSignedNote(note);
    return undefined;
  } catch (e: unknown) {
    return isTransparencyLogError(e) ? e.code : 'not a tlog error';
  }
}

describe('signed notes', () => {
  it('parses the specification example and writes it back byte for byte', () => {
    const note = parseSignedNote(SPEC_EXAMPLE);
    expect(note.text).toBe('Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n');
    expect(note.signatures).toHaveLength(1);
    const [sig] = note.signatures;
    expect(sig.keyName).toBe('quasimodo.example/salvatore');
    expect(sig.keyId.toString('hex')).toBe('367ba04b');
    expect(sig.signature).toHaveLength(64); // Ed25519
    expect(formatSignedNote(note.text, note.signatures)).toBe(SPEC_EXAMPLE);
    expect(parseSignedNote(Buffer.from(SPEC_EXAMPLE, 'utf8'))).toEqual(note);
  });

  it.each([
    ['no blank line', 'text\n\u2014 k AAAAAAA=\n'],
    ['no signatures', 'text\n\n'],
    ['no final newline', 'text\n\n\u2014 k AAAAAAA='],
    ['a carriage return', 'text\r\n\n\u2014 k AAAAAAA=\n'],
    ['a tab', 'te\txt\n\n\u2014 k AAAAAAA=\n'],
    ['a hyphen instead of the em dash', 'text\n\n- k AAAAAAA=\n'],
    ['a plus in the key name', 'text\n\n\u2014 k+1 AAAAAAA=\n'],
    ['non-canonical base64', 'text\n\n\u2014 k AAAAAAB=\n'],
    ['unpadded base64', 'text\n\n\u2014 k AAAAAAA\n'],
    ['a key ID and no signature', 'text\n\n\u2014 k AAAAAA==\n'],
    ['two spaces', 'text\n\n\u2014 k  AAAAAAA=\n'],
    ['a trailing blank line', 'text\n\n\u2014 k AAAAAAA=\n\n'],
  ])('refuses a note with %s', (_, note) => {
    expect(malformedCode(note)).toBe(TlogErrorCode.CheckpointMalformed);
  });

  it('refuses bytes that are not UTF-8 and notes with too many signatures', () => {
    expect(malformedCode(Buffer.from([0x74, 0xff, 0x0a, 0x0a]))).toBe(TlogErrorCode.CheckpointMalformed);
    const many = 'text\n\n' + '\u2014 k AAAAAAA=\n'.repeat(65);
    expect(malformedCode(many)).toBe(TlogErrorCode.CheckpointMalformed);
    expect(malformedCode('text\n\n' + '\u2014 k AAAAAAA=\n'.repeat(16))).toBeUndefined();
  });
});
