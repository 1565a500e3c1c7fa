import { analyze, findingsOf } from '../__fixtures__/package-builder';
import { callArguments } from '../signals/code-sinks';
import { shannonEntropy } from './obfuscation.rule';

const HARMLESS = "console.log('only a harmless line, long enough to be a realistic payload stand-in for the test');";
const b64 = Buffer.from(HARMLESS).toString('base64');
const bigB64 = Buffer.from(HARMLESS.repeat(3)).toString('base64');

describe('obfuscation rules', () => {
  const variants: [string, string][] = [
    ['eval of Buffer.from base64', `eval(Buffer.from('${b64}', 'base64').toString());`],
    ['Function of atob through a variable', `var p = atob('${b64}'); var f = new Function(p); f();`],
    ['vm of a decoding helper', `const vm = require('vm'); function unpack(s) { return Buffer.from(s, 'hex').toString(); } vm.runInThisContext(unpack(blob));`],
    ['indirect eval of char codes', `(0, eval)(String.fromCharCode(${[...'console.log(1)'].map((c) => c.charCodeAt(0)).join(',')}));`],
    ['global eval of a big encoded literal', `globalThis['eval'](rot('${bigB64}'));`],
    ['decrypted payload', "const d = require('crypto').createDecipheriv('aes-256-cbc', k, iv); const src = d.update(data, 'hex', 'utf8') + d.final('utf8'); new Function(src)();"],
    ['exec of a decoded command', `require('child_process').execSync(Buffer.from('${b64}', 'base64').toString());`],
  ];

  it.each(variants)('warns when runtime code executes decoded data: %s', (_, code) => {
    const report = analyze({ files: { 'index.js': code } });
    expect(findingsOf(report, 'obfuscation.eval-encoded-blob')[0]).toMatchObject({ category: 'suspicious', severity: 'medium', evidence: { file: 'package/index.js', line: 1 } });
    expect(report.verdict).toBe('warn');
  });

  it('blocks the same technique in install-time code', () => {
    const report = analyze({ manifest: { scripts: { postinstall: 'node i.js' } }, files: { 'i.js': variants[0][1] } });
    expect(findingsOf(report, 'obfuscation.eval-encoded-blob')[0]).toMatchObject({ category: 'malware', severity: 'high' });
    expect(report.verdict).toBe('block');
  });

  it('leaves code generation alone (new Function over built source, Function("return this"))', () => {
    const report = analyze({ files: { 'index.js': "const g = Function('return this')(); const fn = new Function('data', 'return data.' + key); exports.compile = (src) => new Function('it', src);" } });
    expect(report.findings).toEqual([]);
  });

  it('flags executing downloaded text (loader pattern)', () => {
    const report = analyze({ files: { 'index.js': "module.exports = async () => { const r = await fetch(u); eval(await r.text()); };" } });
    expect(findingsOf(report, 'obfuscation.remote-code-eval')).toHaveLength(1);
    const thenEval = analyze({ files: { 'index.js': "fetch(u).then((r) => r.text()).then(eval);" } });
    expect(findingsOf(thenEval, 'obfuscation.remote-code-eval')).toHaveLength(1);
  });

  it('recognises _0x mangling and hex-escaped member names', () => {
    const names = Array.from({ length: 8 }, (_, i) => `_0x${(0x4e21 + i * 7).toString(16)}`);
    expect(findingsOf(analyze({ files: { 'a.js': `var ${names.join(',')};` } }), 'obfuscation.hex-identifiers')).toHaveLength(1);
    const escaped = Array.from({ length: 8 }, () => "w['\\x6c\\x6f\\x67']()").join(';');
    expect(findingsOf(analyze({ files: { 'a.js': escaped } }), 'obfuscation.hex-identifiers')).toHaveLength(1);
    expect(findingsOf(analyze({ files: { 'a.js': 'const x0 = 0x1f, _0x = 2;' } }), 'obfuscation.hex-identifiers')).toHaveLength(0);
  });

  it('flags a small file that suddenly gained a long line, versus the previous version', () => {
    const before = "'use strict';\nmodule.exports = function (a) {\n  return a + 1;\n};\n";
    const after = `${before};(function(){${'var q=1;'.repeat(400)}})();\n`;
    const report = analyze({ version: '1.0.1', manifest: { main: 'index.js' }, files: { 'index.js': after }, previous: { version: '1.0.0', manifest: { main: 'index.js' }, files: { 'index.js': before } } });
    const [found] = findingsOf(report, 'obfuscation.entry-file-blowup');
    expect(found.message).toContain('appended to the previous code');
    expect(found.evidence?.line).toBe(5);
    expect(findingsOf(analyze({ files: { 'index.js': after } }), 'obfuscation.entry-file-blowup')).toHaveLength(0);
  });

  it('flags code hidden far to the right of a line', () => {
    const report = analyze({ files: { 'index.js': `module.exports = 1;${' '.repeat(300)}require('child_process').exec(x);` } });
    expect(findingsOf(report, 'obfuscation.hidden-code')).toHaveLength(1);
  });

  it('flags Trojan Source bidi controls and invisible-character payloads', () => {
    expect(findingsOf(analyze({ files: { 'a.js': 'if (role !== "user\u202E \u2066// admin\u2069 \u2066") {}' } }), 'obfuscation.invisible-unicode')).toHaveLength(1);
    const hidden = [...Buffer.from("console.log('a hidden but harmless line')")].map((b) => String.fromCodePoint(b < 16 ? 0xfe00 + b : 0xe0100 + b - 16)).join('');
    const report = analyze({ files: { 'a.js': `const s = '${hidden}'; eval(decode(s));` } });
    expect(findingsOf(report, 'obfuscation.invisible-unicode')[0].severity).toBe('high');
  });

  it('reports long high-entropy literals as info only', () => {
    const random = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919) % 251)).toString('base64');
    const report = analyze({ files: { 'a.js': `const k = '${random}';` } });
    expect(findingsOf(report, 'obfuscation.high-entropy-string')[0].severity).toBe('info');
    expect(report.verdict).toBe('clean');
  });

  it('measures entropy and call arguments', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    const text = "eval(f(')'), g(\"(\"))) + rest";
    expect(callArguments(text, 4)).toBe("f(')'), g(\"(\")");
  });
});
