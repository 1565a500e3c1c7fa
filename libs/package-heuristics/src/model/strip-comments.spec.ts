import { blankShellComments, scanJs } from './strip-comments';

describe('scanJs', () => {
  it('blanks line and block comments but keeps offsets and newlines', () => {
    const source = 'a(); // rundll32 x\n/* curl\nhttp://x */ b();';
    const { code } = scanJs(source);
    expect(code).toHaveLength(source.length);
    expect(code).not.toMatch(/rundll32|curl|http/);
    expect(code.split('\n')).toHaveLength(3);
    expect(code.indexOf('b();')).toBe(source.indexOf('b();'));
  });

  it('does not treat comment markers inside strings, templates or regexes as comments', () => {
    const source = `const u = 'https://x.invalid/a'; const t = \`//keep\`; const r = /\\/\\/*/g; c();`;
    expect(scanJs(source).code).toBe(source);
  });

  it('tells a regex after return from a division', () => {
    const source = 'function f(){ return /\\/\\*/.test(x) } const y = a / b; // gone';
    const { code } = scanJs(source);
    expect(code).toContain('return /\\/\\*/.test(x)');
    expect(code).toContain('a / b;');
    expect(code).not.toContain('gone');
  });

  it('remembers long string literals only', () => {
    const long = 'A'.repeat(60);
    const source = `const s = 'short'; const l = "${long}";`;
    const { literals } = scanJs(source);
    expect(literals).toEqual([[source.indexOf('"'), source.lastIndexOf('"') + 1]]);
  });
});

describe('blankShellComments', () => {
  it('blanks # and rem comments but not the shebang', () => {
    const source = '#!/bin/sh\n# curl http://x\necho hi\nrem certutil\n:: bitsadmin';
    const out = blankShellComments(source);
    expect(out).toHaveLength(source.length);
    expect(out.startsWith('#!/bin/sh')).toBe(true);
    expect(out).not.toMatch(/curl|certutil|bitsadmin/);
    expect(out).toContain('echo hi');
  });
});
