import { runCleanups } from '@palisade/testing';
import type { PublishReply } from '@palisade/contracts';
import { provenanceBundle, type BundleOptions } from '../__fixtures__/provenance-bundle';
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

/** Publishes a package with a `.sigstore` bundle made for its tarball (changed by `bundle`). */
async function publishWithProvenance(name: string, version: string, repository: unknown, bundle: Partial<BundleOptions> = {}) {
  const packageJson = { name, version, main: 'index.js', repository };
  const bytes = await npmPack({ 'package.json': JSON.stringify(packageJson), 'index.js': 'module.exports = 1;\n' });
  const bundleText = provenanceBundle({ name, version, tarball: bytes, ...bundle });
  const stored = await ingest.blobs.put(Buffer.from(bundleText, 'utf8'));
  const result = await ingest.publish(bytes, {
    name,
    version,
    manifestJson: JSON.stringify(publishedManifest(packageJson, bytes)),
    provenanceBundle: { key: stored.key, integrity: stored.integrity, size: stored.size },
  });
  return { ...result, bundleKey: stored.key };
}

function rejectionCode(reply: PublishReply): string {
  return reply.outcome.case === 'rejected' ? reply.outcome.value.code : `not rejected (${reply.outcome.case ?? 'nothing'})`;
}

describe('ingest publish with provenance', () => {
  it('records the bundle and its source, and passes the bundle on in VersionIngested', async () => {
    const { reply, bundleKey } = await publishWithProvenance('@prov/ok', '1.0.0', { type: 'git', url: 'git+https://github.com/acme/ok.git' }, { commit: 'feedface' });
    expect(reply.outcome.case).toBe('accepted');
    const row = await ingest.versionRow('@prov/ok', '1.0.0');
    expect(row).toMatchObject({
      provenance_key: bundleKey,
      provenance: { predicateType: 'https://slsa.dev/provenance/v1', repository: 'https://github.com/acme/ok', commit: 'feedface', verified: 'subject+repository' },
    });
    const event = (await ingest.outbox()).find((r) => r.message.name === '@prov/ok');
    expect(event?.message.provenanceBundle).toMatchObject({ key: bundleKey });
    expect(event?.message).toMatchObject({ sourceRepository: 'https://github.com/acme/ok', sourceCommit: 'feedface' });
  });

  it('refuses a bundle about other bytes and discards both blobs', async () => {
    const { reply, ref, bundleKey } = await publishWithProvenance('@prov/subject', '1.0.0', 'acme/subject', { subjectSha512: '00'.repeat(64) });
    expect(rejectionCode(reply)).toBe('INGEST_PROVENANCE_SUBJECT_MISMATCH');
    expect(await ingest.versionRow('@prov/subject', '1.0.0')).toBeUndefined();
    expect(await ingest.blobs.has(ref.key)).toBe(false);
    expect(await ingest.blobs.has(bundleKey)).toBe(false);
  });

  it('refuses a bundle built from another repository', async () => {
    const { reply } = await publishWithProvenance('@prov/repo', '1.0.0', 'acme/repo', { repository: 'https://github.com/mallory/repo' });
    expect(rejectionCode(reply)).toBe('INGEST_PROVENANCE_REPOSITORY_MISMATCH');
    if (reply.outcome.case === 'rejected') expect(reply.outcome.value.problems.join(' ')).toContain('mallory/repo');
    expect(await ingest.versionRow('@prov/repo', '1.0.0')).toBeUndefined();
  });
});
