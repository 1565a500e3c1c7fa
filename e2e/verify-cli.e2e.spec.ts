import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCleanups, runCommand, waitFor } from '@palisade/testing';
import type { NpmUser } from './support/npm-cli';
import { createNpmUser, publishPackage, signaturesOf } from './support/registry-user';
import { startStack, type Stack } from './support/stack';
import { tamperingProxy } from './support/tampering-proxy';

// `palisade verify` against a real registry: a tree published and installed with npm, then the
// project's lockfile verified (signatures and attestations), directly and through a proxy that
// alters a signature.
const repo = resolve(__dirname, '..');
const ADMIN = `signing-admin-${randomBytes(12).toString('hex')}`;

let stack: Stack;
let user: NpmUser;
let registry: string;
let app: string;
let proxy: Server | undefined;

function verify(cwd: string, args: readonly string[]) {
  return runCommand(process.execPath, ['-r', resolve(repo, 'libs/testing/register.cjs'), resolve(repo, 'apps/cli/src/main.ts'), 'verify', ...args], { cwd, env: { PATH: process.env.PATH } });
}

beforeAll(async () => {
  stack = await startStack('embedded', { PALISADE_SIGNING_ADMIN_TOKEN: ADMIN });
  registry = stack.registry('dev');
  user = await createNpmUser(registry, stack.adminToken, 'vera');
  for (const manifest of [
    { name: 'verify-leaf', version: '1.0.0', main: 'index.js' },
    { name: '@verify/mid', version: '1.0.0', main: 'index.js', dependencies: { 'verify-leaf': '^1.0.0' } },
  ]) {
    await publishPackage(user, manifest);
  }
  for (const name of ['verify-leaf', '@verify/mid']) await signaturesOf(registry, name, '1.0.0');
  // Attestations are required by default: wait until both packages have theirs (a 404 would fail).
  for (const spec of ['verify-leaf@1.0.0', '@verify/mid@1.0.0']) {
    await waitFor(async () => (await fetch(`${registry}-/palisade/v1/attestations/${spec}`)).status === 200, { timeoutMs: 15_000, message: `attestations of ${spec}` });
  }
  app = await user.project({ name: 'verify-app', version: '1.0.0', private: true, dependencies: { '@verify/mid': '^1.0.0' } });
  expect((await user.npm(['install'], app)).code).toBe(0);
}, 180_000);

afterAll(async () => {
  await new Promise((done) => (proxy ? proxy.close(done) : done(undefined)));
  await stack?.stop();
  await runCleanups();
});

describe('palisade verify', () => {
  it('verifies every package of an installed project and names each in the summary', async () => {
    const result = await verify(app, ['--registry', registry]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^@verify\/mid@1\.0\.0 {2}signature: ok/m);
    expect(result.stdout).toMatch(/^verify-leaf@1\.0\.0 {2}signature: ok/m);
    expect(result.stdout).toContain('registry signatures: 2 verified, 0 missing, 0 invalid');
    expect(result.stdout).toContain('verification passed');
  });

  it('finds the registry from the lockfile and reports JSON', async () => {
    const result = await verify(app, ['--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; packages: Array<{ name: string; registry: string; signature: { status: string } }> };
    expect(report.ok).toBe(true);
    expect(report.packages.map((p) => [p.name, p.registry, p.signature.status])).toEqual([
      ['@verify/mid', registry, 'verified'],
      ['verify-leaf', registry, 'verified'],
    ]);
  });

  it('fails with a clear message when a served signature was altered', async () => {
    const tampering = await tamperingProxy(stack.baseUrl);
    proxy = tampering.server;
    const result = await verify(app, ['--registry', `${tampering.url}/dev/`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/has an invalid registry signature with keyid: SHA256:/);
    expect(result.stdout).toContain('verification FAILED');
  });

  it('requires attestations by default and verifies those of every package', async () => {
    const result = await verify(app, ['--registry', registry]);
    expect(result.stdout).toContain('attestations:        2 verified, 0 missing, 0 invalid');
    expect(result.code).toBe(0);
  });
});
