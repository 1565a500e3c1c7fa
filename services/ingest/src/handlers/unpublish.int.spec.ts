import type { Rejection, UnpublishReply } from '@palisade/contracts';
import { runCleanups } from '@palisade/testing';
import { npmPack, publishedManifest } from '../__fixtures__/tarballs';
import { startIngest, type IngestHarness } from '../__fixtures__/ingest-harness';

let ingest: IngestHarness;

beforeAll(async () => {
  ingest = await startIngest();
});

afterAll(async () => {
  await ingest?.stop();
  await runCleanups();
});

async function publish(name: string, version: string, extraFile = '') {
  const packageJson = { name, version };
  const bytes = await npmPack({ 'package.json': JSON.stringify(packageJson), 'index.js': extraFile });
  return ingest.publish(bytes, { name, version, manifestJson: JSON.stringify(publishedManifest(packageJson, bytes)) });
}

function rejection(reply: { outcome: { case: string | undefined; value?: unknown } }): Rejection {
  if (reply.outcome.case !== 'rejected') throw new Error(`expected a rejection, got ${reply.outcome.case ?? 'nothing'}`);
  return reply.outcome.value as Rejection;
}

function accepted(reply: UnpublishReply): string[] {
  if (reply.outcome.case !== 'accepted') throw new Error(`expected acceptance, got ${JSON.stringify(reply.outcome.value)}`);
  return reply.outcome.value.versions;
}

async function unpublishedEvents(name: string) {
  return (await ingest.outbox()).filter((row) => row.subject === 'registry.evt.version.unpublished' && row.message.name === name);
}

describe('ingest unpublish', () => {
  it('unpublishes one version, keeps its row and blob, and binds the version to its bytes for ever', async () => {
    const { ref } = await publish('gone', '1.0.0');
    await publish('gone', '1.1.0');

    const reply = await ingest.unpublish({ name: 'gone', versions: ['1.0.0'], requestedBy: { principal: 'alice', tokenId: 'tok-1' } });
    expect(accepted(reply)).toEqual(['1.0.0']);

    expect(await ingest.versionRow('gone', '1.0.0')).toMatchObject({ state: 'unpublished', unpublished_by: 'alice', integrity: ref.integrity, unpublished_at: expect.any(Date) });
    expect(await ingest.versionRow('gone', '1.1.0')).toMatchObject({ state: 'live' });
    expect(await ingest.blobs.has(ref.key)).toBe(true);
    const events = await unpublishedEvents('gone');
    expect(events.map((e) => e.message)).toEqual([
      expect.objectContaining({ version: '1.0.0', integrity: ref.integrity, requestedBy: expect.objectContaining({ principal: 'alice' }) }),
    ]);

    // other bytes under the same name@version: refused, and those bytes are not kept
    const other = await publish('gone', '1.0.0', 'module.exports = "new";');
    expect(rejection(other.reply).code).toBe('INGEST_VERSION_EXISTS');
    expect(await ingest.blobs.has(other.ref.key)).toBe(false);
    // the very same bytes: still refused (a version number is never reused), and the blob stays
    const same = await publish('gone', '1.0.0');
    expect(rejection(same.reply).code).toBe('INGEST_VERSION_EXISTS');
    expect(await ingest.blobs.has(ref.key)).toBe(true);
  });

  it('refuses a version that is not live, naming why, and changes nothing', async () => {
    await publish('partial', '1.0.0');
    await publish('partial', '2.0.0');
    expect(accepted(await ingest.unpublish({ name: 'partial', versions: ['2.0.0'] }))).toEqual(['2.0.0']);

    const refused = rejection(await ingest.unpublish({ name: 'partial', versions: ['1.0.0', '2.0.0', '3.0.0'] }));
    expect(refused.code).toBe('INGEST_VERSION_NOT_FOUND');
    expect(refused.problems).toEqual(['partial@2.0.0: already unpublished', 'partial@3.0.0: never published']);
    expect(await ingest.versionRow('partial', '1.0.0')).toMatchObject({ state: 'live' });
    expect(await unpublishedEvents('partial')).toHaveLength(1);
  });

  it('unpublishes every live version when none are named, then reports the package gone', async () => {
    await publish('whole', '1.0.0');
    await publish('whole', '1.0.1');
    await publish('whole', '2.0.0-beta.1');
    expect(accepted(await ingest.unpublish({ name: 'whole', versions: ['1.0.1'] }))).toEqual(['1.0.1']);

    expect(accepted(await ingest.unpublish({ name: 'whole', versions: [] })).sort()).toEqual(['1.0.0', '2.0.0-beta.1']);
    expect((await unpublishedEvents('whole')).map((e) => e.message.version).sort()).toEqual(['1.0.0', '1.0.1', '2.0.0-beta.1']);

    expect(rejection(await ingest.unpublish({ name: 'whole', versions: [] })).code).toBe('INGEST_PACKAGE_NOT_FOUND');
  });

  it('refuses an unknown package', async () => {
    const refused = rejection(await ingest.unpublish({ name: 'never-published', versions: [] }));
    expect(refused).toMatchObject({ code: 'INGEST_PACKAGE_NOT_FOUND', retryable: false });
    expect(rejection(await ingest.unpublish({ name: 'never-published', versions: ['1.0.0'] })).code).toBe('INGEST_PACKAGE_NOT_FOUND');
  });
});
