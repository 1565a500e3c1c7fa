import { get as httpGet } from 'node:http';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { runCleanups, waitFor } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from './__fixtures__/gateway-harness';
import { packTarball, publishBody } from './__fixtures__/publish-body';

// Publishing through the real gateway (accounts, router, read model) with ingest and promotion faked on the bus.
let h: GatewayHarness;
let alice: string;
let bob: string;
const widget = '@acme/widget';
const widgetPath = '/@acme%2fwidget';
let tarball: Buffer;

const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

beforeAll(async () => {
  h = await startGatewayHarness(`gw_pkgs_pub_${process.pid}`, { PALISADE_MAX_TARBALL_BYTES: String(64 * 1024) });
  alice = await h.createUser('alice');
  bob = await h.createUser('bob');
  tarball = await packTarball({ name: widget, version: '1.0.0' });
  const published = await h.call('PUT', `/dev${widgetPath}`, { token: alice, body: publishBody(widget, '1.0.0', tarball, { manifest: { keywords: ['ui'] } }) });
  expect(published.status).toBe(201);
});

afterAll(() => runCleanups());

describe('publish', () => {
  it('answers 201 once the version is installable from the entry view', async () => {
    expect(h.ingest.requests[0]).toMatchObject({ name: widget, version: '1.0.0', distTag: 'latest', publisher: { principal: 'alice' } });
    const doc = await h.call('GET', `/dev${widgetPath}`);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(doc.json).toMatchObject({
      _id: widget,
      name: widget,
      description: `${widget} does things`,
      'dist-tags': { latest: '1.0.0' },
      maintainers: [{ name: 'alice', email: 'alice@example.test' }],
      // The client's readme is not forwarded: ingest records the tarball's README (this one has none).
      readme: '',
      keywords: ['ui'],
    });
    const version = (doc.json.versions as Record<string, Record<string, unknown>>)['1.0.0'];
    expect(version.dist).toMatchObject({ tarball: `${h.origin}/dev/@acme/widget/-/widget-1.0.0.tgz`, integrity: h.ingest.requests[0].tarball?.integrity });
    expect(typeof (doc.json.time as Record<string, unknown>)['1.0.0']).toBe('string');
  });

  it('serves the same packument for every form of the scoped name and an abbreviated one to pacote', async () => {
    const full = await h.call('GET', `/dev${widgetPath}`);
    for (const form of ['/@acme%2Fwidget', '/@acme/widget']) expect((await h.call('GET', `/dev${form}`)).text).toBe(full.text);
    const corgi = await h.call('GET', `/dev${widgetPath}`, { headers: { accept: CORGI } });
    expect(corgi.headers.get('content-type')).toBe('application/vnd.npm.install-v1+json; charset=utf-8');
    expect(Object.keys(corgi.json)).toEqual(['name', 'modified', 'dist-tags', 'versions', 'time']);
    expect(corgi.headers.get('etag')).not.toBe(full.headers.get('etag'));
    expect(corgi.headers.get('vary')).toBe('Accept, Accept-Encoding');
    expect(corgi.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
  });

  it('revalidates with 304 and compresses with gzip and br', async () => {
    const plain = await h.call('GET', `/dev${widgetPath}`, { headers: { 'accept-encoding': 'identity' } });
    const etag = plain.headers.get('etag') as string;
    const again = await h.call('GET', `/dev${widgetPath}`, { headers: { 'if-none-match': etag, 'accept-encoding': 'identity' } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    for (const [coding, decode] of [['gzip', gunzipSync], ['br', brotliDecompressSync]] as const) {
      const response = await fetch(`${h.origin}/dev${widgetPath}`, { headers: { 'accept-encoding': coding } });
      expect(response.headers.get('content-encoding')).toBe(coding);
      expect(response.headers.get('etag')).toBe(etag.replace(/"$/, `-${coding}"`));
      // fetch decodes transparently; check the bytes it was sent decode to the plain document too
      const raw = await new Promise<Buffer>((resolve, reject) => {
        const req = httpGet(`${h.origin}/dev${widgetPath}`, { headers: { 'accept-encoding': coding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
        });
        req.on('error', reject);
      });
      expect(decode(raw).toString()).toBe(plain.text);
      expect(await response.text()).toBe(plain.text);
    }
  });

  it('streams the exact tarball, only from views that admitted the version', async () => {
    const response = await fetch(`${h.origin}/dev/@acme/widget/-/widget-1.0.0.tgz`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(tarball)).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe(String(tarball.length));
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    expect(response.headers.get('etag')).toBe(`"${h.ingest.requests[0].tarball?.integrity}"`);
    expect((await h.call('GET', '/dev/@acme%2fwidget/-/widget-1.0.0.tgz')).status).toBe(200);
    expect((await h.call('GET', '/prod/@acme/widget/-/widget-1.0.0.tgz')).status).toBe(404);
    expect((await h.call('GET', '/dev/@acme/widget/-/widget-9.9.9.tgz')).status).toBe(404);
    expect((await h.call('GET', '/prod/@acme%2fwidget')).json).toEqual({ error: 'not found: @acme/widget', code: 'PAL_ERR_NOT_FOUND' });
  });

  it('shows a version in another view once it is promoted there, with that view’s URLs', async () => {
    await h.ingest.promote(widget, '1.0.0', 'prod');
    await waitFor(async () => (await h.call('GET', `/prod${widgetPath}`)).status === 200, { message: 'prod serves 1.0.0' });
    const prod = await h.call('GET', `/prod${widgetPath}`);
    const dist = (prod.json.versions as Record<string, Record<string, Record<string, unknown>>>)['1.0.0'].dist;
    expect(dist.tarball).toBe(`${h.origin}/prod/@acme/widget/-/widget-1.0.0.tgz`);
    expect((await h.call('GET', '/prod/@acme/widget/-/widget-1.0.0.tgz')).status).toBe(200);
  });

  it('shows a new version right after its publish answers (the cache is invalidated)', async () => {
    expect((await h.call('GET', `/dev${widgetPath}`)).status).toBe(200); // warm the cache
    const next = await packTarball({ name: widget, version: '1.1.0' });
    expect((await h.call('PUT', `/dev${widgetPath}`, { token: alice, body: publishBody(widget, '1.1.0', next, { tag: 'next' }) })).status).toBe(201);
    const doc = await h.call('GET', `/dev${widgetPath}`, { headers: { accept: CORGI } });
    expect(doc.json['dist-tags']).toEqual({ latest: '1.0.0', next: '1.1.0' });
  });

  it('refuses to publish over an existing version', async () => {
    const again = await h.call('PUT', `/dev${widgetPath}`, { token: alice, body: publishBody(widget, '1.0.0', tarball) });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('cannot publish over the previously published version 1.0.0');
  });

  it('lets only authenticated maintainers publish, through the entry view only', async () => {
    const body = publishBody(widget, '2.0.0', await packTarball({ name: widget, version: '2.0.0' }));
    const anonymous = await h.call('PUT', `/dev${widgetPath}`, { body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="palisade"');
    expect((await h.call('PUT', `/dev${widgetPath}`, { token: bob, body })).json.error).toBe('forbidden: bob is not a maintainer of @acme/widget');
    expect((await h.call('PUT', `/prod${widgetPath}`, { token: alice, body })).json.error).toBe('forbidden: publishes enter through /dev/');
    const readOnly = await h.call('PUT', `/dev${widgetPath}`, { token: await h.createToken('alice', { readonly: true }), body });
    expect([readOnly.status, readOnly.json.code]).toEqual([403, 'PAL_ERR_TOKEN_READONLY']);
    const otherScope = await h.call('PUT', `/dev${widgetPath}`, { token: await h.createToken('alice', { scopes: ['@elsewhere'] }), body });
    expect([otherScope.status, otherScope.json.code]).toEqual([403, 'PAL_ERR_TOKEN_SCOPE']);
    expect((await h.call('PUT', `/dev${widgetPath}`, { token: await h.createToken('alice', { scopes: ['@acme'] }), body })).status).toBe(201);
  });

  it('keeps a scope for its first publisher', async () => {
    const other = publishBody('@acme/other', '1.0.0', await packTarball({ name: '@acme/other', version: '1.0.0' }));
    const refused = await h.call('PUT', '/dev/@acme%2fother', { token: bob, body: other });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('forbidden: the scope @acme belongs to alice');
    const own = publishBody('@bob/thing', '1.0.0', await packTarball({ name: '@bob/thing', version: '1.0.0' }));
    expect((await h.call('PUT', '/dev/@bob%2fthing', { token: bob, body: own })).status).toBe(201);
    expect((await h.call('PUT', '/dev/@acme%2fother', { token: h.adminToken, body: other })).status).toBe(201);
  });

  it('refuses tarballs that do not match what the client declared, with a reason npm prints', async () => {
    const bytes = await packTarball({ name: 'checked', version: '1.0.0' });
    const wrongIntegrity = await h.call('PUT', '/dev/checked', { token: alice, body: publishBody('checked', '1.0.0', bytes, { dist: { integrity: `sha512-${Buffer.alloc(64).toString('base64')}` } }) });
    expect(wrongIntegrity.status).toBe(422);
    expect(wrongIntegrity.json.error).toMatch(/^invalid package: the tarball does not match dist.integrity/);
    const wrongLength = await h.call('PUT', '/dev/checked', { token: alice, body: publishBody('checked', '1.0.0', bytes, { length: bytes.length + 1 }) });
    expect(wrongLength.status).toBe(422);
    const unsafe = await h.call('PUT', '/dev/checked', { token: alice, body: publishBody('checked', '1.0.0', bytes, { manifest: { unsafe: true } }) });
    expect(unsafe.status).toBe(422);
    expect(unsafe.json.error).toBe('invalid package: the tarball is unsafe: the tarball contains a path outside the package: ../evil');
    const big = await packTarball({ name: 'checked', version: '1.0.1' }, 80 * 1024);
    expect((await h.call('PUT', '/dev/checked', { token: alice, body: publishBody('checked', '1.0.1', big) })).status).toBe(413);
    expect((await h.call('GET', '/dev/checked')).status).toBe(404);
  });

  it('stores a provenance bundle and hands it to ingest', async () => {
    const bytes = await packTarball({ name: 'proven', version: '1.0.0' });
    const bundle = JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', dsseEnvelope: {} });
    expect((await h.call('PUT', '/dev/proven', { token: alice, body: publishBody('proven', '1.0.0', bytes, { sigstore: bundle }) })).status).toBe(201);
    const request = h.ingest.requests.find((r) => r.name === 'proven');
    const stored = await h.blobs.get(request?.provenanceBundle?.key ?? 'missing');
    const chunks: Buffer[] = [];
    for await (const chunk of stored) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(bundle);
  });

  it('answers 503 when ingest does not answer', async () => {
    await h.ingest.stop();
    try {
      const bytes = await packTarball({ name: 'later', version: '1.0.0' });
      const reply = await h.call('PUT', '/dev/later', { token: alice, body: publishBody('later', '1.0.0', bytes) });
      expect(reply.status).toBe(503);
      expect(reply.json.code).toBe('PAL_ERR_UNAVAILABLE');
    } finally {
      await h.ingest.start();
    }
  });
});
