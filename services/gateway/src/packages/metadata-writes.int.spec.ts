import { randomUUID } from 'node:crypto';
import { Events, VersionSource, encodeMessage, timestampNow } from '@palisade/contracts';
import { runCleanups, waitFor } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from './__fixtures__/gateway-harness';
import { packTarball, publishBody } from './__fixtures__/publish-body';

// deprecate, owner, dist-tag, unpublish and search, as npm sends them, against the real gateway.
let h: GatewayHarness;
let alice: string;
let bob: string;
const CORGI = 'application/vnd.npm.install-v1+json';

type Doc = Record<string, unknown> & { versions: Record<string, Record<string, unknown>>; 'dist-tags': Record<string, string>; _rev: string };

async function publish(name: string, version: string, token = alice, options: Parameters<typeof publishBody>[3] = {}): Promise<void> {
  const reply = await h.call('PUT', `/dev/${name.replace('/', '%2f')}`, { token, body: publishBody(name, version, await packTarball({ name, version }), options) });
  expect(reply.status).toBe(201);
}

async function writeDoc(name: string, view = 'dev'): Promise<Doc> {
  const reply = await h.call('GET', `/${view}/${name.replace('/', '%2f')}?write=true`);
  expect(reply.status).toBe(200);
  return reply.json as unknown as Doc;
}

beforeAll(async () => {
  h = await startGatewayHarness(`gw_pkgs_meta_${process.pid}`);
  alice = await h.createUser('alice');
  bob = await h.createUser('bob');
  await publish('gizmo', '1.0.0');
  await publish('gizmo', '1.1.0');
  await publish('gizmo', '2.0.0-beta.1', alice, { tag: 'beta', manifest: { keywords: ['tools', 'cli'], description: 'a handy gizmo' } });
});

afterAll(() => runCleanups());

describe('dist-tags', () => {
  it('lists, adds, merges and removes tags, leaving latest alone', async () => {
    expect((await h.call('GET', '/dev/-/package/gizmo/dist-tags')).json).toEqual({ latest: '1.1.0', beta: '2.0.0-beta.1' });
    expect((await h.call('PUT', '/dev/-/package/gizmo/dist-tags/stable', { token: alice, body: '1.0.0' })).status).toBe(201);
    expect((await h.call('POST', '/dev/-/package/gizmo/dist-tags', { token: alice, body: { next: '1.1.0', lts: '1.0.0' } })).status).toBe(201);
    expect((await h.call('DELETE', '/dev/-/package/gizmo/dist-tags/lts', { token: alice })).status).toBe(200);
    expect((await h.call('GET', '/dev/-/package/gizmo/dist-tags')).json).toEqual({ latest: '1.1.0', beta: '2.0.0-beta.1', next: '1.1.0', stable: '1.0.0' });
    expect((await h.call('GET', '/dev/gizmo', { headers: { accept: CORGI } })).json['dist-tags']).toEqual({ latest: '1.1.0', beta: '2.0.0-beta.1', next: '1.1.0', stable: '1.0.0' });
  });

  it('refuses what npm refuses, and strangers', async () => {
    expect((await h.call('DELETE', '/dev/-/package/gizmo/dist-tags/latest', { token: alice })).status).toBe(400);
    expect((await h.call('PUT', '/dev/-/package/gizmo/dist-tags/exp', { token: alice, body: '9.9.9' })).status).toBe(404);
    expect((await h.call('PUT', '/dev/-/package/gizmo/dist-tags/1.x', { token: alice, body: '1.0.0' })).status).toBe(400);
    expect((await h.call('DELETE', '/dev/-/package/gizmo/dist-tags/none', { token: alice })).status).toBe(404);
    expect((await h.call('PUT', '/dev/-/package/gizmo/dist-tags/mine', { token: bob, body: '1.0.0' })).status).toBe(403);
    expect((await h.call('PUT', '/dev/-/package/gizmo/dist-tags/mine', { body: '1.0.0' })).status).toBe(401);
  });

  it('shows each view only the tags it can serve', async () => {
    await h.ingest.promote('gizmo', '1.0.0', 'prod');
    await waitFor(async () => (await h.call('GET', '/prod/-/package/gizmo/dist-tags')).status === 200, { message: 'prod serves gizmo' });
    expect((await h.call('GET', '/prod/-/package/gizmo/dist-tags')).json).toEqual({ latest: '1.0.0', stable: '1.0.0' });
  });
});

