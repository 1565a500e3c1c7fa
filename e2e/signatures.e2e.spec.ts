import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { runCleanups, waitFor } from '@palisade/testing';
import type { NpmUser } from './support/npm-cli';
import { lockfilePackages, registryKeys, verifyWithPacote, type NpmKey } from './support/npm-verify';
import { createNpmUser, publishPackage, signaturesOf as signedWith } from './support/registry-user';
import { startStack, type Stack, type StackMode } from './support/stack';
import { tamperingProxy } from './support/tampering-proxy';

const modes: StackMode[] = ['embedded', 'distributed'];
const ADMIN = `signing-admin-${randomBytes(12).toString('hex')}`;

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
