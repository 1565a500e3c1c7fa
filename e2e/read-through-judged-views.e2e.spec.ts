import { runCleanups, startFixtureUpstream, waitFor, type FixtureUpstream } from '@palisade/testing';
import { startStack, type Stack } from './support/stack';

const HOUR = 3_600_000;

// With background judging off, only requests judge upstream versions: a view that lists judged
// versions only (prod) must ask for what the dist-tags name when it first reads a package.
describe('read-through into a view that lists only judged versions (embedded mode, background judging off)', () => {
  let upstream: FixtureUpstream;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFixtureUpstream();
    const old = new Date(Date.now() - 100 * HOUR);
    upstream.addPackage({
      name: 'tag-judged',
      versions: ['1.0.0', '1.1.0', '2.0.0-rc.1'].map((version) => ({ version, publishedAt: old })),
      distTags: { latest: '1.1.0', next: '2.0.0-rc.1' },
    });
    stack = await startStack('embedded', { PALISADE_UPSTREAM_URL: upstream.url, PALISADE_UPSTREAM_BACKGROUND_RATE: '0' });
  });

  afterAll(async () => {
    await stack?.stop();
    await upstream?.stop();
    await runCleanups();
  });

  it('answers the first read with what the dist-tags name, judged and admitted; other versions wait to be asked for', async () => {
    const read = async () => {
      const response = await fetch(`${stack.registry('prod')}tag-judged`, { headers: { accept: 'application/json' } });
      expect(response.status).toBe(200);
      return (await response.json()) as { 'dist-tags': Record<string, string>; versions: Record<string, unknown> };
    };
    const first = await read();
    expect(first['dist-tags'].latest).toBe('1.1.0');
    expect(first.versions['1.1.0']).toBeDefined();
    expect(first.versions['1.0.0']).toBeUndefined();
    // Every tagged version was asked for, not only `latest`; the untagged one never was.
    await waitFor(async () => Object.keys((await read()).versions).length === 2, { timeoutMs: 10_000, message: 'next judged too' });
    const settled = await read();
    expect(Object.keys(settled.versions).sort()).toEqual(['1.1.0', '2.0.0-rc.1']);
    expect(settled['dist-tags']).toEqual({ latest: '1.1.0', next: '2.0.0-rc.1' });
  });
});
