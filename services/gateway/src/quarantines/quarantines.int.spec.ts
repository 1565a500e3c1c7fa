import { Events, QuarantineMode, decodeMessage, encodeMessage, timestampFromDate } from '@palisade/contracts';
import type { DeliveredMessage } from '@palisade/messaging';
import { integrityOf, runCleanups, waitFor } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from '../packages/__fixtures__/gateway-harness';
import { packTarball, publishBody } from '../packages/__fixtures__/publish-body';
import { QuarantineEventsController } from './handlers/quarantine-events.controller';

// Recall quarantines in the gateway's read model: the real gateway on the embedded bus (ingest and
// promotion faked), quarantine and release events injected as the recall service emits them, read
// back through both packument shapes and the tarballs of each view.
let h: GatewayHarness;
let alice: string;
const NAME = '@acme/lib';
const PATH = '/@acme%2flib';
const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';
const integrities: Record<string, string> = {};
let sequence = 0;
const T0 = Date.now();
const at = (seconds: number) => timestampFromDate(new Date(T0 + seconds * 1_000));

type Versions = Record<string, { deprecated?: string; dist: { tarball: string } }>;

interface Doc {
  status: number;
  distTags: Record<string, string>;
  versions: Versions;
  time: Record<string, string>;
}

async function packument(view: string, shape: 'full' | 'abbreviated' = 'full'): Promise<Doc> {
  const reply = await h.call('GET', `/${view}${PATH}`, shape === 'abbreviated' ? { headers: { accept: CORGI } } : {});
  return {
    status: reply.status,
    distTags: (reply.json['dist-tags'] ?? {}) as Record<string, string>,
    versions: (reply.json.versions ?? {}) as Versions,
    time: (reply.json.time ?? {}) as Record<string, string>,
  };
}

const tarball = (view: string, version: string) => h.call('GET', `/${view}/@acme/lib/-/lib-${version}.tgz`);

function quarantinedMessage(
  fields: { version: string; view: string; mode: QuarantineMode; reason: string; recallId: string; at: number; integrity?: string },
  id = `q-${++sequence}`,
): DeliveredMessage {
  const { schema, subject } = Events.versionQuarantined;
  const data = encodeMessage(schema, { name: NAME, version: fields.version, integrity: fields.integrity ?? integrities[fields.version], view: fields.view, mode: fields.mode, reason: fields.reason, recallId: fields.recallId, quarantinedAt: at(fields.at) });
  return { id, subject, schema: schema.typeName, data, headers: {}, attempt: 1, working: () => undefined };
}

function releasedMessage(fields: { version: string; view: string; recallId: string; at: number }, id = `r-${++sequence}`): DeliveredMessage {
  const { schema, subject } = Events.versionReleased;
  const data = encodeMessage(schema, { name: NAME, version: fields.version, integrity: integrities[fields.version], view: fields.view, reason: 'waived', recallId: fields.recallId, releasedAt: at(fields.at) });
  return { id, subject, schema: schema.typeName, data, headers: {}, attempt: 1, working: () => undefined };
}

/** Through the bus, as the recall service would. */
async function emit(message: DeliveredMessage): Promise<void> {
  await h.bus.publish({ id: message.id, subject: message.subject, schema: message.schema, data: message.data });
}

async function enforcedEvents(recallId: string) {
  const rows: Array<{ id: string; data: Buffer }> = await h.service.dataSource.query(`SELECT id, data FROM palisade_gateway.outbox WHERE subject = $1 ORDER BY position`, [Events.recallEnforced.subject]);
  return rows.map((r) => ({ id: r.id, ...decodeMessage(Events.recallEnforced.schema, r.data) })).filter((e) => e.recallId === recallId);
}

beforeAll(async () => {
  h = await startGatewayHarness(`gw_quarantines_${process.pid}`);
  alice = await h.createUser('alice');
  for (const version of ['1.0.0', '1.1.0', '2.0.0-beta.1']) {
    const bytes = await packTarball({ name: NAME, version });
    integrities[version] = integrityOf(bytes);
    const tag = version.includes('beta') ? 'beta' : 'latest';
    const published = await h.call('PUT', `/dev${PATH}`, { token: alice, body: publishBody(NAME, version, bytes, { tag }) });
    expect(published.status).toBe(201);
    await h.ingest.promote(NAME, version, 'prod');
  }
  await waitFor(async () => Object.keys((await packument('prod')).versions).length === 3, { timeoutMs: 5_000, message: 'every version in prod' });
});

afterAll(() => runCleanups());

