import { fixture } from './__fixtures__/fixtures';
import { MAX_LOCKFILE_BYTES, parseLockfile } from './index';

const code = (content: string, hint?: { filename?: string }): string | undefined => {
  try {
    parseLockfile(content, hint);
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

const npm = (packages: Record<string, unknown>): string => JSON.stringify({ name: 'x', lockfileVersion: 3, requires: true, packages });

describe('parseLockfile input hardening', () => {
  afterEach(() => {
    // Nothing may have reached Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('refuses content over 32 MiB before parsing, counting UTF-8 bytes', () => {
    expect(code(' '.repeat(MAX_LOCKFILE_BYTES + 1))).toBe('LOCKFILE_UNSUPPORTED');
    // 11 Mi three-byte characters: fewer UTF-16 units than the limit, more bytes.
    expect(code(`{"x":"${'€'.repeat(11 * 1024 * 1024)}"}`)).toBe('LOCKFILE_UNSUPPORTED');
  });

  it('invalid JSON or YAML is LOCKFILE_INVALID', () => {
    expect(code('{"lockfileVersion": 3, "packages": {')).toBe('LOCKFILE_INVALID');
    expect(code("lockfileVersion: '9.0'\nimporters:\n  .: {\n")).toBe('LOCKFILE_INVALID');
    expect(code('__metadata:\n  version: 8\n"a@npm:1": x\n"a@npm:1": y\n')).toBe('LOCKFILE_INVALID'); // duplicate key
    expect(code("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-A, integrity: sha512-B}\n")).toBe('LOCKFILE_INVALID');
    expect(code('# yarn lockfile v1\n\na@^1:\n  version "1.0.0\n')).toBe('LOCKFILE_INVALID');
    expect(code('')).toBe('LOCKFILE_INVALID');
    expect(code('   \n')).toBe('LOCKFILE_INVALID');
  });

  it('JSON or YAML that is not an object is LOCKFILE_INVALID', () => {
    expect(code('[]')).toBe('LOCKFILE_INVALID');
    expect(code('[{"lockfileVersion": 3}]')).toBe('LOCKFILE_INVALID');
    expect(code('null')).toBe('LOCKFILE_INVALID');
    expect(code('just some text')).toBe('LOCKFILE_INVALID');
    expect(code('- lockfileVersion: 9.0\n')).toBe('LOCKFILE_INVALID');
    expect(code(12 as unknown as string)).toBe('LOCKFILE_INVALID');
  });

  it('unknown formats are LOCKFILE_UNSUPPORTED', () => {
    expect(code('{"name": "x", "version": "1.0.0"}')).toBe('LOCKFILE_UNSUPPORTED');
    expect(code('{"lockfileVersion": 4, "packages": {}}')).toBe('LOCKFILE_UNSUPPORTED');
    expect(code('<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>')).toBe('LOCKFILE_UNSUPPORTED');
    expect(code('name: x\nversion: 1.0.0\n')).toBe('LOCKFILE_UNSUPPORTED');
    expect(code("lockfileVersion: '4.0'\npackages: {}\n")).toBe('LOCKFILE_UNSUPPORTED');
  });

  it('JSON __proto__ keys are ordinary keys and never replace the data read', () => {
    const text = `{"__proto__": {"lockfileVersion": 1, "polluted": true}, "lockfileVersion": 3, "packages": {
      "__proto__": {"version": "9.9.9"},
      "": {"name": "x", "dependencies": {"__proto__": "^1.0.0", "a": "^1.0.0"}},
      "node_modules/a": {"version": "1.0.0", "resolved": "http://registry.example.test/a/-/a-1.0.0.tgz", "__proto__": {"link": true}}
    }}`;
    expect(parseLockfile(text)).toEqual({ format: 'npm-v3', packages: [{ name: 'a', version: '1.0.0', direct: true }] });
    // A package named __proto__ is not a valid npm name: refused, not skipped.
    expect(code(npm({ 'node_modules/__proto__': { version: '1.0.0' } }))).toBe('LOCKFILE_INVALID');
  });

  it('YAML __proto__ keys (pnpm, yarn berry) stay in Maps', () => {
    const pnpm = [
      "lockfileVersion: '9.0'",
      '__proto__:',
      '  polluted: yes',
      'importers:',
      '  .:',
      '    dependencies:',
      '      __proto__:',
      '        specifier: ^1.0.0',
      '        version: 1.0.0',
      '      a:',
      '        specifier: ^1.0.0',
      '        version: 1.0.0',
      'packages:',
      '  a@1.0.0:',
      '    resolution: {integrity: sha512-AAAA, __proto__: {polluted: yes}}',
      '',
    ].join('\n');
    expect(parseLockfile(pnpm).packages).toEqual([{ name: 'a', version: '1.0.0', direct: true, integrity: 'sha512-AAAA' }]);

    const berry = [
      '__metadata:',
      '  version: 8',
      '__proto__:',
      '  polluted: yes',
      '"a@npm:^1.0.0":',
      '  version: 1.0.0',
      '  resolution: "a@npm:1.0.0"',
      '  __proto__:',
      '    polluted: yes',
      '',
    ].join('\n');
    // The top-level __proto__ entry has no resolution: an entry yarn cannot have written.
    expect(code(berry)).toBe('LOCKFILE_INVALID');
    expect(parseLockfile(berry.replace('__proto__:\n  polluted: yes\n', '')).packages).toEqual([{ name: 'a', version: '1.0.0', direct: false }]);
  });

  it('yarn classic __proto__ blocks stay in Maps', () => {
    const text = '# yarn lockfile v1\n\n__proto__:\n  polluted "yes"\n\na@^1.0.0:\n  version "1.0.0"\n  __proto__ "x"\n';
    // `__proto__` is a registry pattern with no version: refused rather than skipped.
    expect(code(text)).toBe('LOCKFILE_INVALID');
    expect(parseLockfile(text.replace('__proto__:\n  polluted "yes"\n', '')).packages).toEqual([{ name: 'a', version: '1.0.0', direct: false }]);
  });

  it('deeply nested input fails cleanly', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(code(deep)).toBe('LOCKFILE_INVALID');
    const components = `{"bomFormat":"CycloneDX","components":${'[{"components":'.repeat(2000)}[]${'}]'.repeat(2000)}}`;
    expect(parseLockfile(components).packages).toEqual([]);
  });

  it('YAML alias bombs are cut off', () => {
    const lines = ["lockfileVersion: '9.0'", 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 9; i += 1) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    expect(code(lines.join('\n'))).toBe('LOCKFILE_INVALID');
  });

  it('strips a UTF-8 byte order mark', () => {
    expect(parseLockfile(`\uFEFF${fixture('npm-v3.package-lock.json')}`).format).toBe('npm-v3');
  });
});
