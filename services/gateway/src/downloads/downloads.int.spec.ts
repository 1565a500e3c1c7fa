import { request as httpRequest } from 'node:http';
import { Events, decodeMessage, downloadEntriesOf, type DownloadEntry } from '@palisade/contracts';
import { integrityOf, runCleanups, waitFor } from '@palisade/testing';
import { tokenKeyOf } from '../accounts/credentials/token-secret';
import { startGatewayHarness, type GatewayHarness } from '../packages/__fixtures__/gateway-harness';
import { packTarball, publishBody } from '../packages/__fixtures__/publish-body';
import { FLUSH_INTERVAL_MS } from './download-recorder';

// Download recording on the real gateway: tarball GETs become download.recorded batches in the
// outbox (relayed to the DOWNLOADS stream), with the downloader's principal and token.
const NAME = 'dl-lib';
const FILE = `/dev/${NAME}/-/${NAME}-1.0.0.tgz`;
const NPM_UA = 'npm/11.6.0 node/v20.19.0 linux x64 workspaces/false ci/github-actions';
let integrity: string;

async function publish(h: GatewayHarness): Promise<void> {
  const alice = await h.createUser('alice');
  const bytes = await packTarball({ name: NAME, version: '1.0.0' });
  integrity = integrityOf(bytes);
  expect((await h.call('PUT', `/dev/${NAME}`, { token: alice, body: publishBody(NAME, '1.0.0', bytes) })).status).toBe(201);
}

/** Downloads an entry stands for (repeats within a batch share one entry). */
const countOf = (entries: readonly DownloadEntry[]): number => entries.reduce((sum, d) => sum + d.count, 0);

const entriesIn = (data: Uint8Array): DownloadEntry[] => downloadEntriesOf(decodeMessage(Events.downloadRecorded.schema, data), 0);

async function recorded(h: GatewayHarness): Promise<{ batches: number; downloads: DownloadEntry[]; count: number }> {
  const rows: Array<{ data: Buffer }> = await h.service.dataSource.query(`SELECT data FROM palisade_gateway.outbox WHERE subject = $1 ORDER BY position`, [Events.downloadRecorded.subject]);
  const downloads = rows.flatMap((r) => entriesIn(r.data));
  return { batches: rows.length, downloads, count: countOf(downloads) };
}

/** One request on a connection of its own, closed after the response (no keep-alive to outlive a server's stop). */
function once(url: string, method: 'GET' | 'HEAD', headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false, headers: { connection: 'close', ...headers } }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('download recording', () => {
  let h: GatewayHarness;
  let ciToken: string;

  beforeAll(async () => {
    h = await startGatewayHarness(`gw_downloads_${process.pid}`);
    await publish(h);
    await h.createUser('ci-deployer');
    ciToken = await h.createToken('ci-deployer', { readonly: true });
  });

  afterAll(() => runCleanups());

  it('records every tarball served (not 304s, HEADs or refusals) with who fetched it, with which token and client', async () => {
    const seen: DownloadEntry[] = [];
    const subscription = await h.bus.consume(
      { durable: 'test-downloads', stream: 'DOWNLOADS', filterSubject: Events.downloadRecorded.subject, maxDeliver: 3, backoffMs: [100], ackWaitMs: 5_000 },
      async (message) => void seen.push(...entriesIn(message.data)),
    );
    const before = new Date();
    const asCi = await Promise.all(Array.from({ length: 12 }, () => h.call('GET', FILE, { token: ciToken, headers: { 'user-agent': NPM_UA } })));
    expect(asCi.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect((await h.call('GET', FILE, { headers: { 'user-agent': 'pnpm/10.0.0' } })).status).toBe(200);
    expect((await h.call('GET', FILE, { token: 'pal_not-a-token' })).status).toBe(200);
    expect((await h.call('GET', FILE, { headers: { 'if-none-match': `"${integrity}"` } })).status).toBe(304);
    expect(await once(`${h.origin}${FILE}`, 'HEAD')).toBe(200);
    expect((await h.call('GET', `/dev/${NAME}/-/${NAME}-9.9.9.tgz`)).status).toBe(404);

    await waitFor(async () => (await recorded(h)).count >= 14, { timeoutMs: 3_000, message: '14 downloads recorded' });
    // One more flush interval: a HEAD, 304 or refusal wrongly recorded would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, FLUSH_INTERVAL_MS + 200));
    const { batches, downloads, count } = await recorded(h);
    expect(count).toBe(14);
    // Batched: downloads share events (how many depends on how the flush windows fall on a loaded machine).
    expect(batches).toBeLessThan(count);
    const ci = downloads.filter((d) => d.principal === 'ci-deployer');
    expect(countOf(ci)).toBe(12);
    // Repeats within a batch are one entry with a count, not twelve.
    expect(ci.length).toBeLessThan(12);
    for (const d of ci) {
      expect(d).toMatchObject({ name: NAME, version: '1.0.0', integrity, view: 'dev', userAgent: NPM_UA, principal: 'ci-deployer', tokenId: tokenKeyOf(ciToken) });
      expect(d.firstAt).toBeGreaterThanOrEqual(before.getTime());
      expect(d.lastAt).toBeGreaterThanOrEqual(d.firstAt);
    }
    const anonymous = downloads.filter((d) => d.principal === 'anonymous');
    expect(anonymous.map((d) => [d.userAgent, d.tokenId])).toEqual(expect.arrayContaining([['pnpm/10.0.0', '']]));
    expect(countOf(anonymous)).toBe(2);

    await waitFor(() => countOf(seen) >= 14, { timeoutMs: 5_000, message: 'batches relayed to the DOWNLOADS stream' });
    await subscription.stop();
  });

  it('writes what is still buffered when the gateway stops', async () => {
    const replica = await h.startReplica();
    const { count: before } = await recorded(h);
    expect(await once(`${replica.url}${FILE}`, 'GET', { 'user-agent': 'last-one' })).toBe(200);
    await replica.stop();
    const { count, downloads: after } = await recorded(h);
    expect(count).toBe(before + 1);
    expect(after.at(-1)?.userAgent).toBe('last-one');
  });
});

describe('download recording switched off (PALISADE_DOWNLOADS_RECORD=false)', () => {
  let h: GatewayHarness;

  beforeAll(async () => {
    h = await startGatewayHarness(`gw_downloads_off_${process.pid}`, { PALISADE_DOWNLOADS_RECORD: 'false' });
    await publish(h);
  });

  afterAll(() => runCleanups());

  it('records nothing', async () => {
    for (let i = 0; i < 5; i += 1) expect((await h.call('GET', FILE)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await recorded(h)).downloads).toEqual([]);
  });
});
