import { resolve } from 'node:path';
import { runCleanups, waitFor } from '@palisade/testing';
import { startScanning } from '../__fixtures__/scanning-harness';

const OSV_FIXTURES = resolve(__dirname, '../../../../libs/osv/src/__fixtures__/osv');

describe('scheduled advisory mirror', () => {
  afterAll(() => runCleanups());

  it('imports PALISADE_OSV_SOURCE on its own, through the same path as on-demand imports, and records the round', async () => {
    const h = await startScanning({ PALISADE_OSV_SOURCE: OSV_FIXTURES, PALISADE_OSV_SYNC_INTERVAL: '1h' });
    try {
      const finished = async () =>
        (await h.service.dataSource.query(`SELECT kind, source, report, error FROM import_run WHERE finished_at IS NOT NULL ORDER BY id`)) as Array<{
          kind: string;
          source: string;
          report: { imported?: number } | null;
          error: string | null;
        }>;
      // The first round runs shortly after start, without anyone asking.
      await waitFor(async () => (await finished()).length >= 1, { timeoutMs: 20_000, message: 'a scheduled round' });
      const [first] = await finished();
      expect(first).toMatchObject({ kind: 'osv', source: OSV_FIXTURES, error: null });
      const advisories = (await h.service.dataSource.query('SELECT id FROM advisory ORDER BY id')) as Array<{ id: string }>;
      expect(advisories.map((a) => a.id)).toEqual(expect.arrayContaining(['GHSA-jf85-cpcp-j695', 'MAL-2025-46974']));
    } finally {
      await h.stop();
    }
  });
});
