import { RegistryHttpError } from '../../http/registry-errors';
import { diffMetadata, type ServedPackage } from './metadata-diff';

const served: ServedPackage = {
  versions: new Map([
    ['1.0.0', { name: 'p', version: '1.0.0', main: 'a.js', dist: { tarball: 'http://a/p/-/p-1.0.0.tgz' } }],
    ['2.0.0', { name: 'p', version: '2.0.0', main: 'b.js', deprecated: 'old', dist: { tarball: 'http://a/p/-/p-2.0.0.tgz' } }],
  ]),
  distTags: { latest: '2.0.0', stable: '1.0.0' },
  maintainers: [{ name: 'alice', email: 'a@x' }],
};

/** The served document, as npm would send it back, with changes applied by `edit`. */
function sent(edit: (doc: { versions: Record<string, Record<string, unknown>>; 'dist-tags': Record<string, string>; maintainers: unknown[] }) => void) {
  const doc = {
    _id: 'p',
    _rev: '3-abc',
    versions: Object.fromEntries([...served.versions].map(([v, o]) => [v, structuredClone(o)])),
    'dist-tags': { ...served.distTags },
    maintainers: [...served.maintainers],
  };
  edit(doc);
  return doc;
}

describe('diffMetadata', () => {
  it('finds deprecations and un-deprecations (npm deprecate)', () => {
    const changes = diffMetadata(
      sent((d) => {
        d.versions['1.0.0'].deprecated = 'use 2';
        d.versions['2.0.0'].deprecated = '';
      }),
      served,
    );
    expect([...changes.deprecations]).toEqual([
      ['1.0.0', 'use 2'],
      ['2.0.0', null],
    ]);
    expect(changes.removedVersions).toEqual([]);
    expect(changes.tagSets).toEqual({});
    expect(changes.tagDeletes).toEqual([]);
  });

  it('reads a version removal the way npm unpublish sends it, leaving latest to the unpublish', () => {
    const changes = diffMetadata(
      sent((d) => {
        delete d.versions['2.0.0'];
        d['dist-tags'].latest = '1.0.0';
      }),
      served,
    );
    expect(changes.removedVersions).toEqual(['2.0.0']);
    expect(changes.tagSets).toEqual({});
  });

  it('finds maintainer changes from an owner-only body (npm owner add)', () => {
    const changes = diffMetadata({ _id: 'p', _rev: '3-abc', maintainers: [{ name: 'alice', email: 'a@x' }, { name: 'bob', email: 'b@x' }] }, served);
    expect(changes.maintainers).toEqual([
      { name: 'alice', email: 'a@x' },
      { name: 'bob', email: 'b@x' },
    ]);
    expect(changes.removedVersions).toEqual([]);
  });

  it('finds dist-tag moves and removals', () => {
    const changes = diffMetadata(
      sent((d) => {
        d['dist-tags'] = { latest: '1.0.0', next: '2.0.0' };
      }),
      served,
    );
    expect(changes.tagSets).toEqual({ latest: '1.0.0', next: '2.0.0' });
    expect(changes.tagDeletes).toEqual(['stable']);
  });

  it('ignores the tarball URL a client got from another host', () => {
    const changes = diffMetadata(
      sent((d) => {
        d.versions['1.0.0'].dist = { tarball: 'http://other-host/p/-/p-1.0.0.tgz' };
      }),
      served,
    );
    expect(changes.deprecations.size).toBe(0);
  });

  it('refuses any other change, naming every one', () => {
    let error: unknown;
    try {
      diffMetadata(
        sent((d) => {
          d.versions['1.0.0'].main = 'evil.js';
          d.versions['3.0.0'] = { name: 'p', version: '3.0.0' };
        }),
        served,
      );
    } catch (e: unknown) {
      error = e;
    }
    expect(error).toBeInstanceOf(RegistryHttpError);
    expect((error as RegistryHttpError).status).toBe(400);
    expect((error as RegistryHttpError).message).toContain('version 1.0.0: only "deprecated" can change after publishing (changed: main)');
    expect((error as RegistryHttpError).message).toContain('version 3.0.0 does not exist here');
  });
});