describe('deprecate (whole-document PUT)', () => {
  it('sets and clears deprecations, shown in every view and both representations', async () => {
    const doc = await writeDoc('gizmo');
    doc.versions['1.0.0'].deprecated = 'upgrade to 1.1';
    expect((await h.call('PUT', '/dev/gizmo', { token: alice, body: doc })).status).toBe(200);
    const corgi = await h.call('GET', '/dev/gizmo', { headers: { accept: CORGI } });
    expect((corgi.json.versions as Doc['versions'])['1.0.0'].deprecated).toBe('upgrade to 1.1');
    const prod = await h.call('GET', '/prod/gizmo');
    expect((prod.json.versions as Doc['versions'])['1.0.0'].deprecated).toBe('upgrade to 1.1');

    const again = await writeDoc('gizmo');
    again.versions['1.0.0'].deprecated = '';
    expect((await h.call('PUT', '/dev/gizmo', { token: alice, body: again })).status).toBe(200);
    expect(((await h.call('GET', '/dev/gizmo')).json.versions as Doc['versions'])['1.0.0'].deprecated).toBeUndefined();
  });

  it('refuses changes to anything else, and strangers', async () => {
    const doc = await writeDoc('gizmo');
    doc.versions['1.1.0'].main = 'evil.js';
    const refused = await h.call('PUT', '/dev/gizmo', { token: alice, body: doc });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toContain('changed: main');
    const stranger = await writeDoc('gizmo');
    stranger.versions['1.1.0'].deprecated = 'mine now';
    expect((await h.call('PUT', '/dev/gizmo', { token: bob, body: stranger })).status).toBe(403);
  });
});

describe('owners', () => {
  it('adds and removes maintainers, never the last one', async () => {
    const { _rev } = await writeDoc('gizmo');
    const added = await h.call('PUT', `/dev/gizmo/-rev/${_rev}`, { token: alice, body: { _id: 'gizmo', _rev, maintainers: [{ name: 'alice', email: 'alice@example.test' }, { name: 'bob', email: 'bob@example.test' }] } });
    expect(added.status).toBe(200);
    expect((await h.call('GET', '/dev/gizmo')).json.maintainers).toEqual([
      { name: 'alice', email: 'alice@example.test' },
      { name: 'bob', email: 'bob@example.test' },
    ]);
    await publish('gizmo', '1.2.0', bob);
    expect((await h.call('PUT', '/dev/gizmo/-rev/x', { token: alice, body: { _id: 'gizmo', maintainers: [{ name: 'nobody' }] } })).json.error).toBe('bad request: no account named nobody');
    expect((await h.call('PUT', '/dev/gizmo/-rev/x', { token: alice, body: { _id: 'gizmo', maintainers: [] } })).status).toBe(409);
    expect((await h.call('PUT', '/dev/gizmo/-rev/x', { token: bob, body: { _id: 'gizmo', maintainers: [{ name: 'bob' }] } })).status).toBe(200);
    expect((await h.call('GET', '/dev/gizmo')).json.maintainers).toEqual([{ name: 'bob', email: 'bob@example.test' }]);
    expect((await h.call('PUT', '/dev/-/package/gizmo/dist-tags/alices', { token: alice, body: '1.0.0' })).status).toBe(403);
  });
});

describe('unpublish', () => {
  it('removes one version the way npm unpublish <name>@<version> does', async () => {
    await publish('doomed', '1.0.0');
    await publish('doomed', '1.1.0');
    // libnpmpublish: drop the version, move latest, PUT /-rev; then DELETE the tarball with the new rev.
    const doc = await writeDoc('doomed');
    const tarball = new URL(String((doc.versions['1.1.0'].dist as Record<string, unknown>).tarball));
    delete doc.versions['1.1.0'];
    doc['dist-tags'].latest = '1.0.0';
    expect((await h.call('PUT', `/dev/doomed/-rev/${doc._rev}`, { token: alice, body: doc })).status).toBe(200);
    const { _rev } = await writeDoc('doomed');
    expect(_rev).not.toBe(doc._rev);
    expect((await h.call('DELETE', `${tarball.pathname}/-rev/${_rev}`, { token: alice })).status).toBe(200);
    const after = await h.call('GET', '/dev/doomed');
    expect(Object.keys(after.json.versions as object)).toEqual(['1.0.0']);
    expect(after.json['dist-tags']).toEqual({ latest: '1.0.0' });
    expect((await h.call('GET', tarball.pathname)).status).toBe(404);
    expect((await h.call('DELETE', '/dev/doomed/-/doomed-7.0.0.tgz/-rev/1-x', { token: alice })).status).toBe(404);
  });

  it('removes a whole package, for maintainers only', async () => {
    await publish('gone', '1.0.0');
    const { _rev } = await writeDoc('gone');
    expect((await h.call('DELETE', `/dev/gone/-rev/${_rev}`, { token: bob })).status).toBe(403);
    expect((await h.call('DELETE', `/dev/gone/-rev/${_rev}`, { token: alice })).status).toBe(200);
    expect((await h.call('GET', '/dev/gone')).status).toBe(404);
    expect((await h.call('GET', '/dev/gone?write=true')).status).toBe(404);
    // The name stays alice's: a stranger cannot take it over.
    const takeover = await h.call('PUT', '/dev/gone', { token: bob, body: publishBody('gone', '2.0.0', await packTarball({ name: 'gone', version: '2.0.0' })) });
    expect(takeover.status).toBe(403);
  });
});

