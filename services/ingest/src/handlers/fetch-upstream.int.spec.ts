import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { runCleanups, startFixtureUpstream, tempDir, waitFor, type FixtureUpstream } from '@palisade/testing';
import { startIngest, type IngestHarness } from '../__fixtures__/ingest-harness';

// Ingest's side of the read-through cache, against the fixture upstream: what is recorded, what is
// refused, which events and alerts are queued, and what reaches the upstream.

const HOUR = 3_600_000;

function alertsIn(rows: Awaited<ReturnType<IngestHarness['outbox']>>, kind: string) {
  return rows.filter((r) => r.subject.startsWith('alerts.') && r.subject.endsWith(`.${kind}`));
}

describe('ingest: reading packages through from the upstream', () => {
  let upstream: FixtureUpstream;

  beforeAll(async () => {
    upstream = await startFixtureUpstream();
    upstream.addPackage({ name: 'plain', versions: [{ version: '1.0.0', publishedAt: new Date(Date.now() - 5 * HOUR) }, { version: '1.1.0' }] });
    upstream.addPackage({ name: '@acme/secret', versions: [{ version: '1.0.0' }] });
  });

  afterAll(async () => {
    await upstream.stop();
    await runCleanups();
  });

  describe('with keys trusted on first use', () => {
    let ingest: IngestHarness;

    beforeAll(async () => {
      // No background judging: what reaches the pipeline is only what a fetch or a client sends.
      ingest = await startIngest({ PALISADE_UPSTREAM_URL: upstream.url, PALISADE_INTERNAL_SCOPES: '@acme', PALISADE_UPSTREAM_BACKGROUND_RATE: '0' });
    });
    afterAll(() => ingest.stop());

    it('records every verified version, lists them all with the dist-tags, and hands each to the pipeline only when asked for', async () => {
      const reply = await ingest.fetch('plain');
      expect(reply.outcome).toMatchObject({ case: 'accepted', value: { versions: [{ newlyRecorded: true }, { newlyRecorded: true }] } });
      const row = await ingest.versionRow('plain', '1.0.0');
      expect(row).toMatchObject({ source: 'upstream', integrity: upstream.dist('plain', '1.0.0').integrity, state: 'live' });
      expect((row?.published_at as Date).getTime()).toBeLessThan(Date.now() - 4 * HOUR);
      const listed = (await ingest.outbox()).filter((r) => r.subject === 'registry.evt.version.listed');
      expect(listed).toHaveLength(1);
      expect(listed[0].message).toMatchObject({ name: 'plain', distTags: { latest: '1.1.0' } });
      expect((listed[0].message.versions as Array<{ version: string }>).map((v) => v.version).sort()).toEqual(['1.0.0', '1.1.0']);
      // Nothing is judged until a client asks (a tarball, or a view reading what `latest` names).
      expect((await ingest.outbox()).filter((r) => r.subject === 'registry.evt.version.ingested')).toEqual([]);
      expect((await ingest.judge('plain', '1.1.0')).outcome).toMatchObject({ case: 'accepted', value: { expedited: true } });
      expect((await ingest.judge('plain', '1.0.0')).outcome).toMatchObject({ case: 'accepted', value: { expedited: true } });
      expect((await ingest.judge('plain', '1.0.0')).outcome).toMatchObject({ case: 'accepted', value: { expedited: false } });
      expect((await ingest.judge('plain', '1.1.0')).outcome).toMatchObject({ case: 'accepted', value: { expedited: false } });
      expect((await ingest.judge('plain', '9.9.9')).outcome).toMatchObject({ case: 'rejected', value: { code: 'INGEST_VERSION_NOT_FOUND' } });
      const judged = (await ingest.outbox()).filter((r) => r.subject === 'registry.evt.version.ingested' && r.message.name === 'plain');
      expect(judged.map((r) => r.message.version)).toEqual(['1.1.0', '1.0.0']);
      expect(judged[0].message).toMatchObject({ source: 2, upstream: upstream.url.replace(/\/$/, ''), upstreamSignatures: [{ keyid: upstream.keyId }] });
      // The deferred event is the one that was listed, byte for byte in meaning.
      expect(judged[1].message).toEqual((listed[0].message.versions as Array<{ version: string }>).find((v) => v.version === '1.0.0'));
      const verification: Array<{ verification: string; upstream_keyid: string }> = await ingest.service.dataSource.query(
        "SELECT verification, upstream_keyid FROM palisade_ingest.upstream_versions WHERE name = 'plain'",
      );
      expect(verification).toEqual([
        { verification: 'signature', upstream_keyid: upstream.keyId },
        { verification: 'signature', upstream_keyid: upstream.keyId },
      ]);
      // A second fetch revalidates with the ETag and records nothing new.
      upstream.clearRequests();
      expect((await ingest.fetch('plain')).outcome).toMatchObject({ case: 'accepted', value: { versions: [{ newlyRecorded: false }, { newlyRecorded: false }] } });
      const revalidation = upstream.requestsFor('/plain');
      expect(revalidation).toHaveLength(1);
      expect(revalidation[0]).toMatchObject({ status: 304, headers: expect.objectContaining({ 'if-none-match': expect.any(String) }) });
      expect((await ingest.outbox()).filter((r) => r.subject === 'registry.evt.version.ingested')).toHaveLength(2);
    });

    it('makes one upstream request for fetches of a name that overlap', async () => {
      upstream.addPackage({ name: 'busy', versions: [{ version: '1.0.0' }, { version: '2.0.0' }] });
      upstream.clearRequests();
      const replies = await Promise.all(Array.from({ length: 5 }, () => ingest.fetch('busy')));
      for (const reply of replies) expect(reply.outcome).toMatchObject({ case: 'accepted', value: { versions: [{ version: '1.0.0' }, { version: '2.0.0' }] } });
      expect(upstream.requestsFor('/busy').filter((r) => r.kind === 'packument')).toHaveLength(1);
      const events = (await ingest.outbox()).filter((r) => r.message.name === 'busy');
      expect(events.filter((r) => r.subject === 'registry.evt.version.listed')).toHaveLength(1);
      expect((await ingest.judge('busy', '2.0.0')).outcome).toMatchObject({ case: 'accepted', value: { expedited: true } });
      const judged = (await ingest.outbox()).filter((r) => r.message.name === 'busy' && r.subject === 'registry.evt.version.ingested');
      expect(judged.map((r) => r.message.version)).toEqual(['2.0.0']);
    });

    it('never asks the upstream about internal scopes', async () => {
      upstream.clearRequests();
      const reply = await ingest.fetch('@acme/secret');
      expect(reply.outcome).toMatchObject({ case: 'rejected', value: { code: 'INGEST_INTERNAL_SCOPE' } });
      expect(upstream.requests).toEqual([]);
    });

    it('answers a retryable refusal when the upstream is down, keeping what was recorded', async () => {
      await upstream.stop();
      try {
        const reply = await ingest.fetch('plain');
        expect(reply.outcome).toMatchObject({ case: 'rejected', value: { code: 'INGEST_UPSTREAM_UNAVAILABLE', retryable: true } });
        expect(await ingest.versionRow('plain', '1.1.0')).toMatchObject({ state: 'live' });
      } finally {
        await upstream.start();
      }
    });

    it('records upstream bytes once they are stored with the recorded integrity, and refuses others', async () => {
      const wrong = await ingest.blobs.put(Buffer.from('not the tarball'));
      expect((await ingest.cacheTarball('plain', '1.0.0', wrong)).outcome).toMatchObject({ case: 'rejected', value: { code: 'INGEST_INTEGRITY_MISMATCH' } });
      const right = await ingest.blobs.put(upstream.dist('plain', '1.0.0').bytes);
      expect((await ingest.cacheTarball('plain', '1.0.0', right)).outcome).toMatchObject({ case: 'accepted', value: { duplicate: false } });
      expect((await ingest.cacheTarball('plain', '1.0.0', right)).outcome).toMatchObject({ case: 'accepted', value: { duplicate: true } });
      const cached = (await ingest.outbox()).filter((r) => r.subject === 'registry.evt.version.tarball-cached');
      expect(cached).toHaveLength(1);
      expect(cached[0].message).toMatchObject({ name: 'plain', version: '1.0.0', tarball: { key: right.key, integrity: right.integrity } });
    });

    it('refuses versions signed by a new upstream key and alerts once about the key change', async () => {
      upstream.addPackage({ name: 'rotated', versions: [{ version: '1.0.0' }] });
      upstream.rotateKey();
      const reply = await ingest.fetch('rotated');
      expect(reply.outcome.case).toBe('accepted');
      expect(await ingest.versionRow('rotated', '1.0.0')).toBeUndefined();
      expect((await ingest.fetch('rotated')).outcome.case).toBe('accepted');
      const rows = await ingest.outbox();
      expect(alertsIn(rows, 'upstream-keys-changed')).toHaveLength(1);
      expect(alertsIn(rows, 'upstream-keys-changed')[0].subject).toBe('alerts.security.high.upstream-keys-changed');
    });
  });

  describe('with PALISADE_UPSTREAM_SIGNATURES', () => {
    it('if-present (default) records unsigned versions as integrity-only; required refuses them', async () => {
      upstream.addPackage({ name: 'unsigned', versions: [{ version: '1.0.0' }] });
      upstream.stripSignatures(true);
      try {
        const lenient = await startIngest({ PALISADE_UPSTREAM_URL: upstream.url });
        try {
          expect((await lenient.fetch('unsigned')).outcome.case).toBe('accepted');
          const rows: Array<{ verification: string }> = await lenient.service.dataSource.query("SELECT verification FROM palisade_ingest.upstream_versions WHERE name = 'unsigned'");
          expect(rows).toEqual([{ verification: 'integrity-only' }]);
        } finally {
          await lenient.stop();
        }
        const strict = await startIngest({ PALISADE_UPSTREAM_URL: upstream.url, PALISADE_UPSTREAM_SIGNATURES: 'required' });
        try {
          expect((await strict.fetch('unsigned')).outcome.case).toBe('accepted');
          expect(await strict.versionRow('unsigned', '1.0.0')).toBeUndefined();
        } finally {
          await strict.stop();
        }
      } finally {
        upstream.stripSignatures(false);
      }
    });

    it('trusts only pinned keys when PALISADE_UPSTREAM_KEYS is set', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
      const keyid = `SHA256:${createHash('sha256').update(other).digest('base64').replace(/=+$/, '')}`;
      const file = join(await tempDir('pinned-keys-'), 'keys.json');
      await writeFile(file, JSON.stringify({ keys: [{ keyid, key: other.toString('base64'), keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', expires: null }] }));
      const pinned = await startIngest({ PALISADE_UPSTREAM_URL: upstream.url, PALISADE_UPSTREAM_KEYS: file });
      try {
        upstream.clearRequests();
        expect((await pinned.fetch('plain')).outcome.case).toBe('accepted');
        expect(await pinned.versionRow('plain', '1.0.0')).toBeUndefined();
        expect(upstream.requests.filter((r) => r.kind === 'keys').length).toBeLessThanOrEqual(1);
      } finally {
        await pinned.stop();
      }
    });

    it('never contacts the upstream when offline', async () => {
      const offline = await startIngest({ PALISADE_UPSTREAM_URL: upstream.url, PALISADE_UPSTREAM_OFFLINE: 'true' });
      try {
        upstream.clearRequests();
        expect((await offline.fetch('plain')).outcome).toMatchObject({ case: 'rejected', value: { code: 'INGEST_UPSTREAM_DISABLED' } });
        expect(upstream.requests).toEqual([]);
      } finally {
        await offline.stop();
      }
    });
  });

  it('judges the versions nobody asked for in the background, what a dist-tag names first, then newest publication first, at the configured rate', async () => {
    const versions = ['1.0.0', '1.1.0', '1.2.0', '2.0.0'].map((version, i) => ({ version, publishedAt: new Date(Date.now() - (10 - i) * HOUR) }));
    upstream.addPackage({ name: 'history', versions, distTags: { latest: '1.1.0', next: '2.0.0' } });
    const background = await startIngest({ PALISADE_UPSTREAM_URL: upstream.url, PALISADE_UPSTREAM_BACKGROUND_RATE: '4', PALISADE_UPSTREAM_BACKGROUND_MAX_CPU: '100' });
    try {
      expect((await background.fetch('history')).outcome.case).toBe('accepted');
      const ingestedOf = async () => (await background.outbox()).filter((r) => r.subject === 'registry.evt.version.ingested').map((r) => r.message.version);
      // The tagged ones first (1.1.0 before the newer, untagged 1.2.0), each group newest first, one a quarter second.
      await waitFor(async () => (await ingestedOf()).length === 4, { timeoutMs: 10_000, message: 'every version handed to the pipeline' });
      expect(await ingestedOf()).toEqual(['2.0.0', '1.1.0', '1.2.0', '1.0.0']);
      const listed = (await background.outbox()).find((r) => r.subject === 'registry.evt.version.listed');
      expect(listed?.message.distTags).toEqual({ latest: '1.1.0', next: '2.0.0' });
    } finally {
      await background.stop();
    }
  });
});
