import { analyze, findingsOf } from '../__fixtures__/package-builder';

const hook = (code: string, extra: Record<string, string> = {}) => ({ manifest: { scripts: { postinstall: 'node i.js' } }, files: { 'i.js': code, ...extra } });

describe('install-time capabilities', () => {
  it('sees network use however it is spelled', () => {
    for (const code of ["require('node:https').get(u)", "import http from 'http'; http.get(u)", 'await fetch(u)', "new WebSocket('wss://x.invalid')", "const { request } = require('undici')", "require('child_process').execSync('wget ' + u)"]) {
      const report = analyze(hook(code));
      expect(findingsOf(report, 'install-script.network')).toHaveLength(1);
      expect(report.verdict).toBe('clean');
    }
  });

  it('raises network to medium when the hook is new', () => {
    const report = analyze({ ...hook("require('https').get(u)"), version: '1.1.0', previous: { version: '1.0.0' } });
    expect(findingsOf(report, 'install-script.network')[0].severity).toBe('medium');
  });

  it('ignores capabilities of runtime-only code', () => {
    const report = analyze({ files: { 'index.js': "const https = require('https'); const cp = require('child_process'); module.exports = () => fetch(process.env.API_URL);" } });
    expect(report.findings).toEqual([]);
    expect(report.verdict).toBe('clean');
  });

  it('reports spawning as info', () => {
    expect(findingsOf(analyze(hook("const { spawnSync } = require('node:child_process'); spawnSync('make');")), 'install-script.spawn')[0].severity).toBe('info');
  });

  it('treats credential reads and whole-environment dumps at install time as suspicious even without network', () => {
    const creds = analyze(hook("const t = process.env['NPM_TOKEN']; require('fs').writeFileSync('/tmp/t', t);"));
    expect(findingsOf(creds, 'install-script.credential-access')[0]).toMatchObject({ severity: 'medium', evidence: { file: 'package/i.js', line: 1 } });
    const env = analyze(hook("require('fs').writeFileSync('env.json', JSON.stringify(process.env));"));
    expect(findingsOf(env, 'install-script.env-serialization')).toHaveLength(1);
    expect(env.verdict).toBe('warn');
  });
});