describe('search and visibility', () => {
  it('finds packages the view serves by name, description and keywords', async () => {
    const byName = await h.call('GET', '/dev/-/v1/search?text=gizmo&size=5');
    expect(byName.json.total).toBe(1);
    const [hit] = byName.json.objects as Array<{ package: Record<string, unknown> }>;
    expect(hit.package).toMatchObject({ name: 'gizmo', scope: 'unscoped', version: '1.2.0', maintainers: [{ username: 'bob', email: 'bob@example.test' }] });
    expect((await h.call('GET', '/dev/-/v1/search?text=handy')).json.total).toBe(1);
    expect((await h.call('GET', '/dev/-/v1/search?text=keywords:cli')).json.total).toBe(1);
    expect((await h.call('GET', '/dev/-/v1/search?text=nothing-like-this')).json).toMatchObject({ objects: [], total: 0 });
    // prod serves gizmo@1.0.0 only, which has neither that description nor those keywords
    expect((await h.call('GET', '/prod/-/v1/search?text=handy')).json.total).toBe(0);
    expect((await h.call('GET', '/prod/-/v1/search?text=doomed')).json.total).toBe(0);
  });

  it('pages through results', async () => {
    const all = await h.call('GET', '/dev/-/v1/search?text=&size=1&from=1');
    expect(all.json.total).toBe(2); // gizmo and doomed
    expect((all.json.objects as unknown[]).length).toBe(1);
    expect((await h.call('GET', '/dev/-/v1/search?text=&size=1&from=5')).json).toMatchObject({ objects: [], total: 2 });
  });

  it('calls every package public for npm’s provenance check', async () => {
    expect((await h.call('GET', '/dev/-/package/@new%2fthing/visibility')).json).toEqual({ public: true });
  });
});

describe('read model', () => {
  it('takes a promotion that arrives before the version it admits', async () => {
    const tarball = await packTarball({ name: 'late-bird', version: '1.0.0' });
    const ref = await h.blobs.put(tarball);
    const publishEvent = (subject: string, schema: string, data: Uint8Array) => h.bus.publish({ id: randomUUID(), subject, schema, data });
    await publishEvent(
      Events.versionPromoted.subject,
      Events.versionPromoted.schema.typeName,
      encodeMessage(Events.versionPromoted.schema, { name: 'late-bird', version: '1.0.0', integrity: ref.integrity, view: 'dev' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await h.call('GET', '/dev/late-bird')).status).toBe(404);
    await publishEvent(
      Events.versionIngested.subject,
      Events.versionIngested.schema.typeName,
      encodeMessage(Events.versionIngested.schema, {
        name: 'late-bird',
        version: '1.0.0',
        tarball: ref,
        source: VersionSource.PUBLISHED,
        manifestJson: JSON.stringify({ name: 'late-bird', version: '1.0.0', dist: { integrity: ref.integrity } }),
        publishedAt: timestampNow(),
      }),
    );
    await waitFor(async () => (await h.call('GET', '/dev/late-bird')).status === 200, { message: 'late-bird visible' });
    expect((await h.call('GET', '/dev/late-bird')).json['dist-tags']).toEqual({ latest: '1.0.0' });
  });

  it('lets another replica see changes within a second, answering from its cache meanwhile', async () => {
    const replica = await h.startReplica();
    const get = async () => (await fetch(`${replica.url}/dev/gizmo`, { headers: { accept: CORGI } })).json() as Promise<Doc>;
    expect(Object.keys((await get()).versions)).not.toContain('1.3.0');
    await publish('gizmo', '1.3.0', bob);
    await waitFor(async () => Object.keys((await get()).versions).includes('1.3.0'), { timeoutMs: 3_000, message: 'replica sees 1.3.0' });
  });
});
