import { analyze, findingsOf } from '../__fixtures__/package-builder';

describe('destructive.home-wipe', () => {
  it.each([
    ["fs.rmSync(os.homedir(), { recursive: true, force: true })"],
    ["const h = require('node:os').homedir(); rimraf.sync(h)"],
    ["await fsp.rm(process.env.HOME, { recursive: true })"],
    ["require('child_process').execSync('rm -rf --no-preserve-root /')"],
    ["exec('del /F /Q /S \"%USERPROFILE%\\\\*\"')"],
    ["execSync(`find \"$HOME\" -type f -writable -exec shred -uvz {} +`)"],
  ])('blocks %s', (code) => {
    const report = analyze({ files: { 'index.js': code } });
    expect(findingsOf(report, 'destructive.home-wipe')[0]).toMatchObject({ category: 'malware', severity: 'critical' });
  });

  it('blocks shell wipes in scripts', () => {
    expect(findingsOf(analyze({ files: { 'x.sh': 'rm -rf "$HOME"' } }), 'destructive.home-wipe')).toHaveLength(1);
    expect(findingsOf(analyze({ files: { 'x.ps1': 'Remove-Item -Recurse -Force $env:USERPROFILE' } }), 'destructive.home-wipe')).toHaveLength(1);
  });

  it('leaves cleaning of folders inside home alone', () => {
    for (const code of ["fs.rmSync(path.join(os.homedir(), '.cache', 'tool'), { recursive: true })", "const cacheHome = path.join(os.homedir(), '.cache'); rimraf.sync(cacheHome)", "execSync('rm -rf ~/.cache/tool')"]) {
      expect(findingsOf(analyze({ files: { 'index.js': code } }), 'destructive.home-wipe')).toEqual([]);
    }
  });
});
