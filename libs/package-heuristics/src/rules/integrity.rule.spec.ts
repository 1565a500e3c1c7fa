import { analyzePackage } from '../analyze-package';
import { analyze, buildInput, findingsOf } from '../__fixtures__/package-builder';

describe('integrity rules', () => {
  it('flags a manifest that hides the tarball\'s install script or dependencies', () => {
    const input = buildInput({ manifest: { scripts: { postinstall: 'node p.js' }, dependencies: { a: '1' } }, files: { 'p.js': '' } });
    const report = analyzePackage({ ...input, manifest: { name: input.name, version: input.version, scripts: {}, dependencies: {} } });
    expect(findingsOf(report, 'integrity.manifest-mismatch')[0]).toMatchObject({ severity: 'high', message: expect.stringContaining('scripts.postinstall, dependencies') });
    expect(findingsOf(analyze({ manifest: { scripts: { postinstall: 'node p.js' } }, files: { 'p.js': '' } }), 'integrity.manifest-mismatch')).toEqual([]);
  });

  it('notes new dependencies, and warns when one imitates a popular name', () => {
    const report = analyze({ version: '1.0.1', manifest: { dependencies: { chalk: '5', 'crypto-jss': '4' } }, previous: { version: '1.0.0', manifest: { dependencies: { chalk: '5' } } } });
    const found = findingsOf(report, 'integrity.new-dependency');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'medium', message: expect.stringContaining('imitates "crypto-js"') });
    const plain = analyze({ version: '1.1.0', manifest: { dependencies: { 'left-pad-ng': '1' } }, previous: { version: '1.0.0' } });
    expect(findingsOf(plain, 'integrity.new-dependency')[0].severity).toBe('info');
  });
});
