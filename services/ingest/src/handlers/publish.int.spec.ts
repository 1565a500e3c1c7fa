import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { VersionSource, timestampFromMs, type PublishReply, type Rejection } from '@palisade/contracts';
import { runCleanups } from '@palisade/testing';
import { craftedTgz, npmPack, publishedManifest } from '../__fixtures__/tarballs';
import { startIngest, type IngestHarness } from '../__fixtures__/ingest-harness';

const MiB = 1024 * 1024;
let ingest: IngestHarness;

beforeAll(async () => {
  ingest = await startIngest({ PALISADE_INGEST_MAX_UNPACKED_BYTES: String(MiB), PALISADE_INGEST_MAX_ENTRIES: '50' });
});

afterAll(async () => {
  await ingest?.stop();
  await runCleanups();
});

function pkg(name: string, version: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, version, description: 'a test package', main: 'index.js', ...extra };
}

async function publishPackage(packageJson: Record<string, unknown>, files: Record<string, string | Buffer> = {}, manifestExtra: Record<string, unknown> = {}) {
  const bytes = await npmPack({ 'package.json': JSON.stringify(packageJson), 'index.js': 'module.exports = 1;\n', ...files });
  const manifest = publishedManifest(packageJson, bytes, manifestExtra);
  return ingest.publish(bytes, { name: String(packageJson.name), version: String(packageJson.version), manifestJson: JSON.stringify(manifest) });
}

function rejection(reply: PublishReply): Rejection {
  if (reply.outcome.case !== 'rejected') throw new Error(`expected a rejection, got ${reply.outcome.case ?? 'nothing'}`);
  return reply.outcome.value;
}

function eventsFor(rows: Awaited<ReturnType<IngestHarness['outbox']>>, name: string) {
  return rows.filter((row) => row.message.name === name);
}

