import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCleanups, tempDir, waitFor } from '@palisade/testing';
import type { NpmUser } from './support/npm-cli';
import { createNpmUser, publishPackage, signaturesOf as signedWith } from './support/registry-user';
import { startStack, type Stack, type StackMode } from './support/stack';
import { tamperingProxy } from './support/tampering-proxy';

// Registry signatures verified the way npm verifies them: `npm audit signatures` cannot run here
// (its Sigstore TUF step needs the network), so the test does what it does after that step:
// fetch /-/npm/v1/keys and call the pacote shipped inside the installed npm with
// `verifySignatures: true` for every package of the project's lockfile.
const modes: StackMode[] = ['embedded', 'distributed'];
const ADMIN = `signing-admin-${randomBytes(12).toString('hex')}`;

interface NpmKey {
  keyid: string;
  key: string;
  expires: string | null;
}
interface Pacote {
  manifest(spec: string, options: Record<string, unknown>): Promise<{ _signatures?: Array<{ keyid: string; sig: string }> }>;
}

const npmRoot = join(dirname(realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim())), '..');
const pacote = createRequire(join(npmRoot, 'package.json'))('pacote') as Pacote;

async function registryKeys(registry: string): Promise<Array<NpmKey & { pemkey: string }>> {
  const response = await fetch(`${registry}-/npm/v1/keys`);
  expect(response.status).toBe(200);
  const { keys } = (await response.json()) as { keys: NpmKey[] };
  // As npm's verify-signatures maps them for pacote.
  return keys.map((key) => ({ ...key, pemkey: `-----BEGIN PUBLIC KEY-----\n${key.key}\n-----END PUBLIC KEY-----` }));
}

/** pacote.manifest with signature verification, as `npm audit signatures` calls it. */
async function verifyWithPacote(registry: string, spec: string, keys: unknown): Promise<{ _signatures?: Array<{ keyid: string; sig: string }> }> {
  const url = new URL(registry);
  return pacote.manifest(spec, {
    registry,
    verifySignatures: true,
    fullMetadata: true,
    preferOnline: true,
    cache: await tempDir('palisade-pacote-cache-'),
    [`//${url.host}${url.pathname}:_keys`]: keys,
  });
}

async function lockfilePackages(project: string): Promise<string[]> {
  const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; name?: string }> };
  return Object.entries(lock.packages)
    .filter(([path]) => path !== '')
    .map(([path, entry]) => `${entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${entry.version}`);
}

function signingUrl(stack: Stack): string {
  for (const child of stack.processes()) {
    for (const line of child.stdout) {
      for (const part of line.split('\n')) {
        if (!part.includes('"msg":"signing started"')) continue;
        return (JSON.parse(part) as { url: string }).url;
      }
    }
  }
  throw new Error('no "signing started" line in the stack output');
}

