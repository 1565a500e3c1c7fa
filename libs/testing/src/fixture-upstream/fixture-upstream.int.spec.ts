import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isPalisadeError } from '@palisade/errors';
import { runCleanups, tempDir } from '../cleanup';
import { isPortOpen } from '../free-port';
import { integrityOf } from '../npm/publish-body';
import { runCommand } from '../process/run-command';
import { startFixtureUpstream } from './fixture-upstream';
import type { FixtureNpmKey, FixtureUpstream } from './types';

// The fixture must be indistinguishable from the public registry for npm and pacote, so what it
// serves is checked with their code: npm's own pacote verifies the signatures, the npm CLI installs.
interface Pacote {
  manifest(spec: string, options: Record<string, unknown>): Promise<{ _integrity?: string }>;
}
const npmRoot = join(dirname(realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim())), '..');
const pacote = createRequire(join(npmRoot, 'package.json'))('pacote') as Pacote;

const ABBREVIATED = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';
const HOUR = 3_600_000;

interface Dist {
  integrity: string;
  shasum: string;
  tarball: string;
  signatures?: Array<{ keyid: string; sig: string }>;
}
interface Packument {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, { dist: Dist; dependencies?: Record<string, string>; hasInstallScript?: boolean; scripts?: Record<string, string>; deprecated?: string }>;
  time?: Record<string, string>;
  modified?: string;
}

afterAll(runCleanups);

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