describe('ingest publish', () => {
  it('records a valid version and its VersionIngested event, with the manifest rebuilt from the bytes', async () => {
    const packageJson = pkg('@acme/first', '1.0.0', { bin: './cli.js', scripts: { test: 'jest' } });
    const { reply, ref } = await publishPackage(packageJson, { 'cli.js': '#!/usr/bin/env node\n', 'README.md': '# first\n' }, { bin: { first: 'cli.js' } });

    expect(reply.outcome.case).toBe('accepted');
    expect(reply.outcome.value).toMatchObject({ name: '@acme/first', version: '1.0.0', integrity: ref.integrity, newPackage: true, duplicate: false });

    const row = await ingest.versionRow('@acme/first', '1.0.0');
    expect(row).toMatchObject({ integrity: ref.integrity, blob_key: ref.key, state: 'live', source: 'published', publisher_principal: 'alice', publisher_token_id: 'tok-1', dist_tag: 'latest' });
    const manifest = row?.manifest as Record<string, unknown>;
    expect(manifest.dist).toEqual({ integrity: ref.integrity, shasum: createHash('sha1').update(await readAll(ref.key)).digest('hex'), fileCount: 4, unpackedSize: expect.any(Number) });
    expect(manifest).toMatchObject({ _id: '@acme/first@1.0.0', _npmUser: { name: 'alice' }, _hasShrinkwrap: false, readme: '# first\n', readmeFilename: 'README.md', _npmVersion: '11.19.1' });
    expect(manifest).not.toHaveProperty('hasInstallScript');

    const [event] = eventsFor(await ingest.outbox(), '@acme/first');
    expect(event.subject).toBe('registry.evt.version.ingested');
    expect(event.id).toBe('ingest.version-ingested:@acme/first@1.0.0');
    expect(event.message).toMatchObject({
      version: '1.0.0',
      tarball: { key: ref.key, integrity: ref.integrity, size: ref.size },
      source: VersionSource.PUBLISHED,
      distTag: 'latest',
      publisher: { principal: 'alice', tokenId: 'tok-1' },
    });
    expect(JSON.parse(event.message.manifestJson as string)).toEqual(manifest);
  });

  it('marks install scripts and says when a version is not the package’s first', async () => {
    await publishPackage(pkg('scripted', '1.0.0'));
    const { reply } = await publishPackage(pkg('scripted', '1.1.0', { scripts: { postinstall: 'node setup.js' } }), { 'setup.js': '' });
    expect(reply.outcome.value).toMatchObject({ newPackage: false, duplicate: false });
    expect((await ingest.versionRow('scripted', '1.1.0'))?.manifest).toMatchObject({ hasInstallScript: true });
  });

  it('answers a repeated publish of the same bytes as a duplicate, without a second event', async () => {
    const packageJson = pkg('again', '1.0.0');
    const bytes = await npmPack({ 'package.json': JSON.stringify(packageJson) });
    const request = { name: 'again', version: '1.0.0', manifestJson: JSON.stringify(publishedManifest(packageJson, bytes)) };
    const first = await ingest.publish(bytes, request);
    const second = await ingest.publish(bytes, request);
    expect(first.reply.outcome.value).toMatchObject({ duplicate: false });
    expect(second.reply.outcome.value).toMatchObject({ duplicate: true, newPackage: false, integrity: first.ref.integrity });
    expect(eventsFor(await ingest.outbox(), 'again')).toHaveLength(1);
  });

  it('never binds a published version to other bytes, and deletes the refused blob', async () => {
    await publishPackage(pkg('fixed', '1.0.0'));
    const { reply, ref } = await publishPackage(pkg('fixed', '1.0.0'), { 'extra.js': 'changed' });
    const refused = rejection(reply);
    expect(refused.code).toBe('INGEST_VERSION_EXISTS');
    expect(refused.retryable).toBe(false);
    expect(await ingest.blobs.has(ref.key)).toBe(false);
    expect(eventsFor(await ingest.outbox(), 'fixed')).toHaveLength(1);
  });

  it('lets only one of two racing publishes of one version with different bytes win', async () => {
    const results = await Promise.all([publishPackage(pkg('race', '1.0.0')), publishPackage(pkg('race', '1.0.0'), { 'other.js': 'x' })]);
    const outcomes = results.map((r) => (r.reply.outcome.case === 'rejected' ? r.reply.outcome.value.code : r.reply.outcome.case)).sort();
    expect(outcomes).toEqual(['INGEST_VERSION_EXISTS', 'accepted']);
    expect(eventsFor(await ingest.outbox(), 'race')).toHaveLength(1);
  });

  it('refuses manifest confusion, listing every disagreement, and leaves nothing behind', async () => {
    const packed = pkg('confused', '1.0.0', { scripts: { postinstall: 'node steal.js' }, dependencies: { 'left-pad': '1.0.0', extra: '^2.0.0' } });
    const bytes = await npmPack({ 'package.json': JSON.stringify(packed), 'index.js': '' });
    const shown = publishedManifest(pkg('confused', '1.0.0', { dependencies: { 'left-pad': '1.0.0' } }), bytes);
    const { reply, ref } = await ingest.publish(bytes, { name: 'confused', version: '1.0.0', manifestJson: JSON.stringify(shown) });

    const refused = rejection(reply);
    expect(refused.code).toBe('INGEST_MANIFEST_MISMATCH');
    expect(refused.problems).toEqual([expect.stringMatching(/^scripts\.postinstall: /), expect.stringMatching(/^dependencies\.extra: /)]);
    expect(await ingest.versionRow('confused', '1.0.0')).toBeUndefined();
    expect(await ingest.blobs.has(ref.key)).toBe(false);
    expect(eventsFor(await ingest.outbox(), 'confused')).toHaveLength(0);
  });

  it('keeps a refused blob that a recorded version holds (blobs are content-addressed)', async () => {
    const packageJson = pkg('shared-bytes', '1.0.0');
    const { reply, ref } = await publishPackage(packageJson);
    expect(reply.outcome.case).toBe('accepted');
    // the same bytes published as another version: its manifest says 2.0.0, the tarball 1.0.0
    const bytes = await ingest.blobs.get(ref.key).then(readStream);
    const second = await ingest.publish(bytes, { name: 'shared-bytes', version: '2.0.0', manifestJson: JSON.stringify(publishedManifest({ ...packageJson, version: '2.0.0' }, bytes)) });
    expect(rejection(second.reply).code).toBe('INGEST_MANIFEST_MISMATCH');
    expect(second.ref.key).toBe(ref.key);
    expect(await ingest.blobs.has(ref.key)).toBe(true);
  });

  it('refuses bytes that do not match the client’s dist.integrity or dist.shasum', async () => {
    const packageJson = pkg('checked', '1.0.0');
    const bytes = await npmPack({ 'package.json': JSON.stringify(packageJson) });
    const other = await npmPack({ 'package.json': JSON.stringify(packageJson), 'x.js': '' });
    const wrongIntegrity = publishedManifest(packageJson, bytes, { dist: publishedManifest(packageJson, other).dist });
    const integrityReply = rejection((await ingest.publish(bytes, { name: 'checked', version: '1.0.0', manifestJson: JSON.stringify(wrongIntegrity) })).reply);
    expect(integrityReply.code).toBe('INGEST_INTEGRITY_MISMATCH');
    expect(integrityReply.problems).toEqual([expect.stringContaining('dist.integrity')]);

    const good = publishedManifest(packageJson, bytes);
    const wrongShasum = { ...good, dist: { ...(good.dist as object), shasum: '0'.repeat(40) } };
    expect(rejection((await ingest.publish(bytes, { name: 'checked', version: '1.0.0', manifestJson: JSON.stringify(wrongShasum) })).reply).code).toBe('INGEST_SHASUM_MISMATCH');
    expect(await ingest.versionRow('checked', '1.0.0')).toBeUndefined();
  });

  it.each([
    ['a path escaping with ..', [{ path: 'package/../../../etc/cron.d/x', body: 'evil' }], 'TARBALL_PATH_ESCAPES'],
    ['an absolute path', [{ path: '/etc/passwd', body: 'evil' }], 'TARBALL_PATH_ESCAPES'],
    ['a symlink out of the package', [{ path: 'package/link', type: 'SymbolicLink' as const, linkpath: '../../../../home' }], 'TARBALL_LINK_ESCAPES'],
  ])('refuses an unsafe tarball: %s', async (_case, hostile, code) => {
    const packageJson = pkg('unsafe', '1.0.0');
    const bytes = craftedTgz([{ path: 'package/package.json', body: JSON.stringify(packageJson) }, ...hostile]);
    const { reply, ref } = await ingest.publish(bytes, { name: 'unsafe', version: '1.0.0', manifestJson: JSON.stringify(publishedManifest(packageJson, bytes)) });
    const refused = rejection(reply);
    expect(refused.code).toBe('INGEST_TARBALL_UNSAFE');
    expect(refused.problems[0]).toMatch(new RegExp(`^${code}: `));
    expect(await ingest.blobs.has(ref.key)).toBe(false);
  });

  it('refuses what is not a gzip tarball', async () => {
    const bytes = Buffer.from('not a tarball at all');
    const { reply } = await ingest.publish(bytes, { name: 'junk', version: '1.0.0', manifestJson: JSON.stringify(publishedManifest(pkg('junk', '1.0.0'), bytes)) });
    expect(rejection(reply).problems[0]).toMatch(/^TARBALL_NOT_GZIP: /);
  });

  it('refuses tarballs past the configured unpacked size and entry count', async () => {
    const big = await publishPackage(pkg('big', '1.0.0'), { 'zeros.bin': Buffer.alloc(2 * MiB) });
    expect(rejection(big.reply)).toMatchObject({ code: 'INGEST_TARBALL_TOO_LARGE', problems: [expect.stringMatching(/^TARBALL_TOO_LARGE_UNPACKED: /)] });
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}.js`, '']));
    const crowded = await publishPackage(pkg('crowded', '1.0.0'), many);
    expect(rejection(crowded.reply)).toMatchObject({ code: 'INGEST_TARBALL_TOO_LARGE', problems: [expect.stringMatching(/^TARBALL_TOO_MANY_ENTRIES: /)] });
  });

  it.each([
    ['INGEST_INVALID_NAME', 'Bad Name', '1.0.0'],
    ['INGEST_INVALID_NAME', '@scope/../escape', '1.0.0'],
    ['INGEST_INVALID_VERSION', 'valid-name', 'v1.0.0'],
    ['INGEST_INVALID_VERSION', 'valid-name', 'latest'],
  ])('refuses with %s: %s@%s', async (code, name, version) => {
    const bytes = await npmPack({ 'package.json': JSON.stringify({ name, version }) });
    const { reply } = await ingest.publish(bytes, { name, version, manifestJson: JSON.stringify(publishedManifest({ name, version }, bytes)) });
    const refused = rejection(reply);
    expect(refused.code).toBe(code);
    expect(refused.problems.length).toBeGreaterThan(0);
  });

  it('refuses a manifest that is not a JSON object, and a tarball missing from the store', async () => {
    const bytes = await npmPack({ 'package.json': JSON.stringify(pkg('odd', '1.0.0')) });
    expect(rejection((await ingest.publish(bytes, { name: 'odd', version: '1.0.0', manifestJson: '[1]' })).reply).code).toBe('INGEST_INVALID_MANIFEST');
    const absent = gzipSync(Buffer.from('never stored'));
    const integrity = `sha512-${createHash('sha512').update(absent).digest('base64')}`;
    const key = `sha512/${createHash('sha512').update(absent).digest('hex')}`;
    const { reply } = await ingest.publish(absent, { name: 'odd', version: '1.0.0', manifestJson: '{}' }, { key, integrity, size: absent.length });
    expect(rejection(reply)).toMatchObject({ code: 'INGEST_TARBALL_NOT_FOUND', retryable: false });
  });

  it.each([
    ['only a sha1 shasum', (dist: Record<string, unknown>) => ({ shasum: dist.shasum })],
    ['a sha1 integrity', (dist: Record<string, unknown>) => ({ integrity: `sha1-${Buffer.from(String(dist.shasum), 'hex').toString('base64')}`, shasum: dist.shasum })],
    ['no dist', () => undefined],
  ])('refuses a publish with %s: sha512 integrity is required', async (_what, distOf) => {
    const packageJson = pkg('weak-hash', '1.0.0');
    const bytes = await npmPack({ 'package.json': JSON.stringify(packageJson) });
    const manifest = publishedManifest(packageJson, bytes);
    const { reply, ref } = await ingest.publish(bytes, { name: 'weak-hash', version: '1.0.0', manifestJson: JSON.stringify({ ...manifest, dist: distOf(manifest.dist as Record<string, unknown>) }) });
    expect(rejection(reply)).toMatchObject({ code: 'INGEST_INTEGRITY_MISMATCH', message: expect.stringContaining('sha512') });
    expect(await ingest.versionRow('weak-hash', '1.0.0')).toBeUndefined();
    expect(await ingest.blobs.has(ref.key)).toBe(false);
  });

  it('refuses install fields of the wrong type, which the tarball comparison would read as empty', async () => {
    const packageJson = pkg('odd-deps', '1.0.0');
    const bytes = await npmPack({ 'package.json': JSON.stringify(packageJson) });
    const manifest = { ...publishedManifest(packageJson, bytes), dependencies: true, scripts: ['x'] };
    const { reply } = await ingest.publish(bytes, { name: 'odd-deps', version: '1.0.0', manifestJson: JSON.stringify(manifest) });
    expect(rejection(reply)).toMatchObject({ code: 'INGEST_INVALID_MANIFEST', problems: [expect.stringMatching(/^scripts must be/), expect.stringMatching(/^dependencies must be/)] });
    expect(await ingest.versionRow('odd-deps', '1.0.0')).toBeUndefined();
  });

  it('never records a publish past the deadline the gateway sent (the client was told it failed)', async () => {
    const packageJson = pkg('too-late', '1.0.0');
    const bytes = await npmPack({ 'package.json': JSON.stringify(packageJson) });
    const { reply, ref } = await ingest.publish(bytes, { name: 'too-late', version: '1.0.0', manifestJson: JSON.stringify(publishedManifest(packageJson, bytes)), deadline: timestampFromMs(Date.now() - 1) });
    expect(rejection(reply)).toMatchObject({ code: 'INGEST_PUBLISH_TIMEOUT', retryable: false });
    expect(await ingest.versionRow('too-late', '1.0.0')).toBeUndefined();
    expect(eventsFor(await ingest.outbox(), 'too-late')).toEqual([]);
    expect(await ingest.blobs.has(ref.key)).toBe(false);
  });

  it('refuses data after the tar end-of-archive quickly, with TARBALL_TRAILING_DATA', async () => {
    const packageJson = pkg('trailing', '1.0.0');
    const tar = gunzipSync(await npmPack({ 'package.json': JSON.stringify(packageJson) }));
    const bytes = gzipSync(Buffer.concat([tar, Buffer.alloc(512 * 1024, 0x41)]));
    const started = Date.now();
    const { reply, ref } = await ingest.publish(bytes, { name: 'trailing', version: '1.0.0', manifestJson: JSON.stringify(publishedManifest(packageJson, bytes)) });
    expect(rejection(reply)).toMatchObject({ code: 'INGEST_TARBALL_UNSAFE', problems: [expect.stringMatching(/^TARBALL_TRAILING_DATA: /)] });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await ingest.blobs.has(ref.key)).toBe(false);
  });

  it('counts publishes by outcome on /metrics', async () => {
    const text = await (await fetch(`${ingest.service.url}/metrics`)).text();
    expect(text).toMatch(/palisade_ingest_publishes_total\{[^}]*outcome="accepted"[^}]*\} [1-9]/);
    expect(text).toMatch(/palisade_ingest_publishes_total\{[^}]*outcome="duplicate"[^}]*\} 1/);
    expect(text).toMatch(/palisade_ingest_publishes_total\{[^}]*outcome="INGEST_MANIFEST_MISMATCH"[^}]*\} [1-9]/);
  });

  it('is held by the database too: a recorded version cannot be deleted or given other bytes', async () => {
    await publishPackage(pkg('guarded', '1.0.0'));
    await expect(ingest.service.dataSource.query(`DELETE FROM palisade_ingest.versions WHERE name = 'guarded'`)).rejects.toThrow(/never deleted/);
    await expect(ingest.service.dataSource.query(`UPDATE palisade_ingest.versions SET integrity = 'sha512-x' WHERE name = 'guarded'`)).rejects.toThrow(/never change/);
  });
});

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function readAll(key: string): Promise<Buffer> {
  return readStream(await ingest.blobs.get(key));
}
