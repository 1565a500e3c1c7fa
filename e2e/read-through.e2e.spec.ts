import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCleanups, startFixtureUpstream, waitFor, type FixtureUpstream } from '@palisade/testing';
import { readAlerts, type SeenAlert } from './support/alerts';
import { NpmUser } from './support/npm-cli';
import { lockfilePackages, registryKeys, verifyWithPacote } from './support/npm-verify';
import { createNpmUser, publishPackage } from './support/registry-user';
import { SCANNING_TOKEN, importOsv, scanningUrl } from './support/scanning-admin';
import { startStack, type Stack, type StackMode } from './support/stack';

// The read-through cache against a local fixture upstream (libs/testing fixture-upstream): it
// signs like a public registry, can strip signatures, change bytes or remove versions on command,
// and records every request, so tests can assert what reached "the upstream".
const modes: StackMode[] = ['distributed', 'embedded'];
const HOUR = 3_600_000;
/** A publish time past every cooldown of the built-in policy. */
const old = () => new Date(Date.now() - 100 * HOUR);

function sha512(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** npm's stderr followed by the tail of the debug log it names, so a failure shows which request broke. */
async function withNpmLog(stderr: string): Promise<string> {
  const log = /complete log of this run can be found in: (\S+)/.exec(stderr)?.[1];
  const lines = log ? (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => / http | error /.test(l)).slice(-15) : [];
  return [stderr, ...lines].join('\n');
}

describe.each(modes)('read-through cache of an upstream registry (%s mode)', (mode) => {
  let upstream: FixtureUpstream;
  let stack: Stack;
  let registry: string;

  const packument = async (name: string, view = 'dev') => fetch(`${stack.registry(view)}${name.replace('/', '%2f')}`, { headers: { accept: 'application/json' } });
  const versionsIn = async (name: string, view = 'dev'): Promise<string[]> => {
    const response = await packument(name, view);
    if (response.status !== 200) return [];
    return Object.keys(((await response.json()) as { versions: Record<string, unknown> }).versions).sort();
  };
  const alertsOf = async (kind: string, name: string): Promise<SeenAlert[]> =>
    (await readAlerts(stack)).filter((a) => a.event.data.kind === kind && a.event.data.package?.name === name);
  /** A user with an empty npm cache; a refused download fails at once unless `retries` (npm's back-off made short). */
  const freshUser = async (retries = 0) => {
    const user = await NpmUser.create(registry);
    await appendFile(user.userconfig, `fetch-retries=${retries}\nfetch-retry-mintimeout=100\nfetch-retry-maxtimeout=1000\n`);
    return user;
  };
  const install = async (user: NpmUser, dependencies: Record<string, string>) => {
    const project = await user.project({ name: 'through-app', version: '1.0.0', private: true, dependencies });
    return { project, result: await user.npm(['install', '--no-audit', '--no-fund'], project) };
  };
  /** Fails with npm's own words when the install failed. */
  const expectInstalled = (result: { code: number | null; stderr: string }) => expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });

  beforeAll(async () => {
    upstream = await startFixtureUpstream();
    const old = new Date(Date.now() - 100 * HOUR);
    upstream.addPackage({ name: 'up-leaf', versions: [{ version: '1.0.0', publishedAt: old }, { version: '1.1.0', publishedAt: old }] });
    upstream.addPackage({ name: 'up-mid', versions: [{ version: '2.0.0', dependencies: { 'up-leaf': '^1.0.0' }, publishedAt: old }] });
    upstream.addPackage({ name: '@pub/top', versions: [{ version: '3.0.0', dependencies: { 'up-mid': '^2.0.0', 'up-leaf': '1.0.0' }, publishedAt: old }] });
    upstream.addPackage({ name: 'bad-sig', versions: [{ version: '1.0.0', publishedAt: old }, { version: '1.0.1', publishedAt: old }] });
    upstream.corruptSignature('bad-sig', '1.0.1');
    upstream.addPackage({ name: 'bad-bytes', versions: [{ version: '1.0.0', publishedAt: old }] });
    upstream.serveWrongBytes('bad-bytes', '1.0.0');
    upstream.addPackage({ name: 'tamper-me', versions: [{ version: '1.0.0', publishedAt: old }] });
    upstream.addPackage({ name: 'vanishing', versions: [{ version: '1.0.0', publishedAt: old }, { version: '1.0.1', publishedAt: old }] });
    upstream.addPackage({ name: 'popular', versions: [{ version: '1.0.0', publishedAt: old }] });
    upstream.addPackage({ name: 'cooling', versions: [{ version: '1.0.0', publishedAt: old }, { version: '1.1.0', publishedAt: new Date(Date.now() - HOUR) }] });
    upstream.addPackage({ name: '@corp/secret', versions: [{ version: '9.9.9', publishedAt: old }] });
    upstream.addPackage({ name: 'corp-tool', versions: [{ version: '99.0.0', publishedAt: old, files: { 'index.js': 'module.exports = "from upstream";\n' } }] });
    upstream.addPackage({ name: 'later-internal', versions: [{ version: '1.0.0', publishedAt: old }] });
    stack = await startStack(mode, {
      PALISADE_UPSTREAM_URL: upstream.url,
      PALISADE_INTERNAL_SCOPES: '@corp',
      // Every read revalidates (in the background), so upstream changes show within a request.
      PALISADE_UPSTREAM_MAX_AGE: '0',
      // The fixture upstream runs in this test's process, which also starts 50 npm clients at once:
      // on a loaded CI a 2 s headers timeout expired while it answered, and Palisade rightly asked again.
      PALISADE_UPSTREAM_TIMEOUT: '30s',
      PALISADE_SCANNING_ADMIN_TOKEN: SCANNING_TOKEN,
      // Untagged versions reach prod only through background judging, which by default waits while
      // the host is busy: a CI machine running tests in parallel always is.
      PALISADE_UPSTREAM_BACKGROUND_MAX_CPU: '100',
    });
    registry = stack.registry('dev');
  });

  afterAll(async () => {
    await stack?.stop();
    await upstream?.stop();
    await runCleanups();
  });

  it('installs a small upstream dependency tree through dev, and every package verifies with Palisade\'s key', async () => {
    const { project, result } = await install(await freshUser(), { '@pub/top': '^3.0.0' });
    expectInstalled(result);
    const specs = (await lockfilePackages(project)).sort();
    expect(specs).toEqual(['@pub/top@3.0.0', 'up-leaf@1.0.0', 'up-mid@2.0.0'].sort());
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved: string; integrity: string }> };
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '') continue;
      expect(entry.resolved.startsWith(registry)).toBe(true);
      const name = path.slice('node_modules/'.length);
      const version = entry.resolved.slice(entry.resolved.lastIndexOf('-') + 1, -'.tgz'.length);
      expect(entry.integrity).toBe(upstream.dist(name, version).integrity);
    }
    const keys = await registryKeys(registry);
    expect(keys.map((k) => k.keyid)).not.toContain(upstream.keyId);
    for (const spec of specs) {
      await waitFor(async () => ((await verifyWithPacote(registry, spec, keys))._signatures ?? []).length > 0, { timeoutMs: 15_000, message: `${spec} signed` });
      const manifest = await verifyWithPacote(registry, spec, keys);
      expect(manifest._signatures).toEqual([{ keyid: keys[0].keyid, sig: expect.any(String) }]);
    }
    // Palisade's publish attestation says where the version came from and how it was verified there.
    const response = await fetch(`${registry}-/palisade/v1/attestations/up-leaf@1.0.0`);
    expect(response.status).toBe(200);
    const { attestations } = (await response.json()) as { attestations: Array<{ predicateType: string; envelope: { payload: string } }> };
    const publish = attestations.find((a) => a.predicateType.endsWith('/publish/v1'));
    const statement = JSON.parse(Buffer.from(publish?.envelope.payload ?? '', 'base64').toString('utf8')) as { predicate: { upstream: unknown; publisher: unknown } };
    expect(statement.predicate).toMatchObject({ publisher: null, upstream: { registry: upstream.url.replace(/\/$/, ''), verification: 'signature', keyid: upstream.keyId } });
  });

  it('lists a long history whole in the first answer and judges an old version when its tarball is asked for', async () => {
    upstream.addPackage({ name: 'long-history', versions: Array.from({ length: 60 }, (_, i) => ({ version: `1.0.${i}`, publishedAt: new Date(Date.now() - (100 + 60 - i) * HOUR) })) });
    upstream.clearRequests();
    // A client asks for a document, not a version: the first one lists every version dev may admit.
    expect(await versionsIn('long-history')).toHaveLength(60);
    const { project, result } = await install(await freshUser(), { 'long-history': '1.0.3' });
    expectInstalled(result);
    expect(await lockfilePackages(project)).toEqual(['long-history@1.0.3']);
    // Judged on the way: scanned, signed by Palisade and admitted before its bytes left.
    const keys = await registryKeys(registry);
    expect((await verifyWithPacote(registry, 'long-history@1.0.3', keys))._signatures).toEqual([{ keyid: keys[0].keyid, sig: expect.any(String) }]);
    expect(upstream.requestsFor('/long-history/-/long-history-1.0.3.tgz')).toHaveLength(1);
    // The upstream's dist-tags and deprecations come along.
    upstream.addPackage({ name: 'tagged', versions: [{ version: '1.0.0', publishedAt: old(), deprecated: 'use 2.x' }, { version: '2.0.0', publishedAt: old() }, { version: '3.0.0-rc.1', publishedAt: old() }], distTags: { next: '3.0.0-rc.1' } });
    const doc = (await (await packument('tagged')).json()) as { 'dist-tags': Record<string, string>; versions: Record<string, { deprecated?: string }> };
    expect(doc['dist-tags']).toEqual({ latest: '2.0.0', next: '3.0.0-rc.1' });
    expect(doc.versions['1.0.0'].deprecated).toBe('use 2.x');
  });

  it('refuses a listed version its scan blocks when the tarball is asked for (451), and lists it no more', async () => {
    upstream.addPackage({ name: 'turns-bad', versions: [{ version: '1.0.0', publishedAt: old() }, { version: '1.1.0', publishedAt: old() }] });
    await importOsv(await scanningUrl(stack), [
      {
        schema_version: '1.4.0',
        id: 'MAL-2026-0015',
        modified: '2026-12-01T00:00:00Z',
        published: '2026-12-01T00:00:00Z',
        summary: 'Malicious code in turns-bad 1.0.0',
        affected: [{ package: { ecosystem: 'npm', name: 'turns-bad' }, versions: ['1.0.0'] }],
      },
    ]);
    expect(await versionsIn('turns-bad')).toEqual(['1.0.0', '1.1.0']);
    const refused = await fetch(`${registry}turns-bad/-/turns-bad-1.0.0.tgz`);
    expect(refused.status).toBe(451);
    expect(await refused.json()).toMatchObject({ code: 'PAL_ERR_BLOCKED', error: expect.stringContaining('turns-bad@1.0.0') });
    expect(await versionsIn('turns-bad')).toEqual(['1.1.0']);
    expect(upstream.requestsFor('/turns-bad/-/turns-bad-1.0.0.tgz')).toEqual([]);
    const { result } = await install(await freshUser(), { 'turns-bad': '1.0.0' });
    expect(result.code).not.toBe(0);
  });

  it('keeps installing from the cache while the upstream is down', async () => {
    const first = await install(await freshUser(), { 'up-mid': '^2.0.0' });
    expectInstalled(first.result);
    await upstream.stop();
    try {
      const user = await freshUser();
      const offline = await install(user, { 'up-mid': '^2.0.0', '@pub/top': '3.0.0' });
      expectInstalled(offline.result);
      expect((await lockfilePackages(offline.project)).sort()).toEqual(['@pub/top@3.0.0', 'up-leaf@1.0.0', 'up-mid@2.0.0'].sort());
      // A name never cached cannot be answered: a clear 503, and nothing cached was dropped.
      const unknown = await packument('popular');
      expect(unknown.status).toBe(503);
      expect(await versionsIn('up-leaf')).toEqual(['1.0.0', '1.1.0']);
    } finally {
      await upstream.start();
    }
  });

  it('refuses a version whose upstream signature does not verify, and alerts', async () => {
    expect(await versionsIn('bad-sig')).toEqual(['1.0.0']);
    const { result } = await install(await freshUser(), { 'bad-sig': '1.0.1' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/ETARGET|No matching version/);
    await waitFor(async () => (await alertsOf('upstream-signature-invalid', 'bad-sig')).length > 0, { timeoutMs: 15_000, message: 'signature alert' });
    const [alert] = await alertsOf('upstream-signature-invalid', 'bad-sig');
    expect(alert.subject).toBe('alerts.security.high.upstream-signature-invalid');
    expect(alert.event.data.package?.version).toBe('1.0.1');
  });

  it('never serves tarball bytes that do not match their integrity, and stores nothing of them', async () => {
    const blobsBefore = await stack.blobCount();
    const { result } = await install(await freshUser(), { 'bad-bytes': '1.0.0' });
    expect(result.code).not.toBe(0);
    const direct = await fetch(`${registry}bad-bytes/-/bad-bytes-1.0.0.tgz`).then(
      async (r) => ({ status: r.status, complete: await r.arrayBuffer().then(() => true, () => false) }),
      () => ({ status: 0, complete: false }),
    );
    expect(direct.status === 502 || !direct.complete).toBe(true);
    expect(await stack.blobCount()).toBe(blobsBefore);
    // Once the upstream serves the right bytes again, the version installs: nothing was poisoned.
    upstream.serveWrongBytes('bad-bytes', '1.0.0', false);
    expectInstalled((await install(await freshUser(), { 'bad-bytes': '1.0.0' })).result);
  });

  it('never asks the upstream for internal-scope names, and an internal name shadows the upstream one', async () => {
    upstream.clearRequests();
    expect((await packument('@corp/secret')).status).toBe(404);
    const failed = await install(await freshUser(), { '@corp/secret': '^9.0.0' });
    expect(failed.result.code).not.toBe(0);
    expect(upstream.requestsFor('/@corp')).toEqual([]);
    // An unscoped internal name (an administrator's act once the name exists upstream): npm publish reads the packument first, which reads the upstream's
    // 99.0.0 through (the classic dependency-confusion bait); once published here, the internal
    // package shadows every upstream version, so installs get the internal one.
    const publisher = await NpmUser.create(registry, stack.adminToken);
    const dir = await publisher.project({ name: 'corp-tool', version: '1.0.0', main: 'index.js' }, { 'index.js': 'module.exports = "internal";\n' });
    const published = await publisher.npm(['publish', '--tag', 'latest'], dir);
    expect({ code: published.code, stderr: published.code === 0 ? '' : published.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await versionsIn('corp-tool')).toEqual(['1.0.0']);
    const { project, result } = await install(await freshUser(), { 'corp-tool': '*' });
    expectInstalled(result);
    expect(await lockfilePackages(project)).toEqual(['corp-tool@1.0.0']);
    expect(await readFile(join(project, 'node_modules/corp-tool/index.js'), 'utf8')).toContain('internal');
    expect((await fetch(`${registry}corp-tool/-/corp-tool-99.0.0.tgz`)).status).toBe(404);
    await waitFor(async () => (await alertsOf('dependency-confusion', 'corp-tool')).length > 0, { timeoutMs: 15_000, message: 'dependency-confusion alert' });
  });

  it('alerts when a name read through from the upstream is later published here', async () => {
    expect(await versionsIn('later-internal')).toEqual(['1.0.0']);
    // Only an administrator may take over a name that so far came from the upstream.
    const stranger = await createNpmUser(registry, stack.adminToken, 'eve');
    const strangerDir = await stranger.project({ name: 'later-internal', version: '2.0.0', main: 'index.js' }, { 'index.js': '1;\n' });
    expect((await stranger.npm(['publish'], strangerDir)).stderr).toMatch(/not a maintainer of later-internal/);
    await publishPackage(await NpmUser.create(registry, stack.adminToken), { name: 'later-internal', version: '2.0.0', main: 'index.js' });
    await waitFor(async () => (await alertsOf('dependency-confusion', 'later-internal')).length > 0, { timeoutMs: 15_000, message: 'dependency-confusion alert' });
    expect((await alertsOf('dependency-confusion', 'later-internal'))[0].subject).toBe('alerts.security.high.dependency-confusion');
  });

  it('raises the tamper alert when the upstream changes a cached version\'s bytes, and keeps serving the original bytes', async () => {
    expectInstalled((await install(await freshUser(), { 'tamper-me': '1.0.0' })).result);
    const original = upstream.dist('tamper-me', '1.0.0');
    const changed = upstream.changeBytes('tamper-me', '1.0.0');
    expect(changed.integrity).not.toBe(original.integrity);
    await waitFor(
      async () => {
        await packument('tamper-me');
        return (await alertsOf('tamper', 'tamper-me')).length > 0;
      },
      { timeoutMs: 15_000, message: 'tamper alert' },
    );
    const [alert] = await alertsOf('tamper', 'tamper-me');
    expect(alert.subject).toBe('alerts.security.critical.tamper');
    expect(alert.event.data.details).toMatchObject({ recorded_integrity: original.integrity, upstream_integrity: changed.integrity });
    const doc = (await (await packument('tamper-me')).json()) as { versions: Record<string, { dist: { integrity: string } }> };
    expect(doc.versions['1.0.0'].dist.integrity).toBe(original.integrity);
    const served = Buffer.from(await (await fetch(`${registry}tamper-me/-/tamper-me-1.0.0.tgz`)).arrayBuffer());
    expect(sha512(served)).toBe(original.integrity);
    const { project, result } = await install(await freshUser(), { 'tamper-me': '1.0.0' });
    expectInstalled(result);
    expect(JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')).packages['node_modules/tamper-me'].integrity).toBe(original.integrity);
  });

  it('raises an alert when the upstream removes a cached version', async () => {
    expectInstalled((await install(await freshUser(), { vanishing: '1.0.1' })).result);
    upstream.removeVersion('vanishing', '1.0.1');
    await waitFor(
      async () => {
        await packument('vanishing');
        return (await alertsOf('upstream-removed', 'vanishing')).length > 0;
      },
      { timeoutMs: 15_000, message: 'upstream-removed alert' },
    );
    const [alert] = await alertsOf('upstream-removed', 'vanishing');
    expect(alert.subject).toBe('alerts.security.high.upstream-removed');
    expect(alert.event.data.package?.version).toBe('1.0.1');
  });

  it('50 concurrent installs of an uncached package make one upstream fetch per file', async () => {
    upstream.clearRequests();
    // npm's own retry stays on here, as in real use: on this 2-core machine, 50 npm processes next
    // to the whole stack occasionally see a connection fail (see the issue note); a retry goes to
    // Palisade, never to the upstream, which the request log below checks.
    const users = await Promise.all(Array.from({ length: 50 }, () => freshUser(2)));
    const results = await Promise.all(users.map((user) => install(user, { popular: '1.0.0' })));
    const failures = await Promise.all(results.filter((r) => r.result.code !== 0).map((r) => withNpmLog(r.result.stderr)));
    expect(failures).toEqual([]);
    const requests = upstream.requestsFor('/popular');
    expect(requests.filter((r) => r.kind === 'tarball')).toHaveLength(1);
    const packumentFetches = requests.filter((r) => r.kind === 'packument' && r.status === 200);
    if (packumentFetches.length !== 1) {
      // Why a second full fetch happened is in the services' logs: show what they said about it.
      const said = stack.processes().flatMap((p) => [...p.stdout, ...p.stderr]).filter((line) => line.includes('popular') && !line.includes('"level":"debug"'));
      process.stderr.write(`log lines about popular:\n${said.join('\n')}\n`);
    }
    expect(packumentFetches).toHaveLength(1);
    // Later reads only revalidate: conditional requests the upstream answers 304.
    for (const r of requests.filter((q) => q.kind === 'packument' && q.status !== 200)) {
      expect(r.status).toBe(304);
      expect(r.headers['if-none-match']).toBeTruthy();
    }
  });

  it('holds a fresh upstream version out of prod for the 72 h cooldown while dev has it', async () => {
    await waitFor(async () => (await versionsIn('cooling', 'dev')).length === 2, { timeoutMs: 15_000, message: 'cooling in dev' });
    await waitFor(async () => (await versionsIn('cooling', 'prod')).length === 1, { timeoutMs: 15_000, message: 'cooling 1.0.0 in prod' });
    expect(await versionsIn('cooling', 'prod')).toEqual(['1.0.0']);
    const prod = (await (await packument('cooling', 'prod')).json()) as { 'dist-tags': Record<string, string> };
    expect(prod['dist-tags'].latest).toBe('1.0.0');
    const dev = (await (await packument('cooling', 'dev')).json()) as { 'dist-tags': Record<string, string> };
    expect(dev['dist-tags'].latest).toBe('1.1.0');
  });
});
