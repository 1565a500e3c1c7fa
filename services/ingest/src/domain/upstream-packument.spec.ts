import { parseUpstreamPackument } from './upstream-packument';

const INTEGRITY = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;

function version(v: string, extra: Record<string, unknown> = {}) {
  return { name: 'pkg', version: v, dist: { integrity: INTEGRITY, shasum: 'ABC', tarball: `http://up/pkg/-/pkg-${v}.tgz` }, ...extra };
}

describe('parseUpstreamPackument', () => {
  it('keeps valid versions with their sha512 integrity, signatures, time and the latest tag', () => {
    const parsed = parseUpstreamPackument(
      'pkg',
      {
        name: 'pkg',
        'dist-tags': { latest: '1.0.0' },
        time: { '1.0.0': '2020-01-02T03:04:05.000Z' },
        versions: { '1.0.0': version('1.0.0', { _resolved: 'x', dist: { integrity: `sha1-AAAA ${INTEGRITY}`, shasum: 'ABC', tarball: 'http://up/t.tgz', signatures: [{ keyid: 'k', sig: 's' }, { bad: 1 }] } }) },
      },
      64 * 1024,
    );
    expect(parsed.latest).toBe('1.0.0');
    expect(parsed.skipped).toEqual([]);
    const [v] = parsed.versions;
    expect(v).toMatchObject({ version: '1.0.0', integrity: INTEGRITY, shasum: 'abc', signatures: [{ keyid: 'k', sig: 's' }], tarballUrl: 'http://up/t.tgz' });
    expect(v.publishedAt?.toISOString()).toBe('2020-01-02T03:04:05.000Z');
    expect(v.manifest).not.toHaveProperty('_resolved');
    expect(v.manifest.dist).toEqual({ integrity: INTEGRITY, shasum: 'ABC', tarball: 'http://up/t.tgz' });
  });

  it('leaves out versions it cannot verify or that claim another identity, and says why', () => {
    const parsed = parseUpstreamPackument(
      'pkg',
      {
        name: 'pkg',
        versions: {
          '1.0.0': version('1.0.0', { dist: { shasum: 'abc', tarball: 'http://up/t.tgz' } }),
          '2.0.0': version('2.0.0', { name: 'other' }),
          'not-a-version': version('not-a-version'),
          '3.0.0': version('3.0.0', { readme: 'x'.repeat(4000), description: 'y'.repeat(40_000) }),
          '4.0.0': version('4.0.0', { readme: 'r'.repeat(30_000) }),
        },
      },
      20 * 1024,
    );
    expect(parsed.versions.map((v) => v.version)).toEqual(['4.0.0']);
    expect(parsed.versions[0].manifest).not.toHaveProperty('readme');
    expect(parsed.listed).toHaveLength(5);
    expect(parsed.skipped.join('\n')).toMatch(/pkg@1\.0\.0: no sha512 integrity/);
    expect(parsed.skipped.join('\n')).toMatch(/pkg@2\.0\.0: its manifest names another package/);
    expect(parsed.skipped.join('\n')).toMatch(/pkg@not-a-version: not a valid version/);
    expect(parsed.skipped.join('\n')).toMatch(/pkg@3\.0\.0: its manifest is larger than/);
  });

  it('refuses a packument of another package', () => {
    expect(() => parseUpstreamPackument('pkg', { name: 'evil', versions: {} }, 1024)).toThrow('instead of pkg');
  });

  it('keeps every dist-tag that names a usable version, and only those', () => {
    const parsed = parseUpstreamPackument(
      'pkg',
      {
        name: 'pkg',
        'dist-tags': { latest: '1.0.0', next: '2.0.0-rc.1', gone: '9.9.9', '1.x': '1.0.0', 'bad tag': '1.0.0', number: 7 },
        versions: { '1.0.0': version('1.0.0'), '2.0.0-rc.1': version('2.0.0-rc.1') },
      },
      64 * 1024,
    );
    expect(parsed.distTags).toEqual({ latest: '1.0.0', next: '2.0.0-rc.1' });
    expect(parsed.latest).toBe('1.0.0');
  });
});