async function bytesOf(url: string): Promise<{ status: number; bytes: Buffer }> {
  const response = await fetch(url);
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** What pacote does with a registry key and a `dist.signatures` entry. */
function verifies(key: FixtureNpmKey, id: string, integrity: string, sig: string): boolean {
  return verify('sha256', Buffer.from(`${id}:${integrity}`), `-----BEGIN PUBLIC KEY-----\n${key.key}\n-----END PUBLIC KEY-----`, Buffer.from(sig, 'base64'));
}

/** pacote.manifest with signature verification, as `npm audit signatures` calls it. */
async function pacoteVerify(upstream: FixtureUpstream, spec: string, keys: FixtureNpmKey[]): Promise<unknown> {
  const url = new URL(upstream.url);
  return pacote
    .manifest(spec, { registry: upstream.url, verifySignatures: true, fullMetadata: true, preferOnline: true, cache: await tempDir('fixture-pacote-'), [`//${url.host}/:_keys`]: keys.map((k) => ({ ...k, pemkey: `-----BEGIN PUBLIC KEY-----\n${k.key}\n-----END PUBLIC KEY-----` })) })
    .catch((e: { code?: string }) => e.code ?? e);
}

async function errorCodeOf(action: () => unknown): Promise<string | undefined> {
  try {
    await action();
    return undefined;
  } catch (e: unknown) {
    return isPalisadeError(e) ? e.code : String(e);
  }
}

describe('fixture upstream: the npm read protocol', () => {
  let upstream: FixtureUpstream;

  beforeAll(async () => {
    upstream = await startFixtureUpstream();
    upstream.addPackage({
      name: '@acme/util',
      versions: [
        { version: '1.0.0', publishedAt: new Date(Date.now() - 100 * HOUR), dependencies: { 'left-pad': '^1.0.0' } },
        { version: '1.1.0', publishedAt: new Date(Date.now() - HOUR), scripts: { postinstall: 'node index.js' }, deprecated: 'use 2.x' },
        { version: '2.0.0-beta.1', publishedAt: new Date(Date.now() - HOUR) },
      ],
      distTags: { next: '2.0.0-beta.1' },
    });
    upstream.addPackage({ name: 'left-pad', versions: [{ version: '1.0.0', files: { 'index.js': 'module.exports = 1;\n', 'data.bin': Buffer.from([0, 1, 2, 255]) } }] });
  });

  it('serves the full packument under every spelling of a scoped name, with dist and time', async () => {
    const urls = ['@acme%2futil', '@acme%2Futil', '@acme/util'].map((path) => `${upstream.url}${path}`);
    const answers = await Promise.all(urls.map((url) => getJson<Packument>(url)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const doc = answers[0].body;
    expect(answers[1].body).toEqual(doc);
    expect(doc['dist-tags']).toEqual({ latest: '1.1.0', next: '2.0.0-beta.1' });
    expect(Object.keys(doc.versions)).toEqual(['1.0.0', '1.1.0', '2.0.0-beta.1']);
    expect(doc.versions['1.1.0'].deprecated).toBe('use 2.x');
    expect(doc.versions['1.0.0'].dependencies).toEqual({ 'left-pad': '^1.0.0' });
    const time = doc.time as Record<string, string>;
    expect(Date.now() - Date.parse(time['1.0.0'])).toBeGreaterThanOrEqual(100 * HOUR - 60_000);
    expect(time.created).toBe(time['1.0.0']);
    expect(Date.parse(time.modified)).toBe(Math.max(Date.parse(time['1.1.0']), Date.parse(time['2.0.0-beta.1'])));

    const dist = doc.versions['1.0.0'].dist;
    expect(dist.tarball).toBe(`${upstream.url}@acme/util/-/util-1.0.0.tgz`);
    const tarball = await bytesOf(dist.tarball);
    expect(tarball.status).toBe(200);
    expect(integrityOf(tarball.bytes)).toBe(dist.integrity);
    expect(createHash('sha1').update(tarball.bytes).digest('hex')).toBe(dist.shasum);
    expect(upstream.dist('@acme/util', '1.0.0')).toEqual({ integrity: dist.integrity, shasum: dist.shasum, tarball: dist.tarball, bytes: tarball.bytes });
  });

  it('serves the abbreviated packument to install clients', async () => {
    const { status, body, headers } = await getJson<Packument>(`${upstream.url}@acme%2futil`, { accept: ABBREVIATED });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/vnd.npm.install-v1+json');
    expect(body.time).toBeUndefined();
    expect(Object.keys(body).sort()).toEqual(['dist-tags', 'modified', 'name', 'versions']);
    expect(body.versions['1.1.0'].hasInstallScript).toBe(true);
    expect(body.versions['1.1.0'].scripts).toBeUndefined();
    expect(body.versions['1.0.0'].hasInstallScript).toBeUndefined();
    expect(body.versions['1.0.0'].dist.signatures).toHaveLength(1);
  });

  it('answers 304 to a matching If-None-Match, per representation', async () => {
    const url = `${upstream.url}left-pad`;
    const full = await fetch(url);
    const corgi = await fetch(url, { headers: { accept: ABBREVIATED } });
    const fullTag = full.headers.get('etag') as string;
    const corgiTag = corgi.headers.get('etag') as string;
    expect(fullTag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(corgiTag).not.toBe(fullTag);
    expect((await fetch(url, { headers: { 'if-none-match': fullTag } })).status).toBe(304);
    expect((await fetch(url, { headers: { 'if-none-match': `W/${corgiTag}`, accept: ABBREVIATED } })).status).toBe(304);
    expect((await fetch(url, { headers: { 'if-none-match': corgiTag } })).status).toBe(200);

    const tarball = upstream.dist('left-pad', '1.0.0').tarball;
    const first = await fetch(tarball);
    expect((await fetch(tarball, { headers: { 'if-none-match': first.headers.get('etag') as string } })).status).toBe(304);
  });

  it('answers 404 {"error":"Not found"} for unknown names, versions and paths', async () => {
    for (const path of ['nope', '@acme%2fnope', 'left-pad/-/left-pad-9.9.9.tgz', '-/whoami', '']) {
      const { status, body } = await getJson(`${upstream.url}${path}`);
      expect({ path, status, body }).toEqual({ path, status: 404, body: { error: 'Not found' } });
    }
  });

  it('refuses a version twice, bad names, and commands on what it does not hold, with codes', async () => {
    expect(await errorCodeOf(() => upstream.addPackage({ name: 'left-pad', versions: [{ version: '1.0.0' }] }))).toBe('TESTING_FIXTURE_INVALID');
    expect(await errorCodeOf(() => upstream.addPackage({ name: 'Bad Name', versions: [{ version: '1.0.0' }] }))).toBe('TESTING_FIXTURE_INVALID');
    expect(await errorCodeOf(() => upstream.changeBytes('left-pad', '7.0.0'))).toBe('TESTING_FIXTURE_UNKNOWN');
    expect(await errorCodeOf(() => upstream.removePackage('absent'))).toBe('TESTING_FIXTURE_UNKNOWN');
  });

  it('adds versions to a known package, and removes versions and packages', async () => {
    upstream.addPackage({ name: 'churn', versions: [{ version: '1.0.0' }] });
    upstream.addPackage({ name: 'churn', versions: [{ version: '1.1.0' }] });
    expect((await getJson<Packument>(`${upstream.url}churn`)).body['dist-tags'].latest).toBe('1.1.0');
    const removedTarball = upstream.dist('churn', '1.1.0').tarball;

    upstream.removeVersion('churn', '1.1.0');
    const after = (await getJson<Packument>(`${upstream.url}churn`)).body;
    expect(Object.keys(after.versions)).toEqual(['1.0.0']);
    expect(after['dist-tags']).toEqual({ latest: '1.0.0' });
    expect((await bytesOf(removedTarball)).status).toBe(404);

    upstream.removePackage('churn');
    expect((await getJson(`${upstream.url}churn`)).status).toBe(404);
  });
});

describe('fixture upstream: registry signatures', () => {
  let upstream: FixtureUpstream;
  const packument = async (name: string) => (await getJson<Packument>(`${upstream.url}${name.replace('/', '%2f')}`)).body;
  const keys = async () => getJson<{ keys: FixtureNpmKey[] }>(`${upstream.url}-/npm/v1/keys`);

  beforeAll(async () => {
    upstream = await startFixtureUpstream();
    upstream.addPackage({ name: '@sig/one', versions: [{ version: '1.0.0' }, { version: '1.0.1' }] });
  });

  it('signs name@version:integrity with the key it lists, in the format npm verifies', async () => {
    const { status, body } = await keys();
    expect(status).toBe(200);
    expect(body.keys).toHaveLength(1);
    const [key] = body.keys;
    expect(key).toEqual({ expires: null, keyid: upstream.keyId, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: expect.any(String) });
    expect(key.keyid).toBe(`SHA256:${createHash('sha256').update(Buffer.from(key.key, 'base64')).digest('base64').replace(/=+$/, '')}`);

    const { dist } = (await packument('@sig/one')).versions['1.0.0'];
    expect(dist.signatures).toEqual([{ keyid: key.keyid, sig: expect.any(String) }]);
    expect(verifies(key, '@sig/one@1.0.0', dist.integrity, dist.signatures?.[0].sig as string)).toBe(true);
    expect(await pacoteVerify(upstream, '@sig/one@1.0.0', body.keys)).toMatchObject({ _integrity: dist.integrity });
  });

  it('serves a corrupt signature for one version only, and stops when asked', async () => {
    const { keys: listed } = (await keys()).body;
    upstream.corruptSignature('@sig/one', '1.0.0');
    const doc = await packument('@sig/one');
    const bad = doc.versions['1.0.0'].dist;
    expect(bad.signatures?.[0].keyid).toBe(listed[0].keyid);
    expect(verifies(listed[0], '@sig/one@1.0.0', bad.integrity, bad.signatures?.[0].sig as string)).toBe(false);
    expect(await pacoteVerify(upstream, '@sig/one@1.0.0', listed)).toBe('EINTEGRITYSIGNATURE');
    const good = doc.versions['1.0.1'].dist;
    expect(verifies(listed[0], '@sig/one@1.0.1', good.integrity, good.signatures?.[0].sig as string)).toBe(true);

    upstream.corruptSignature('@sig/one', '1.0.0', false);
    expect(await pacoteVerify(upstream, '@sig/one@1.0.0', listed)).toMatchObject({ _integrity: bad.integrity });
  });

  it('strips signatures and the keys endpoint like a mirror that drops them', async () => {
    upstream.stripSignatures(true);
    expect((await keys()).status).toBe(404);
    expect((await packument('@sig/one')).versions['1.0.0'].dist.signatures).toBeUndefined();
    upstream.stripSignatures(false);
    expect((await keys()).status).toBe(200);
    expect((await packument('@sig/one')).versions['1.0.0'].dist.signatures).toHaveLength(1);
  });

  it('rotates to a new key that replaces the old one in the list and in every signature', async () => {
    const before = (await keys()).body.keys;
    const newId = upstream.rotateKey();
    const after = (await keys()).body.keys;
    expect(newId).not.toBe(before[0].keyid);
    expect(after.map((k) => k.keyid)).toEqual([newId]);
    const { dist } = (await packument('@sig/one')).versions['1.0.1'];
    expect(dist.signatures?.[0].keyid).toBe(newId);
    expect(verifies(after[0], '@sig/one@1.0.1', dist.integrity, dist.signatures?.[0].sig as string)).toBe(true);
    expect(await pacoteVerify(upstream, '@sig/one@1.0.1', before)).toBe('EMISSINGSIGNATUREKEY');
  });

  it('signs with a key it is given, and refuses one that is not P-256', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const given = await startFixtureUpstream({ signingKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    expect(given.npmKeys()[0].key).toBe(der.toString('base64'));
    expect(given.keyId).toBe(`SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(await errorCodeOf(() => startFixtureUpstream({ signingKey: rsa }))).toBe('TESTING_FIXTURE_INVALID');
  });
});

describe('fixture upstream: tampering, slowness and outages', () => {
  let upstream: FixtureUpstream;

  beforeAll(async () => {
    upstream = await startFixtureUpstream();
    upstream.addPackage({ name: 'victim', versions: [{ version: '1.0.0' }, { version: '1.0.1' }] });
  });

  it('changeBytes serves new bytes with a matching, validly signed integrity', async () => {
    const before = upstream.dist('victim', '1.0.0');
    const changed = upstream.changeBytes('victim', '1.0.0');
    expect(changed.integrity).not.toBe(before.integrity);
    const served = await bytesOf(changed.tarball);
    expect(served.bytes.equals(before.bytes)).toBe(false);
    expect(integrityOf(served.bytes)).toBe(changed.integrity);
    const doc = (await getJson<Packument>(`${upstream.url}victim`)).body;
    expect(doc.versions['1.0.0'].dist.integrity).toBe(changed.integrity);
    expect(await pacoteVerify(upstream, 'victim@1.0.0', upstream.npmKeys())).toMatchObject({ _integrity: changed.integrity });
  });

  it('serveWrongBytes serves bytes that do not match the packument, until turned off', async () => {
    const { integrity, tarball, bytes } = upstream.dist('victim', '1.0.1');
    upstream.serveWrongBytes('victim', '1.0.1');
    const wrong = await bytesOf(tarball);
    expect(wrong.status).toBe(200);
    expect(integrityOf(wrong.bytes)).not.toBe(integrity);
    expect((await getJson<Packument>(`${upstream.url}victim`)).body.versions['1.0.1'].dist.integrity).toBe(integrity);
    upstream.serveWrongBytes('victim', '1.0.1', false);
    expect((await bytesOf(tarball)).bytes.equals(bytes)).toBe(true);
  });

  it('delays responses by the configured time', async () => {
    upstream.setDelay(300);
    const started = Date.now();
    expect((await fetch(`${upstream.url}victim`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    upstream.setDelay(0);
  });

  it('goes down and comes back on the same URL with the same packages', async () => {
    const url = upstream.url;
    await upstream.stop();
    expect(upstream.running).toBe(false);
    expect(await isPortOpen(upstream.port)).toBe(false);
    expect(await fetch(`${url}victim`).then(() => 'answered', () => 'failed')).toBe('failed');
    await upstream.start();
    expect(upstream.url).toBe(url);
    expect((await fetch(`${url}victim`)).status).toBe(200);
  });

  it('stop() does not wait for requests held by a delay', async () => {
    upstream.setDelay(60_000);
    const held = fetch(`${upstream.url}victim`).then(
      (r) => r.status,
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await upstream.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await held).toBe('dropped');
    upstream.setDelay(0);
    await upstream.start();
  });
});

describe('fixture upstream: request log', () => {
  it('records every request with its kind, package, headers and status', async () => {
    const upstream = await startFixtureUpstream();
    upstream.addPackage({ name: '@internal/secret', versions: [{ version: '1.0.0' }] });
    upstream.addPackage({ name: 'public-thing', versions: [{ version: '1.0.0' }] });
    await fetch(`${upstream.url}@internal%2fsecret`, { headers: { accept: ABBREVIATED, 'npm-command': 'install' } });
    await fetch(upstream.dist('@internal/secret', '1.0.0').tarball);
    await fetch(`${upstream.url}public-thing?write=true`);
    await fetch(`${upstream.url}-/npm/v1/keys`);
    await fetch(`${upstream.url}missing`);

    const log = upstream.requests;
    expect(log.map((r) => [r.method, r.path, r.kind, r.packageName, r.status])).toEqual([
      ['GET', '/@internal%2fsecret', 'packument', '@internal/secret', 200],
      ['GET', '/@internal/secret/-/secret-1.0.0.tgz', 'tarball', '@internal/secret', 200],
      ['GET', '/public-thing', 'packument', 'public-thing', 200],
      ['GET', '/-/npm/v1/keys', 'keys', undefined, 200],
      ['GET', '/missing', 'packument', 'missing', 404],
    ]);
    expect(log[0].headers['npm-command']).toBe('install');
    expect(log[0].time).toBeInstanceOf(Date);
    expect(log[2].query).toBe('write=true');
    expect(upstream.requestsFor('/@internal/').map((r) => r.kind)).toEqual(['packument', 'tarball']);
    upstream.clearRequests();
    expect(upstream.requests).toEqual([]);
  });
});

describe('fixture upstream: the real npm CLI installs through it', () => {
  let upstream: FixtureUpstream;

  async function npmInstall(args: string[]) {
    const home = await tempDir('fixture-npm-home-');
    const project = await tempDir('fixture-project-');
    await writeFile(join(home, '.npmrc'), `registry=${upstream.url}\naudit=false\nfund=false\nupdate-notifier=false\n`);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      npm_config_userconfig: join(home, '.npmrc'),
      npm_config_globalconfig: join(home, 'global-npmrc'),
      npm_config_cache: join(home, 'cache'),
      NO_COLOR: '1',
    };
    const result = await runCommand('npm', ['install', '--registry', upstream.url, ...args], { cwd: project, env, timeoutMs: 180_000 });
    return { ...result, project };
  }

  beforeAll(async () => {
    upstream = await startFixtureUpstream();
  });

  it('installs a generated tree of 30 packages and a scoped package, fetching each file once', async () => {
    const root = upstream.addTree({ count: 30, prefix: 'bench' });
    expect(root).toBe('bench-0');
    upstream.addPackage({ name: '@acme/scoped', versions: [{ version: '2.0.0', files: { 'index.js': 'module.exports = "scoped";\n' } }] });

    const { code, output, project } = await npmInstall([root, '@acme/scoped']);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('added 31 packages') });
    const installed = (await readdir(join(project, 'node_modules'))).filter((n) => !n.startsWith('.'));
    expect(installed.filter((n) => n.startsWith('bench-'))).toHaveLength(30);
    expect(await readFile(join(project, 'node_modules/@acme/scoped/index.js'), 'utf8')).toBe('module.exports = "scoped";\n');
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { integrity: string; resolved: string }> };
    expect(lock.packages['node_modules/bench-7']).toMatchObject({ integrity: upstream.dist('bench-7', '1.0.0').integrity, resolved: upstream.dist('bench-7', '1.0.0').tarball });

    const tarballs = upstream.requests.filter((r) => r.kind === 'tarball').map((r) => r.path);
    expect(tarballs).toHaveLength(31);
    expect(new Set(tarballs).size).toBe(31);
    expect(upstream.requestsFor('/@acme/').map((r) => r.kind).sort()).toEqual(['packument', 'tarball']);
  });

  it('makes npm fail with EINTEGRITY when the bytes do not match the packument', async () => {
    upstream.addPackage({ name: 'wrong-bytes', versions: [{ version: '1.0.0' }] });
    upstream.serveWrongBytes('wrong-bytes', '1.0.0');
    // npm retries a corrupt tarball with backoff; keep the retries but not the waits.
    const { code, output } = await npmInstall(['wrong-bytes', '--fetch-retry-mintimeout=10', '--fetch-retry-maxtimeout=100']);
    expect(code).not.toBe(0);
    expect(output).toContain('EINTEGRITY');
    expect(upstream.requestsFor('/wrong-bytes/-/').length).toBeGreaterThan(1);
  });
});
