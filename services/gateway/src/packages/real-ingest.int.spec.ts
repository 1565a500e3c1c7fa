import { runCleanups } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from './__fixtures__/gateway-harness';
import { startRealIngest } from './__fixtures__/real-ingest';
import { packTarball, publishBody } from './__fixtures__/publish-body';

// The gateway with the real ingest service on the same embedded bus; promotion admits every
// ingested version to dev (its stand-in below), as the real one does when scans pass.
let h: GatewayHarness;
let alice: string;

beforeAll(async () => {
  h = await startGatewayHarness(`gw_pkgs_ingest_${process.pid}`, {}, { fakeIngest: false });
  await startRealIngest(h);
  alice = await h.createUser('alice');
});

afterAll(() => runCleanups());

it('publishes through ingest and serves the manifest ingest recorded', async () => {
  const manifest = { name: '@acme/native', version: '1.0.0', main: 'index.js', scripts: { install: 'node build.js' } };
  const tarball = await packTarball(manifest);
  expect((await h.call('PUT', '/dev/@acme%2fnative', { token: alice, body: publishBody('@acme/native', '1.0.0', tarball, { manifest }) })).status).toBe(201);
  // 201 came after the version became visible: no waiting here.
  const corgi = await h.call('GET', '/dev/@acme%2fnative', { headers: { accept: 'application/vnd.npm.install-v1+json' } });
  const version = (corgi.json.versions as Record<string, Record<string, unknown>>)['1.0.0'];
  expect(version).toMatchObject({ name: '@acme/native', version: '1.0.0', hasInstallScript: true, dist: { tarball: `${h.origin}/dev/@acme/native/-/native-1.0.0.tgz` } });
  expect((version.dist as Record<string, unknown>).fileCount).toBe(2);
  const bytes = Buffer.from(await (await fetch(String((version.dist as Record<string, unknown>).tarball))).arrayBuffer());
  expect(bytes.equals(tarball)).toBe(true);
  // A retried publish of the same bytes is a success (the first answer may have been lost); other bytes are not.
  expect((await h.call('PUT', '/dev/@acme%2fnative', { token: alice, body: publishBody('@acme/native', '1.0.0', tarball, { manifest }) })).status).toBe(201);
  const other = await packTarball(manifest);
  const again = await h.call('PUT', '/dev/@acme%2fnative', { token: alice, body: publishBody('@acme/native', '1.0.0', other, { manifest }) });
  expect([again.status, again.json.error]).toEqual([409, 'cannot publish over the previously published version 1.0.0']);
});

it('passes ingest’s reasons on to npm', async () => {
  const tarball = await packTarball({ name: 'confused', version: '1.0.0', dependencies: { evil: '1.0.0' } });
  const mismatch = await h.call('PUT', '/dev/confused', { token: alice, body: publishBody('confused', '1.0.0', tarball, { manifest: { dependencies: {} } }) });
  expect(mismatch.status).toBe(422);
  expect(mismatch.json.error).toMatch(/^invalid package: .*dependencies/);
  const garbage = Buffer.from('this is not a gzip tarball');
  const corrupt = await h.call('PUT', '/dev/confused', { token: alice, body: publishBody('confused', '1.0.1', garbage) });
  expect(corrupt.status).toBe(422);
  expect(corrupt.json.error).toMatch(/^invalid package: .*gzip/);
  expect((await h.call('GET', '/dev/confused')).status).toBe(404);
});

it('unpublishes through ingest', async () => {
  for (const version of ['1.0.0', '1.1.0']) {
    const tarball = await packTarball({ name: 'short-lived', version });
    expect((await h.call('PUT', '/dev/short-lived', { token: alice, body: publishBody('short-lived', version, tarball) })).status).toBe(201);
  }
  const doc = (await h.call('GET', '/dev/short-lived?write=true')).json as Record<string, Record<string, unknown>>;
  delete doc.versions['1.1.0'];
  expect((await h.call('PUT', `/dev/short-lived/-rev/${String(doc._rev)}`, { token: alice, body: doc })).status).toBe(200);
  expect(Object.keys((await h.call('GET', '/dev/short-lived')).json.versions as object)).toEqual(['1.0.0']);
  expect((await h.call('DELETE', '/dev/short-lived/-rev/1-x', { token: alice })).status).toBe(200);
  expect((await h.call('GET', '/dev/short-lived')).status).toBe(404);
  // ingest keeps name@version bound to its bytes: the version cannot come back with other ones
  const other = await packTarball({ name: 'short-lived', version: '1.0.0' });
  expect((await h.call('PUT', '/dev/short-lived', { token: alice, body: publishBody('short-lived', '1.0.0', other) })).status).toBe(409);
});
