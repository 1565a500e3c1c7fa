import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { Events, decodeMessage, downloadEntriesOf } from '@palisade/contracts';
import { createMetricsRegistry } from '@palisade/telemetry';
import type { GatewaySettings } from '../gateway.config';
import type { RegistryRequest } from '../http/registry-request';
import { BATCH_SIZE, DownloadRecorder, FLUSH_INTERVAL_MS, MAX_BUFFERED } from './download-recorder';

/** A data source whose transactions record the outbox rows they insert (or fail while `down`). */
function fakeStore() {
  const batches: string[][] = [];
  const entries: Array<{ userAgent: string; count: number; first: number; last: number }> = [];
  const downloaders: string[] = [];
  const views: string[] = [];
  const state = { down: false, delayMs: 0 };
  const dataSource = {
    transaction: async (work: (tx: unknown) => Promise<unknown>) => {
      if (state.down) throw new Error('database down');
      if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      const tx = {
        queryRunner: { isTransactionActive: true },
        connection: { options: { schema: 'palisade_gateway' } },
        query: async (sql: string, params: unknown[]) => {
          if (sql.includes('INSERT INTO')) {
            const downloads = downloadEntriesOf(decodeMessage(Events.downloadRecorded.schema, params[4] as Buffer), 0);
            batches.push(downloads.map((d) => d.userAgent));
            for (const d of downloads) {
              entries.push({ userAgent: d.userAgent, count: d.count, first: d.firstAt, last: d.lastAt });
              downloaders.push(`${d.principal}/${d.tokenId}`);
              views.push(d.view);
            }
          }
          return [];
        },
      };
      return work(tx);
    },
  } as unknown as DataSource;
  return { dataSource, batches, entries, downloaders, views, state };
}

const logger = { warn: jest.fn(), error: jest.fn() } as unknown as Logger;

function recorder(dataSource: DataSource, recordDownloads = true) {
  const metrics = createMetricsRegistry({ service: 'gateway', defaultMetrics: false });
  return { recorder: new DownloadRecorder(dataSource, { recordDownloads } as GatewaySettings, logger, metrics), metrics };
}

const TARBALL = { name: 'x', version: '1.0.0', integrity: 'sha512-x' };

/** Client `i` (its user agent) fetches the tarball without credentials, at `at` (epoch ms) when given. */
function serve(r: DownloadRecorder, i: number, at?: number): void {
  const now = at === undefined ? undefined : jest.spyOn(Date, 'now').mockReturnValue(at);
  r.recordTarball({ view: 'dev', head: false, headers: { 'user-agent': String(i) }, principal: async () => null } as unknown as RegistryRequest, TARBALL);
  now?.mockRestore();
}