describe.each(modes)('registry signatures verified by npm\'s pacote (%s mode)', (mode) => {
  let stack: Stack;
  let user: NpmUser;
  let registry: string;
  let app: string;
  let proxy: Server | undefined;
  let keysAfterRotation: NpmKey[] = [];

  const signaturesOf = (name: string, version: string) => signedWith(registry, name, version);
  const admin = async (path: string) => {
    const response = await fetch(`${signingUrl(stack)}/-/palisade/v1/keys${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as { keys: Array<NpmKey & { status: string }> };
  };
  const publish = (packageJson: Record<string, unknown>) => publishPackage(user, packageJson);

  beforeAll(async () => {
    stack = await startStack(mode, { PALISADE_SIGNING_ADMIN_TOKEN: ADMIN });
    registry = stack.registry('dev');
    user = await createNpmUser(registry, stack.adminToken, 'carol');
  });

  afterAll(async () => {
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    await stack?.stop();
    await runCleanups();
  });

  it('serves one ECDSA P-256 key under every view', async () => {
    await waitFor(async () => (await fetch(`${registry}-/npm/v1/keys`)).status === 200, { timeoutMs: 15_000, message: 'keys served' });
    const keys = await registryKeys(registry);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ expires: null, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256' });
    expect(keys[0].keyid).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    for (const view of ['staging', 'prod']) expect((await registryKeys(stack.registry(view)))[0].keyid).toBe(keys[0].keyid);
  });

  it('signs a published tree; npm installs it and pacote verifies every package of the lockfile', async () => {
    await publish({ name: 'sig-leaf', version: '1.0.0', main: 'index.js' });
    await publish({ name: '@sig/mid', version: '1.0.0', main: 'index.js', dependencies: { 'sig-leaf': '^1.0.0' } });
    await signaturesOf('sig-leaf', '1.0.0');
    await signaturesOf('@sig/mid', '1.0.0');
    app = await user.project({ name: 'sig-app', version: '1.0.0', private: true, dependencies: { '@sig/mid': '^1.0.0' } });
    expect((await user.npm(['install'], app)).code).toBe(0);
    const specs = await lockfilePackages(app);
    expect(specs.sort()).toEqual(['@sig/mid@1.0.0', 'sig-leaf@1.0.0']);
    const keys = await registryKeys(registry);
    for (const spec of specs) {
      const manifest = await verifyWithPacote(registry, spec, keys);
      expect(manifest._signatures).toEqual([{ keyid: keys[0].keyid, sig: expect.any(String) }]);
    }
    // The abbreviated packument carries them too.
    const corgi = (await (await fetch(`${registry}sig-leaf`, { headers: { accept: 'application/vnd.npm.install-v1+json' } })).json()) as {
      versions: Record<string, { dist: { signatures?: unknown[] } }>;
    };
    expect(corgi.versions['1.0.0'].dist.signatures).toHaveLength(1);
  });

  it('fails verification with EINTEGRITYSIGNATURE when a served signature was altered', async () => {
    const tampering = await tamperingProxy(stack.baseUrl);
    proxy = tampering.server;
    const viaProxy = `${tampering.url}/dev/`;
    const keys = await registryKeys(registry);
    await expect(verifyWithPacote(viaProxy, 'sig-leaf@1.0.0', keys)).rejects.toMatchObject({ code: 'EINTEGRITYSIGNATURE' });
    await expect(verifyWithPacote(viaProxy, 'sig-leaf@1.0.0', keys)).rejects.toThrow(/sig-leaf@1\.0\.0 has an invalid registry signature/);
  });

  it('after a rotation, the earlier install still verifies and new versions carry the new key', async () => {
    const before = await registryKeys(registry);
    const rotated = await admin('/rotate');
    const active = rotated.keys.find((k) => k.status === 'active') as NpmKey;
    expect(active.keyid).not.toBe(before[0].keyid);
    await waitFor(async () => (await registryKeys(registry)).length === 2, { timeoutMs: 15_000, message: 'rotated keys served' });
    const keys = await registryKeys(registry);
    expect(keys.find((k) => k.keyid === before[0].keyid)?.expires).toEqual(expect.any(String));
    for (const spec of await lockfilePackages(app)) {
      expect((await verifyWithPacote(registry, spec, keys))._signatures?.[0].keyid).toBe(before[0].keyid);
    }
    await publish({ name: 'sig-leaf', version: '1.1.0', main: 'index.js' });
    expect((await signaturesOf('sig-leaf', '1.1.0')).map((s) => s.keyid)).toEqual([active.keyid]);
    expect((await verifyWithPacote(registry, 'sig-leaf@1.1.0', keys))._signatures?.[0].keyid).toBe(active.keyid);
    // The version signed before the rotation kept its signature.
    expect((await signaturesOf('sig-leaf', '1.0.0')).map((s) => s.keyid)).toEqual([before[0].keyid]);
    keysAfterRotation = keys;
  });

  it('after revoking the old key, what it signed fails with EEXPIREDSIGNATUREKEY; the rest verifies', async () => {
    const retired = keysAfterRotation.find((k) => k.expires !== null) as NpmKey;
    await admin(`/${encodeURIComponent(retired.keyid)}/revoke`);
    await waitFor(async () => (await registryKeys(registry)).some((k) => k.keyid === retired.keyid && k.expires === '-271821-04-20T00:00:00.000Z'), {
      timeoutMs: 15_000,
      message: 'revocation served',
    });
    const keys = await registryKeys(registry);
    expect(keys).toHaveLength(2);
    await expect(verifyWithPacote(registry, 'sig-leaf@1.0.0', keys)).rejects.toMatchObject({ code: 'EEXPIREDSIGNATUREKEY' });
    await expect(verifyWithPacote(registry, '@sig/mid@1.0.0', keys)).rejects.toMatchObject({ code: 'EEXPIREDSIGNATUREKEY' });
    expect((await verifyWithPacote(registry, 'sig-leaf@1.1.0', keys))._signatures).toHaveLength(1);
  });
});
