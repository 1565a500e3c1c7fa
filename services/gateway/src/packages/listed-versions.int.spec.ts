import { createHash, randomUUID } from 'node:crypto';
import { Events, VersionSource, encodeMessage, timestampFromDate, type VersionIngested } from '@palisade/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { runCleanups, waitFor } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from './__fixtures__/gateway-harness';

// The read model's side of upstream versions listed before judgment (`version.listed`): a listing
// in parts applied in any order, racing a tagged version's own `version.ingested`, and a view's
// refusal (`version.refused`). Events go through the bus, as ingest and promotion send them.

const NAME = 'listed-pkg';
let h: GatewayHarness;

const ingested = (version: string, distTag = ''): MessageInitShape<typeof Events.versionIngested.schema> => ({
  name: NAME,
  version,
  tarball: { key: '', integrity: `sha512-${createHash('sha512').update(version).digest('base64')}`, size: 0 },
  source: VersionSource.UPSTREAM,
  manifestJson: JSON.stringify({ name: NAME, version, dist: { tarball: `http://upstream.test/${NAME}/-/${NAME}-${version}.tgz` } }),
  distTag,
  upstream: 'http://upstream.test',
  publishedAt: timestampFromDate(new Date('2026-01-01T00:00:00Z')),
  ingestedAt: timestampFromDate(new Date()),
});

async function emit(subject: string, schema: string, data: Uint8Array): Promise<void> {
  await h.bus.publish({ id: randomUUID(), subject, schema, data });
}

async function listing(versions: string[], part: number, parts: number, distTags: Record<string, string> = {}): Promise<void> {
  const { subject, schema } = Events.versionsListed;
  const data = encodeMessage(schema, { name: NAME, versions: versions.map((v) => ingested(v) as VersionIngested), distTags, upstream: 'http://upstream.test', listedAt: timestampFromDate(new Date('2026-12-07T00:00:00Z')), part, parts });
  await emit(subject, schema.typeName, data);
}

async function packageRow(): Promise<{ listed: boolean; versions: string[]; tags: Record<string, string> } | undefined> {
  const rows: Array<{ listed: boolean; versions: string[] | null; tags: Record<string, string> | null }> = await h.service.dataSource.query(
    `SELECT p.upstream_listed_at IS NOT NULL AS listed,
       (SELECT array_agg(v.version ORDER BY v.version) FROM palisade_gateway.package_versions v WHERE v.name = p.name) AS versions,
       (SELECT json_object_agg(t.tag, t.version) FROM palisade_gateway.dist_tags t WHERE t.name = p.name) AS tags
       FROM palisade_gateway.packages p WHERE p.name = $1`,
    [NAME],
  );
  return rows[0] ? { listed: rows[0].listed, versions: rows[0].versions ?? [], tags: rows[0].tags ?? {} } : undefined;
}

beforeAll(async () => {
  h = await startGatewayHarness(`gw_listed_${process.pid}`);
});

afterAll(() => runCleanups());

it('shows a listing as whole only once every part is applied, whatever their order and a tagged version arriving first', async () => {
  await emit(Events.versionIngested.subject, Events.versionIngested.schema.typeName, encodeMessage(Events.versionIngested.schema, ingested('1.2.0', 'latest')));
  await waitFor(async () => (await packageRow())?.versions.includes('1.2.0') === true, { timeoutMs: 10_000, message: 'tagged version recorded' });
  expect(await packageRow()).toMatchObject({ listed: false });

  await listing(['1.1.0', '1.2.0'], 1, 2);
  await waitFor(async () => (await packageRow())?.versions.includes('1.1.0') === true, { timeoutMs: 10_000, message: 'second part applied' });
  expect(await packageRow()).toMatchObject({ listed: false });

  await listing(['1.0.0'], 0, 2, { latest: '1.2.0', next: '1.1.0' });
  await waitFor(async () => (await packageRow())?.listed === true, { timeoutMs: 10_000, message: 'listing whole' });
  expect(await packageRow()).toEqual({ listed: true, versions: ['1.0.0', '1.1.0', '1.2.0'], tags: { latest: '1.2.0', next: '1.1.0' } });
});

it('records a view\'s refusal of a listed version with its reasons', async () => {
  const { subject, schema } = Events.versionRefused;
  await emit(subject, schema.typeName, encodeMessage(schema, { name: NAME, version: '1.0.0', integrity: ingested('1.0.0').tarball?.integrity, view: 'dev', reasons: ['install scripts (postinstall) are not allowed', 'no provenance'], refusedAt: timestampFromDate(new Date()) }));
  await waitFor(
    async () => ((await h.service.dataSource.query(`SELECT reason FROM palisade_gateway.view_dismissals WHERE name = $1 AND version = '1.0.0' AND view = 'dev'`, [NAME])) as unknown[]).length === 1,
    { timeoutMs: 10_000, message: 'refusal recorded' },
  );
  const [row] = (await h.service.dataSource.query(`SELECT reason FROM palisade_gateway.view_dismissals WHERE name = $1 AND version = '1.0.0'`, [NAME])) as Array<{ reason: string }>;
  expect(row.reason).toBe('install scripts (postinstall) are not allowed; no provenance');
});