async function counter(metrics: ReturnType<typeof createMetricsRegistry>, name: string): Promise<number> {
  return (await metrics.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
}

describe('DownloadRecorder', () => {
  it('writes a batch as soon as 500 downloads wait, one event per batch', async () => {
    const store = fakeStore();
    const { recorder: r, metrics } = recorder(store.dataSource);
    for (let i = 0; i < BATCH_SIZE + 20; i += 1) serve(r, i);
    await r.flush();
    expect(store.batches.map((b) => b.length)).toEqual([BATCH_SIZE, 20]);
    expect(store.batches.flat()).toEqual(Array.from({ length: BATCH_SIZE + 20 }, (_, i) => String(i)));
    expect(await counter(metrics, 'palisade_gateway_downloads_recorded_total')).toBe(BATCH_SIZE + 20);
  });

  it('writes downloads that arrive during a write with the next flush, not in a transaction each', async () => {
    const store = fakeStore();
    store.state.delayMs = 20;
    const { recorder: r } = recorder(store.dataSource);
    serve(r, 0);
    const first = r.flush();
    for (let i = 1; i <= 10; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 3));
      serve(r, i);
    }
    await first;
    expect(store.batches.map((b) => b.length)).toEqual([1]);
    await r.flush();
    expect(store.batches.map((b) => b.length)).toEqual([1, 10]);
  });

  it('keeps downloads while the database is down, dropping (and counting) the oldest beyond the bound', async () => {
    const store = fakeStore();
    const { recorder: r, metrics } = recorder(store.dataSource);
    store.state.down = true;
    for (let i = 0; i < MAX_BUFFERED + 250; i += 1) serve(r, i);
    await r.flush();
    expect(await counter(metrics, 'palisade_gateway_downloads_dropped_total')).toBe(250);
    expect(logger.warn).toHaveBeenCalled();
    store.state.down = false;
    await r.onApplicationShutdown();
    const written = store.batches.flat();
    expect(written).toHaveLength(MAX_BUFFERED);
    expect(written[0]).toBe('250');
    expect(written.at(-1)).toBe(String(MAX_BUFFERED + 249));
  });

  it('records the caller’s principal and token, or anonymous, and never a HEAD', async () => {
    const store = fakeStore();
    const { recorder: r } = recorder(store.dataSource);
    const request = (principal: Awaited<ReturnType<RegistryRequest['principal']>>, authorization?: string, head = false) => {
      const resolve = jest.fn(async () => principal);
      const headers = { 'user-agent': 'npm/11', ...(authorization ? { authorization } : {}) };
      return { request: { view: 'prod', head, headers, principal: resolve } as unknown as RegistryRequest, resolve };
    };
    const ci = request({ user: 'ci', tokenId: 'k1', readonly: true, admin: false }, 'Bearer ci-token');
    const revoked = request(null, 'Bearer revoked-token');
    const anonymous = request(null);
    r.recordTarball(ci.request, { name: 'x', version: '1.0.0', integrity: 'sha512-x' });
    r.recordTarball(revoked.request, { name: 'x', version: '1.0.1', integrity: 'sha512-x' });
    r.recordTarball(anonymous.request, { name: 'x', version: '1.0.2', integrity: 'sha512-x' });
    r.recordTarball(request(null, 'Bearer ci-token', true).request, { name: 'x', version: '1.0.3', integrity: 'sha512-x' });
    await r.flush();
    expect(store.downloaders).toEqual(['ci/k1', 'anonymous/', 'anonymous/']);
    expect(store.views).toEqual(['prod', 'prod', 'prod']);
    // Without credentials there is nobody to resolve.
    expect(anonymous.resolve).not.toHaveBeenCalled();
    expect(ci.resolve).toHaveBeenCalledTimes(1);
    await r.onApplicationShutdown();
  });

  it('resolves the same credentials once a second however many entries they open, and writes an entry once its downloader is known', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const store = fakeStore();
    const { recorder: r } = recorder(store.dataSource);
    r.onModuleInit();
    try {
      let settle: (principal: { user: string; tokenId: string; readonly: boolean; admin: boolean }) => void = () => undefined;
      const resolve = jest.fn(() => new Promise((done) => (settle = done)));
      const ci = { view: 'prod', head: false, headers: { 'user-agent': 'npm/11', authorization: 'Bearer ci-token' }, principal: resolve } as unknown as RegistryRequest;
      const other = { ...ci, headers: { ...ci.headers, authorization: 'Bearer other-token' }, principal: async () => null } as unknown as RegistryRequest;
      // An install: one token, many tarballs, each a new entry.
      for (let i = 0; i < 50; i += 1) r.recordTarball(ci, { name: 'x', version: `1.0.${i}`, integrity: 'sha512-x' });
      r.recordTarball(ci, { name: 'x', version: '1.0.0', integrity: 'sha512-x' });
      r.recordTarball(other, { name: 'x', version: '1.0.0', integrity: 'sha512-x' });
      expect(resolve).toHaveBeenCalledTimes(1);
      const written = r.flush();
      await new Promise((done) => setImmediate(done));
      expect(store.batches).toEqual([]);
      settle({ user: 'ci', tokenId: 'k1', readonly: true, admin: false });
      await written;
      expect(store.entries.map((e) => e.count)).toEqual([2, ...Array<number>(49).fill(1), 1]);
      expect(store.downloaders).toEqual([...Array<string>(50).fill('ci/k1'), 'anonymous/']);
      // A second later the token is resolved again (it may have been revoked meanwhile).
      await jest.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS);
      r.recordTarball(ci, { name: 'x', version: '1.0.0', integrity: 'sha512-x' });
      expect(resolve).toHaveBeenCalledTimes(2);
      settle({ user: 'ci', tokenId: 'k1', readonly: true, admin: false });
    } finally {
      jest.useRealTimers();
      await r.onApplicationShutdown();
    }
  });

  it('knows the downloader of the entry that fills a batch (the write starts on that very request)', async () => {
    const store = fakeStore();
    const { recorder: r } = recorder(store.dataSource);
    const principal = async () => ({ user: 'ci', tokenId: 'k1', readonly: true, admin: false });
    for (let i = 0; i < BATCH_SIZE; i += 1) {
      const ci = { view: 'prod', head: false, headers: { 'user-agent': `npm/${i}`, authorization: 'Bearer ci-token' }, principal } as unknown as RegistryRequest;
      r.recordTarball(ci, { name: 'x', version: '1.0.0', integrity: 'sha512-x' });
    }
    await r.flush();
    expect(store.batches).toHaveLength(1);
    expect(new Set(store.downloaders)).toEqual(new Set(['ci/k1']));
  });

  it('counts repeats of a download on one entry with its first and last time, and starts a new entry once that one is being written', async () => {
    const store = fakeStore();
    store.state.delayMs = 20;
    const { recorder: r, metrics } = recorder(store.dataSource);
    for (let i = 0; i < 300; i += 1) serve(r, 1, 1_000 + i);
    serve(r, 2, 5_000);
    const first = r.flush();
    // Arrives while the first entry is being written: it must not be lost in it.
    serve(r, 1, 9_000);
    await first;
    await r.flush();
    expect(store.batches).toEqual([['1', '2'], ['1']]);
    expect(store.entries).toEqual([
      { userAgent: '1', count: 300, first: 1_000, last: 1_299 },
      { userAgent: '2', count: 1, first: 5_000, last: 5_000 },
      { userAgent: '1', count: 1, first: 9_000, last: 9_000 },
    ]);
    expect(await counter(metrics, 'palisade_gateway_downloads_recorded_total')).toBe(302);
  });

  it('drops whole entries when the buffer is full and counts the downloads they stood for', async () => {
    const store = fakeStore();
    const { recorder: r, metrics } = recorder(store.dataSource);
    store.state.down = true;
    for (let i = 0; i < 5; i += 1) serve(r, 0);
    for (let i = 1; i <= MAX_BUFFERED; i += 1) serve(r, i);
    await r.flush();
    expect(await counter(metrics, 'palisade_gateway_downloads_dropped_total')).toBe(5);
    store.state.down = false;
    await r.onApplicationShutdown();
    expect(store.entries).toHaveLength(MAX_BUFFERED);
    expect(store.entries.every((e) => e.count === 1 && e.userAgent !== '0')).toBe(true);
  });

  it('does nothing when switched off', async () => {
    const store = fakeStore();
    const { recorder: r } = recorder(store.dataSource, false);
    r.onModuleInit();
    serve(r, 1);
    await r.onApplicationShutdown();
    expect(store.batches).toEqual([]);
  });
});
