import { cp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { integrityOf, makeTarball, publishBody, runCleanups, tempDir } from '@palisade/testing';
import { NpmUser, PNPM, YARN, run } from './support/npm-cli';
import { startStack, type Stack, type StackMode } from './support/stack';

// The registry protocol end to end: the real npm CLI (and pnpm, yarn berry) against Palisade,
// once with every service as its own process on NATS + PostgreSQL + S3, once embedded.
const modes: StackMode[] = ['distributed', 'embedded'];

async function createUser(stack: Stack, name: string, password: string): Promise<string> {
  const response = await fetch(`${stack.registry()}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, email: `${name}@example.test`, type: 'user', roles: [] }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

async function rawPublish(stack: Stack, token: string | undefined, body: Record<string, unknown>): Promise<{ status: number; error: string }> {
  const name = String(body.name);
  const response = await fetch(`${stack.registry()}${name.replace('/', '%2f')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, error: ((await response.json()) as { error: string }).error };
}

describe.each(modes)('registry protocol with the real npm CLI (%s mode)', (mode) => {
  let stack: Stack;
  let alice: NpmUser;
  let bob: NpmUser;
  let anonymous: NpmUser;
  let aliceToken: string;

  beforeAll(async () => {
    // A low unpacked-size limit keeps the gzip bomb test small.
    stack = await startStack(mode, { PALISADE_INGEST_MAX_UNPACKED_BYTES: String(64 * 1024 * 1024) });
    aliceToken = await createUser(stack, 'alice', 'correct-horse-battery');
    await createUser(stack, 'bob', 'bobs-long-password');
    alice = await NpmUser.create(stack.registry());
    bob = await NpmUser.create(stack.registry());
    anonymous = await NpmUser.create(stack.registry());
  });

  afterAll(async () => {
    await stack?.stop();
    await runCleanups();
  });

  it('answers npm ping', async () => {
    const result = await anonymous.npm(['ping'], anonymous.home);
    expect(result.output).toContain('PONG');
    expect(result.code).toBe(0);
  });

  it('refuses self sign-up when it is off', async () => {
    const result = await anonymous.npm(['adduser', '--auth-type=legacy'], anonymous.home, [['Username:', 'mallory'], ['Password:', 'mallory-password'], ['Email', 'mallory@example.test']]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('sign-up is closed');
  });

  it('logs in with the legacy flow, and whoami names the user', async () => {
    const login = await alice.npm(['login', '--auth-type=legacy'], alice.home, [['Username:', 'alice'], ['Password:', 'correct-horse-battery']]);
    expect(login.output).toMatch(/Logged in/);
    expect(login.code).toBe(0);
    expect((await alice.npm(['whoami'], alice.home)).stdout.trim()).toBe('alice');
    const bobLogin = await bob.npm(['login', '--auth-type=legacy'], bob.home, [['Username:', 'bob'], ['Password:', 'bobs-long-password']]);
    expect(bobLogin.code).toBe(0);
  });

  it('creates, lists and revokes tokens', async () => {
    const created = await alice.npm(['token', 'create', '--password=correct-horse-battery', '--name=e2e-token'], alice.home);
    expect(created.code).toBe(0);
    const token = /Created token (pal_\S+)/.exec(created.stdout)?.[1] as string;
    expect(token).toBeDefined();
    const list = await alice.npm(['token', 'list', '--json'], alice.home);
    const entry = (JSON.parse(list.stdout) as Array<{ id: string; name: string }>).find((t) => t.name === 'e2e-token');
    expect(entry).toBeDefined();
    const revoke = await alice.npm(['token', 'revoke', (entry as { id: string }).id], alice.home);
    expect(revoke.code).toBe(0);
    const whoami = await fetch(`${stack.registry()}-/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(whoami.status).toBe(401);
  });

  describe('packages', () => {
    let hello: string;
    let util: string;

    beforeAll(async () => {
      hello = await alice.project(
        { name: 'hello-palisade', version: '1.0.0', description: 'says hello', main: 'index.js', keywords: ['greeting'] },
        { 'index.js': "module.exports = () => 'hello';\n", 'README.md': '# hello-palisade\n' },
      );
      util = await alice.project(
        { name: '@acme/util', version: '1.0.0', main: 'index.js', dependencies: { 'hello-palisade': '^1.0.0' } },
        { 'index.js': "module.exports = require('hello-palisade');\n", 'README.md': '# @acme/util\n\nShared helpers.\n' },
      );
    });

    it('publishes unscoped and scoped packages', async () => {
      const first = await alice.npm(['publish'], hello);
      expect(first.output).toContain('+ hello-palisade@1.0.0');
      expect(first.code).toBe(0);
      const scoped = await alice.npm(['publish'], util);
      expect(scoped.code).toBe(0);
      expect(await stack.blobCount()).toBe(2);
    });

    it('shows them with npm view, readme included', async () => {
      const view = await alice.npm(['view', '@acme/util', '--json'], alice.home);
      const doc = JSON.parse(view.stdout) as { name: string; version: string; readme?: string; dependencies: Record<string, string> };
      expect(doc).toMatchObject({ name: '@acme/util', version: '1.0.0', dependencies: { 'hello-palisade': '^1.0.0' } });
      const readme = await alice.npm(['view', '@acme/util', 'readme'], alice.home);
      expect(readme.stdout).toContain('Shared helpers.');
    });

    it('installs a tree, and npm ci reproduces it from the lockfile', async () => {
      const app = await alice.project({ name: 'app', version: '1.0.0', private: true, dependencies: { '@acme/util': '^1.0.0' } });
      const install = await alice.npm(['install'], app);
      expect(install.code).toBe(0);
      expect(await readFile(join(app, 'node_modules/hello-palisade/index.js'), 'utf8')).toContain('hello');
      const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved: string; integrity: string }> };
      expect(lock.packages['node_modules/@acme/util'].resolved).toBe(`${stack.registry()}@acme/util/-/util-1.0.0.tgz`);
      expect(lock.packages['node_modules/hello-palisade'].integrity).toMatch(/^sha512-/);
      const copy = await tempDir('palisade-ci-');
      await cp(join(app, 'package.json'), join(copy, 'package.json'));
      await cp(join(app, 'package-lock.json'), join(copy, 'package-lock.json'));
      const ci = await alice.npm(['ci'], copy);
      expect(ci.code).toBe(0);
      expect(await readdir(join(copy, 'node_modules/@acme'))).toEqual(['util']);
    });

    it('manages dist-tags', async () => {
      await alice.npm(['version', '1.1.0-beta.0', '--no-git-tag-version'], hello);
      expect((await alice.npm(['publish', '--tag', 'beta'], hello)).code).toBe(0);
      expect((await alice.npm(['dist-tag', 'add', 'hello-palisade@1.0.0', 'stable'], hello)).code).toBe(0);
      const ls = await alice.npm(['dist-tag', 'ls', 'hello-palisade'], hello);
      expect(ls.stdout).toContain('latest: 1.0.0');
      expect(ls.stdout).toContain('beta: 1.1.0-beta.0');
      expect(ls.stdout).toContain('stable: 1.0.0');
      expect((await alice.npm(['dist-tag', 'rm', 'hello-palisade', 'stable'], hello)).code).toBe(0);
      const after = await alice.npm(['dist-tag', 'ls', 'hello-palisade'], hello);
      expect(after.stdout).toContain('latest: 1.0.0');
      expect(after.stdout).not.toContain('stable');
    });

    it('prints a deprecation warning on install, and un-deprecates', async () => {
      expect((await alice.npm(['deprecate', 'hello-palisade@1.0.0', 'use 2.x instead'], hello)).code).toBe(0);
      const app = await alice.project({ name: 'app2', version: '1.0.0', private: true, dependencies: { 'hello-palisade': '1.0.0' } });
      const install = await alice.npm(['install'], app);
      expect(install.output).toContain('deprecated hello-palisade@1.0.0: use 2.x instead');
      expect((await alice.npm(['deprecate', 'hello-palisade@1.0.0', ''], hello)).code).toBe(0);
      const view = await alice.npm(['view', 'hello-palisade@1.0.0', 'deprecated'], hello);
      expect(view.code).toBe(0);
      expect(view.stdout.trim()).toBe('');
    });

    it('refuses to publish over an existing version', async () => {
      await alice.npm(['version', '1.0.0', '--no-git-tag-version', '--allow-same-version'], hello);
      const again = await alice.npm(['publish'], hello);
      expect(again.code).not.toBe(0);
      // npm refuses this itself from the packument (EPUBLISHCONFLICT); the registry refuses it too:
      expect(again.output).toMatch(/cannot publish over the previously published versions?: 1\.0\.0/);
      const tarball = makeTarball([{ path: 'package/package.json', content: JSON.stringify({ name: 'hello-palisade', version: '1.0.0' }) }]);
      expect(await rawPublish(stack, aliceToken, publishBody({ name: 'hello-palisade', version: '1.0.0' }, tarball))).toEqual({
        status: 409,
        error: 'cannot publish over the previously published version 1.0.0',
      });
    });

    it('unpublishes a version for good: the same name@version cannot come back with other bytes', async () => {
      await alice.npm(['version', '1.2.0', '--no-git-tag-version'], hello);
      expect((await alice.npm(['publish'], hello)).code).toBe(0);
      const unpublish = await alice.npm(['unpublish', 'hello-palisade@1.2.0'], hello);
      expect(unpublish.code).toBe(0);
      const versions = JSON.parse((await alice.npm(['view', 'hello-palisade', 'versions', '--json'], hello)).stdout) as string[];
      expect(versions).not.toContain('1.2.0');
      await cp(join(hello, 'index.js'), join(hello, 'other.js'));
      const republish = await alice.npm(['publish'], hello);
      expect(republish.code).not.toBe(0);
      expect(republish.output).toContain('cannot publish over the previously published version 1.2.0');
    });

    it('unpublishes a whole package', async () => {
      const doomed = await alice.project({ name: 'doomed-palisade', version: '0.1.0' }, { 'index.js': '' });
      expect((await alice.npm(['publish'], doomed)).code).toBe(0);
      expect((await alice.npm(['unpublish', 'doomed-palisade', '--force'], doomed)).code).toBe(0);
      const view = await alice.npm(['view', 'doomed-palisade'], doomed);
      expect(view.output).toMatch(/E404/);
    });

    it('finds packages with npm search', async () => {
      const search = await alice.npm(['search', 'hello', '--json'], alice.home);
      const names = (JSON.parse(search.stdout) as Array<{ name: string }>).map((p) => p.name);
      expect(names).toContain('hello-palisade');
    });

    it('lists, adds and removes owners', async () => {
      expect((await alice.npm(['owner', 'ls', 'hello-palisade'], hello)).stdout).toContain('alice');
      expect((await alice.npm(['owner', 'add', 'bob', 'hello-palisade'], hello)).code).toBe(0);
      expect((await alice.npm(['owner', 'ls', 'hello-palisade'], hello)).stdout).toContain('bob');
      expect((await alice.npm(['owner', 'rm', 'bob', 'hello-palisade'], hello)).code).toBe(0);
      const owners = (await alice.npm(['owner', 'ls', 'hello-palisade'], hello)).stdout;
      expect(owners).toContain('alice');
      expect(owners).not.toContain('bob');
    });

    it('installs the same package with pnpm', async () => {
      const app = await alice.project({ name: 'app-pnpm', version: '1.0.0', private: true, dependencies: { '@acme/util': '^1.0.0' } });
      const result = await run(process.execPath, [PNPM, 'install', '--registry', stack.registry(), '--store-dir', join(app, '.pnpm-store')], { cwd: app, env: alice.env({ CI: 'true' }) });
      if (result.code !== 0) console.log(result.output);
      expect(result.code).toBe(0);
      expect(await readFile(join(app, 'node_modules/@acme/util/index.js'), 'utf8')).toContain('hello-palisade');
    });

    it('installs the same package with yarn berry', async () => {
      const app = await alice.project(
        { name: 'app-yarn', version: '1.0.0', private: true, dependencies: { '@acme/util': '^1.0.0' } },
        { '.yarnrc.yml': `npmRegistryServer: "${stack.registry()}"\nnodeLinker: node-modules\nnpmMinimalAgeGate: 0\nunsafeHttpWhitelist:\n  - 127.0.0.1\nenableTelemetry: false\nenableGlobalCache: false\n` },
      );
      const result = await run(process.execPath, [YARN, 'install'], { cwd: app, env: alice.env({ YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', CI: 'true' }) });
      if (result.code !== 0) console.log(result.output);
      expect(result.output).not.toMatch(/YN0001|YN0035/);
      expect(result.code).toBe(0);
      expect(await readFile(join(app, 'node_modules/hello-palisade/index.js'), 'utf8')).toContain('hello');
    });
  });

  describe('refusals', () => {
    const manifest = { name: 'evil-palisade', version: '1.0.0', description: 'refused' };
    const packageJson = (extra: Record<string, unknown> = {}) => JSON.stringify({ ...manifest, ...extra });

    let blobsBefore: number;
    beforeEach(async () => {
      blobsBefore = await stack.blobCount();
    });

    async function expectNothingStored(): Promise<void> {
      const response = await fetch(`${stack.registry()}evil-palisade`);
      expect(response.status).toBe(404);
      expect(await stack.blobCount()).toBe(blobsBefore);
    }

    it('answers 401 to a publish without a token, and npm says so for a bad one', async () => {
      const tarball = makeTarball([{ path: 'package/package.json', content: packageJson() }]);
      expect(await rawPublish(stack, undefined, publishBody(manifest, tarball))).toMatchObject({ status: 401 });
      const stranger = await NpmUser.create(stack.registry(), 'pal_not_a_real_token');
      const project = await stranger.project(manifest, { 'index.js': '' });
      const result = await stranger.npm(['publish'], project);
      expect(result.output).toMatch(/E401/);
      await expectNothingStored();
    });

    it('answers 403 to a publish into a scope the token may not write', async () => {
      const project = await bob.project({ name: '@acme/intruder', version: '1.0.0' }, { 'index.js': '' });
      const result = await bob.npm(['publish'], project);
      expect(result.output).toMatch(/E403/);
      expect(result.output).toContain('@acme');
    });

    it('refuses a tarball whose integrity does not match', async () => {
      const tarball = makeTarball([{ path: 'package/package.json', content: packageJson() }]);
      const other = makeTarball([{ path: 'package/package.json', content: packageJson({ description: 'other bytes' }) }]);
      const answer = await rawPublish(stack, aliceToken, publishBody(manifest, tarball, { dist: { integrity: integrityOf(other) } }));
      expect(answer.status).toBe(422);
      expect(answer.error).toMatch(/integrity/i);
      await expectNothingStored();
    });

    it('refuses a tarball with a ../ entry', async () => {
      const tarball = makeTarball([
        { path: 'package/package.json', content: packageJson() },
        { path: 'package/../../evil.sh', content: 'rm -rf /' },
      ]);
      const answer = await rawPublish(stack, aliceToken, publishBody(manifest, tarball));
      expect(answer.status).toBe(422);
      expect(answer.error).toContain('../');
      await expectNothingStored();
    });

    it('refuses a gzip bomb without unpacking it whole', async () => {
      // One 128 MiB file of zeros (twice the limit): about 130 KiB gzipped.
      const bomb = makeTarball([{ path: 'package/package.json', content: packageJson() }, { path: 'package/zeros.bin', zeros: 128 * 1024 * 1024 }]);
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const answer = await rawPublish(stack, aliceToken, publishBody(manifest, bomb));
      expect(answer.status).toBe(413);
      expect(answer.error).toMatch(/unpacked|too large/i);
      await expectNothingStored();
    });

    it('refuses manifest confusion: the tarball says one thing, the manifest another', async () => {
      const tarball = makeTarball([{ path: 'package/package.json', content: packageJson({ scripts: { postinstall: 'node steal.js' }, dependencies: { 'left-pad': '1.0.0' } }) }]);
      const answer = await rawPublish(stack, aliceToken, publishBody(manifest, tarball));
      expect(answer.status).toBe(422);
      expect(answer.error).toMatch(/scripts/);
      expect(answer.error).toMatch(/dependencies/);
      await expectNothingStored();
    });
  });
});
