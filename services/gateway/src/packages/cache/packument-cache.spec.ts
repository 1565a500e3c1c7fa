import type { PackageRecord } from '../domain/package-record';
import type { PackageReader } from '../store/package-reader';
import type { OnDemandViews } from '../../upstream/on-demand-views';
import { PackageChanges } from './package-changes';
import { PackumentCache, REVISION_TTL_MS } from './packument-cache';

/** An in-memory read model that counts its queries. */
class MemoryReader {
  revision = 1;
  loads = 0;
  revisionReads = 0;
  exists = true;

  async revisionOf(): Promise<number | null> {
    this.revisionReads += 1;
    return this.exists ? this.revision : null;
  }

  async load(name: string): Promise<PackageRecord | null> {
    this.loads += 1;
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.exists) return null;
    const versions = Array.from({ length: this.revision }, (_, i) => ({ version: `1.${i}.0`, manifest: {}, integrity: `sha512-${i}`, publishedAt: new Date(0) }));
    return {
      name,
      revision: this.revision,
      createdAt: new Date(0),
      modifiedAt: new Date(0),
      maintainers: [],
      distTags: {},
      versions,
      admissions: new Map([['dev', new Set(versions.map((v) => v.version))]]),
    };
  }
}

const configWith = (maxBytes: number) => ({ PALISADE_VIEWS: ['dev'], PALISADE_PACKUMENT_CACHE_MAX_BYTES: maxBytes });

describe('PackumentCache', () => {
  let reader: MemoryReader;
  let changes: PackageChanges;
  let cache: PackumentCache;
  let now: number;

  beforeEach(() => {
    reader = new MemoryReader();
    changes = new PackageChanges();
    // Unit scope: no upstream, so no view lists unjudged versions.
    const judgedOnly = { listsUnjudged: async () => false } as unknown as OnDemandViews;
    cache = new PackumentCache(reader as unknown as PackageReader, changes, judgedOnly, configWith(256 * 1024 * 1024));
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });

  afterEach(() => jest.restoreAllMocks());

  const versionsOf = async () => {
    const doc = await cache.get('dev', 'p', 'abbreviated', 'http://r');
    return doc ? Object.keys((JSON.parse(doc.body.toString()) as { versions: object }).versions) : null;
  };

  it('answers hits without asking the database, until the revision TTL passes', async () => {
    expect(await versionsOf()).toEqual(['1.0.0']);
    const first = await cache.get('dev', 'p', 'abbreviated', 'http://r');
    expect([reader.loads, reader.revisionReads]).toEqual([1, 1]);
    now += REVISION_TTL_MS - 1;
    expect(await cache.get('dev', 'p', 'abbreviated', 'http://r')).toBe(first);
    expect(reader.revisionReads).toBe(1);
    now += 2;
    expect(await cache.get('dev', 'p', 'abbreviated', 'http://r')).toBe(first);
    expect([reader.loads, reader.revisionReads]).toEqual([1, 2]);
  });

  it('keeps renderings within PALISADE_PACKUMENT_CACHE_MAX_BYTES, dropping the least recently read', async () => {
    const judgedOnly = { listsUnjudged: async () => false } as unknown as OnDemandViews;
    const get = (c: PackumentCache, name: string) => c.get('dev', name, 'abbreviated', 'http://r');
    const size = (await get(cache, 'p'))?.body.length ?? 0;
    // Room for two renderings (each charged 1.5 times its body), not three.
    const small = new PackumentCache(reader as unknown as PackageReader, changes, judgedOnly, configWith(Math.ceil(size * 1.5) * 2));
    const [p, q] = [await get(small, 'p'), await get(small, 'q')];
    expect(await get(small, 'p')).toBe(p);
    await get(small, 'r');
    // q was read least recently: dropped, rendered anew; p stays.
    expect(await get(small, 'p')).toBe(p);
    expect(await get(small, 'q')).not.toBe(q);
  });

  it('renders again when another replica changed the package (the revision moved)', async () => {
    await versionsOf();
    reader.revision = 2;
    expect(await versionsOf()).toEqual(['1.0.0']);
    now += REVISION_TTL_MS;
    expect(await versionsOf()).toEqual(['1.0.0', '1.1.0']);
  });

  it('drops a package at once when this replica changed it', async () => {
    await versionsOf();
    reader.revision = 2;
    changes.changed('p');
    expect(await versionsOf()).toEqual(['1.0.0', '1.1.0']);
  });

  it('shares one load between concurrent misses, and keys by view, representation and URL', async () => {
    const docs = await Promise.all([1, 2, 3].map(() => cache.get('dev', 'p', 'full', 'http://r')));
    expect(reader.loads).toBe(1);
    expect(new Set(docs).size).toBe(1);
    const other = await cache.get('dev', 'p', 'full', 'http://other');
    expect(other?.body.toString()).toContain('http://other/p/-/p-1.0.0.tgz');
    expect(await cache.get('prod', 'p', 'full', 'http://r')).toBeNull();
  });

  it('is null for unknown packages', async () => {
    reader.exists = false;
    expect(await versionsOf()).toBeNull();
    expect(reader.loads).toBe(0);
  });
});
