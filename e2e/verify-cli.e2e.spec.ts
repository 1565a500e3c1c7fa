import { createServer, request as httpRequest, type Server } from 'node:http';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCleanups, runCommand, waitFor } from '@palisade/testing';
import { NpmUser } from './support/npm-cli';
import { startStack, type Stack } from './support/stack';

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
/** `--no-require-attestations` until the registry serves /-/palisade/v1/attestations. */
let attestationFlags: string[] = [];

function verify(cwd: string, args: readonly string[]) {
  return runCommand(process.execPath, ['-r', resolve(repo, 'libs/testing/register.cjs'), resolve(repo, 'apps/cli/src/main.ts'), 'verify', ...args], { cwd, env: { PATH: process.env.PATH } });
}

/** A proxy to the gateway that alters the first `sig` of every packument it passes on. */
async function tamperingProxy(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host, 'accept-encoding': 'identity' } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').replace(/"sig":"([A-Za-z0-9+/])/, (_m, first: string) => `"sig":"${first === 'M' ? 'N' : 'M'}`);
        const headers = { ...answer.headers };
        delete headers['content-length'];
        delete headers.etag;
        res.writeHead(answer.statusCode ?? 502, headers);
        res.end(body);
      });
    });
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

beforeAll(async () => {
  stack = await startStack('embedded', { PALISADE_SIGNING_ADMIN_TOKEN: ADMIN });
  registry = stack.registry('dev');
  const response = await fetch(`${registry}-/user/org.couchdb.user:vera`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
    body: JSON.stringify({ _id: 'org.couchdb.user:vera', name: 'vera', password: 'veras-long-password', email: 'vera@example.test', type: 'user', roles: [] }),
  });
  expect(response.status).toBe(201);
  user = await NpmUser.create(registry, ((await response.json()) as { token: string }).token);
  for (const manifest of [
    { name: 'verify-leaf', version: '1.0.0', main: 'index.js' },
    { name: '@verify/mid', version: '1.0.0', main: 'index.js', dependencies: { 'verify-leaf': '^1.0.0' } },
  ]) {
    const dir = await user.project(manifest, { 'index.js': 'module.exports = 1;\n' });
    expect((await user.npm(['publish'], dir)).code).toBe(0);
  }
  for (const name of ['verify-leaf', '@verify/mid']) {
    await waitFor(
      async () => {
        const doc = (await (await fetch(`${registry}${name.replace('/', '%2f')}`)).json()) as { versions?: Record<string, { dist: { signatures?: unknown[] } }> };
        return (doc.versions?.['1.0.0']?.dist.signatures?.length ?? 0) > 0;
      },
      { timeoutMs: 15_000, message: `${name} signed` },
    );
  }
  const attestations = await fetch(`${registry}-/palisade/v1/attestations/verify-leaf@1.0.0`);
  if (attestations.status === 404) attestationFlags = ['--no-require-attestations'];
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
    const result = await verify(app, ['--registry', registry, ...attestationFlags]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^@verify\/mid@1\.0\.0 {2}signature: ok/m);
    expect(result.stdout).toMatch(/^verify-leaf@1\.0\.0 {2}signature: ok/m);
    expect(result.stdout).toContain('registry signatures: 2 verified, 0 missing, 0 invalid');
    expect(result.stdout).toContain('verification passed');
  });

  it('finds the registry from the lockfile and reports JSON', async () => {
    const result = await verify(app, ['--json', ...attestationFlags]);
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
    const result = await verify(app, ['--registry', `${tampering.url}/dev/`, ...attestationFlags]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/has an invalid registry signature with keyid: SHA256:/);
    expect(result.stdout).toContain('verification FAILED');
  });

  it('fails when attestations are required and the registry has none for a package', async () => {
    const result = await verify(app, ['--registry', registry]);
    if (attestationFlags.length > 0) {
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('has no attestations');
    } else {
      expect(result.stdout).toContain('attestations:        2 verified, 0 missing, 0 invalid');
      expect(result.code).toBe(0);
    }
  });
});