describe('recall quarantines in the read model', () => {
  it('serves every version before any quarantine', async () => {
    expect((await packument('prod')).distTags).toEqual({ latest: '1.1.0', beta: '2.0.0-beta.1' });
    expect((await tarball('prod', '1.1.0')).status).toBe(200);
  });

  it('block hides the version from both packuments of that view only, moves latest and refuses its tarball with 451', async () => {
    await emit(quarantinedMessage({ version: '1.1.0', view: 'prod', mode: QuarantineMode.BLOCK, reason: 'account takeover; use 1.0.0', recallId: 'rc-block', at: 1 }));
    await waitFor(async () => (await packument('prod')).versions['1.1.0'] === undefined, { timeoutMs: 5_000, message: '1.1.0 gone from prod' });
    for (const shape of ['full', 'abbreviated'] as const) {
      const prod = await packument('prod', shape);
      expect(Object.keys(prod.versions)).toEqual(['1.0.0', '2.0.0-beta.1']);
      expect(prod.distTags).toEqual({ latest: '1.0.0', beta: '2.0.0-beta.1' });
      expect(prod.time['1.1.0']).toBeUndefined();
      const dev = await packument('dev', shape);
      expect(Object.keys(dev.versions)).toEqual(['1.0.0', '1.1.0', '2.0.0-beta.1']);
      expect(dev.distTags.latest).toBe('1.1.0');
      expect(dev.versions['1.1.0'].deprecated).toBeUndefined();
    }
    const refused = await tarball('prod', '1.1.0');
    expect(refused.status).toBe(451);
    expect(refused.json).toEqual({ code: 'PAL_ERR_QUARANTINED', error: '@acme/lib@1.1.0 is quarantined in prod: account takeover; use 1.0.0 (recall rc-block)' });
    // Even a client that has the bytes' ETag is refused, not told "not modified".
    expect((await h.call('GET', '/prod/@acme/lib/-/lib-1.1.0.tgz', { headers: { 'if-none-match': `"${integrities['1.1.0']}"` } })).status).toBe(451);
    expect((await tarball('dev', '1.1.0')).status).toBe(200);
    expect(await enforcedEvents('rc-block')).toMatchObject([{ recallId: 'rc-block', name: NAME, version: '1.1.0', view: 'prod', mode: QuarantineMode.BLOCK, quarantined: true }]);
  });

  it('warn keeps the version installable and serves the reason, naming the case, as its deprecation in that view', async () => {
    // The maintainer deprecated it first, as `npm deprecate` does: the whole document back, one field changed.
    const doc = (await h.call('GET', `/dev${PATH}?write=true`, { token: alice })).json as { versions: Versions };
    doc.versions['1.1.0'].deprecated = 'maintainer says: old';
    expect((await h.call('PUT', `/dev${PATH}`, { token: alice, body: doc })).status).toBe(200);
    await emit(quarantinedMessage({ version: '1.1.0', view: 'dev', mode: QuarantineMode.WARN, reason: 'recalled: account takeover; move to @acme/lib@1.0.0', recallId: 'rc-block', at: 2 }));
    const expected = 'recalled: account takeover; move to @acme/lib@1.0.0 (recall rc-block)';
    await waitFor(async () => (await packument('dev')).versions['1.1.0']?.deprecated === expected, { timeoutMs: 5_000, message: 'deprecation in dev' });
    for (const shape of ['full', 'abbreviated'] as const) {
      const dev = await packument('dev', shape);
      expect(dev.versions['1.1.0'].deprecated).toBe(expected);
      expect(dev.distTags.latest).toBe('1.1.0');
    }
    expect((await tarball('dev', '1.1.0')).status).toBe(200);
    expect((await packument('prod')).versions['1.1.0']).toBeUndefined();
  });

  it('a release restores the view, and a late, older quarantine of the case does not bring it back', async () => {
    await emit(releasedMessage({ version: '1.1.0', view: 'prod', recallId: 'rc-block', at: 3 }));
    await waitFor(async () => (await packument('prod')).versions['1.1.0'] !== undefined, { timeoutMs: 5_000, message: '1.1.0 back in prod' });
    expect((await packument('prod', 'abbreviated')).distTags.latest).toBe('1.1.0');
    expect((await tarball('prod', '1.1.0')).status).toBe(200);
    expect((await packument('dev')).versions['1.1.0'].deprecated).toContain('rc-block');
    const late = quarantinedMessage({ version: '1.1.0', view: 'prod', mode: QuarantineMode.BLOCK, reason: 'stale', recallId: 'rc-block', at: 2.5 });
    await h.service.app.get(QuarantineEventsController).onQuarantined(late);
    expect((await tarball('prod', '1.1.0')).status).toBe(200);
    expect((await enforcedEvents('rc-block')).map((e) => [e.view, e.quarantined, e.mode])).toEqual([
      ['prod', true, QuarantineMode.BLOCK],
      ['dev', true, QuarantineMode.WARN],
      ['prod', false, QuarantineMode.BLOCK],
    ]);
  });

  it('releasing in dev brings back the maintainer’s own deprecation', async () => {
    await emit(releasedMessage({ version: '1.1.0', view: 'dev', recallId: 'rc-block', at: 4 }));
    await waitFor(async () => (await packument('dev')).versions['1.1.0'].deprecated === 'maintainer says: old', { timeoutMs: 5_000, message: 'maintainer deprecation back' });
  });

  it('applies a redelivered quarantine once and emits one recall.enforced', async () => {
    const controller = h.service.app.get(QuarantineEventsController);
    const message = quarantinedMessage({ version: '1.0.0', view: 'prod', mode: QuarantineMode.BLOCK, reason: 'bad', recallId: 'rc-redelivered', at: 5 });
    await controller.onQuarantined(message);
    const revision = async () => Number((await h.service.dataSource.query(`SELECT revision FROM palisade_gateway.packages WHERE name = $1`, [NAME]))[0].revision);
    const before = await revision();
    await controller.onQuarantined({ ...message, attempt: 2 });
    await emit(message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await revision()).toBe(before);
    expect(await enforcedEvents('rc-redelivered')).toHaveLength(1);
    expect((await packument('prod')).distTags.latest).toBe('1.1.0');
    expect((await tarball('prod', '1.0.0')).status).toBe(451);
  });

  it('of two cases holding one version, block wins; releasing one case leaves the other in force', async () => {
    await emit(quarantinedMessage({ version: '1.0.0', view: 'dev', mode: QuarantineMode.WARN, reason: 'advisory GHSA-x', recallId: 'rc-a', at: 6 }));
    await emit(quarantinedMessage({ version: '1.0.0', view: 'dev', mode: QuarantineMode.BLOCK, reason: 'malware', recallId: 'rc-b', at: 7 }));
    await waitFor(async () => (await packument('dev')).versions['1.0.0'] === undefined, { timeoutMs: 5_000, message: 'blocked in dev' });
    await emit(releasedMessage({ version: '1.0.0', view: 'dev', recallId: 'rc-b', at: 8 }));
    await waitFor(async () => (await packument('dev')).versions['1.0.0']?.deprecated === 'advisory GHSA-x (recall rc-a)', { timeoutMs: 5_000, message: 'rc-a still warns' });
    expect((await enforcedEvents('rc-b')).map((e) => e.quarantined)).toEqual([true, false]);
  });

  it('a release arriving before its quarantine wins when it is newer', async () => {
    const controller = h.service.app.get(QuarantineEventsController);
    await controller.onReleased(releasedMessage({ version: '2.0.0-beta.1', view: 'prod', recallId: 'rc-early', at: 20 }));
    await controller.onQuarantined(quarantinedMessage({ version: '2.0.0-beta.1', view: 'prod', mode: QuarantineMode.BLOCK, reason: 'older', recallId: 'rc-early', at: 19 }));
    expect((await packument('prod')).versions['2.0.0-beta.1']).toBeDefined();
    expect((await tarball('prod', '2.0.0-beta.1')).status).toBe(200);
    expect((await enforcedEvents('rc-early')).map((e) => e.quarantined)).toEqual([false]);
  });

  it('a quarantine of other bytes leaves the version alone; one naming no bytes holds for whatever bytes it has', async () => {
    const controller = h.service.app.get(QuarantineEventsController);
    await controller.onQuarantined(quarantinedMessage({ version: '2.0.0-beta.1', view: 'staging', mode: QuarantineMode.BLOCK, reason: 'other bytes', recallId: 'rc-bytes', at: 30, integrity: integrityOf(Buffer.from('other')) }));
    await h.ingest.promote(NAME, '2.0.0-beta.1', 'staging');
    await waitFor(async () => (await packument('staging')).versions['2.0.0-beta.1'] !== undefined, { timeoutMs: 5_000, message: 'beta in staging' });
    expect((await tarball('staging', '2.0.0-beta.1')).status).toBe(200);
    await controller.onQuarantined(quarantinedMessage({ version: '2.0.0-beta.1', view: 'staging', mode: QuarantineMode.BLOCK, reason: 'any bytes', recallId: 'rc-any', at: 31, integrity: '' }));
    expect((await packument('staging')).versions['2.0.0-beta.1']).toBeUndefined();
    expect((await tarball('staging', '2.0.0-beta.1')).json.error).toBe('@acme/lib@2.0.0-beta.1 is quarantined in staging: any bytes (recall rc-any)');
  });
});
